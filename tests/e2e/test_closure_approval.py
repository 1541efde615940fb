"""Closing a case with the coordinator's approval, in a real browser: the assistant proposes, the
coordinator finds it on the start page and returns it, the assistant proposes again, the
coordinator approves; the timeline tells every step."""

import pytest

from cases.models import Case, CaseStatus, CaseTransition
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import CaseFactory, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Lichva – nevýhodná půjčka"


def _propose(page, live_server, case: Case, outcome: str) -> None:
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.locator("#id_to_status").select_option(CaseStatus.CLOSING_PROPOSED)
    page.locator("#id_outcome").fill(outcome)
    with page.expect_navigation():
        page.get_by_role("button", name="Změnit stav").click()
    assert "Uzavření bylo navrženo; čeká na schválení koordinátorem." in page.content()
    assert page.locator("#id_to_status").count() == 0  # the assistant now waits


def _open_from_the_start_page(page, live_server, case: Case) -> None:
    page.goto(f"{live_server.url}/")
    section = page.locator("section[aria-labelledby=attention-waiting_for_approval]")
    link = section.get_by_role("link", name=f"Olga Rácová – {TITLE}")
    assert link.count() == 1, section.inner_text()
    assert axe_violations(page) == []
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/cases/{case.pk}/")


def test_assistant_proposes_coordinator_returns_then_approves(page, browser, axe_source, live_server, alice, carol):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Olga", last_name="Rácová")
    case = CaseFactory(client=client, assistant=alice, title=TITLE, status=CaseStatus.IN_PROGRESS)
    sign_in(page, live_server, alice, with_authenticator(alice))
    # The coordinator on a phone, beside the assistant's desktop; axe-core as in the `page` fixture.
    coordinator_context = browser.new_context(viewport={"width": 375, "height": 812}, locale="cs-CZ")
    coordinator_context.add_init_script(script=axe_source)
    coordinator = coordinator_context.new_page()
    coordinator.set_default_timeout(15_000)
    sign_in(coordinator, live_server, carol, with_authenticator(carol))

    _propose(page, live_server, case, "Klientka dluh splatila")
    assert axe_violations(page) == []  # the case waiting, as the assistant sees it
    _open_from_the_start_page(coordinator, live_server, case)
    assert "Klientka dluh splatila" in coordinator.locator("main").inner_text()
    coordinator.get_by_label("Vrátit asistentovi").check()
    # Returning without a comment is refused and changes nothing.
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Uložit rozhodnutí").click()
    assert "Napište, proč uzavření vracíte." in coordinator.content()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSING_PROPOSED
    # The refused form is shown again on its own page, with the choice kept.
    assert coordinator.get_by_label("Vrátit asistentovi").is_checked()
    coordinator.locator("#id_comment").fill("Doplňte prosím zprávu od policie.")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Uložit", exact=True).click()
    assert "Uzavření bylo vráceno." in coordinator.content()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS

    _propose(page, live_server, case, "Zpráva doplněna, policie věc odložila")
    _open_from_the_start_page(coordinator, live_server, case)
    assert axe_violations(coordinator) == []
    coordinator.get_by_label("Schválit uzavření").check()
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Uložit rozhodnutí").click()
    assert "Případ byl uzavřen." in coordinator.content()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == "Zpráva doplněna, policie věc odložila"
    assert list(CaseTransition.objects.filter(case=case).order_by("id").values_list("to_status", flat=True)) == [
        CaseStatus.CLOSING_PROPOSED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.CLOSING_PROPOSED,
        CaseStatus.CLOSED,
    ]
    # Nothing waits any more on the start page: the section is gone, the rest of the page is there.
    coordinator.goto(f"{live_server.url}/")
    assert coordinator.locator("#attention").count() == 1
    assert coordinator.locator("section[aria-labelledby=attention-waiting_for_approval]").count() == 0
    assert "Případy čekající na vaše schválení uzavření" not in coordinator.content()

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    timeline = page.locator("section[aria-labelledby=timeline-heading]").inner_text()
    for step in [
        "Navrženo uzavření",
        "Klientka dluh splatila",
        "Uzavření vráceno",
        "Doplňte prosím zprávu od policie.",
        "Zpráva doplněna, policie věc odložila",
        "Uzavření schváleno",
    ]:
        assert step in timeline, step
    assert timeline.count("Navrženo uzavření") == 2
    screenshot(page, "closure-approval-timeline")
    coordinator_context.close()
