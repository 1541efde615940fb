"""A client moves from Ostrava to Brno: the coordinator transfers the client, the receiving
coordinator accepts (or rejects) it, in a real browser."""

import pytest

from accounts.roles import Role
from cases.models import CaseStatus, ClientTransfer, TransferState
from clients.models import Client, Consent
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import CaseFactory, ClientFactory, ConsentFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def otto(other_org):
    return UserFactory(username="otto", organisation=other_org, role=Role.COORDINATOR)


@pytest.fixture
def moving(alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dvořáková")
    ConsentFactory(client=client, purpose=Consent.Purpose.TRANSFER)
    case = CaseFactory(client=client, title="Lichva v Ostravě", status=CaseStatus.IN_PROGRESS)
    contact = ContactFactory(assistant=alice, clients=[client])
    return client, case, contact


def _request_transfer(page, live_server, carol, otto, client) -> ClientTransfer:
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Předat klienta").click()
    assert axe_violations(page) == []
    page.get_by_label("Přebírající organizace").select_option(label=otto.organisation.name)
    assert page.get_by_label("Lichva v Ostravě (Rozpracovaný)").is_checked()  # open cases go with the client
    page.get_by_label("Poznámka pro přebírajícího koordinátora").fill("Stěhuje se do Brna k sestře.")
    with page.expect_navigation():
        page.get_by_role("button", name="Odeslat předání").click()
    assert "Předání bylo odesláno přebírající organizaci k rozhodnutí." in page.content()
    screenshot(page, "transfer-requested")
    page.context.clear_cookies()
    return ClientTransfer.objects.get()


def _open_from_the_start_page(page, live_server, otto) -> None:
    sign_in(page, live_server, otto, with_authenticator(otto))
    section = page.get_by_role("region", name="Předání klientů čekající na vaše rozhodnutí")
    assert "Dvořáková" not in section.inner_text()
    with page.expect_navigation():
        section.get_by_role("link").first.click()
    content = page.content()
    assert "M. D." in content and "Stěhuje se do Brna k sestře." in content and "Dvořáková" not in content
    assert axe_violations(page) == []


def test_a_transfer_accepted(page, live_server, carol, otto, moving):
    client, case, contact = moving
    transfer = _request_transfer(page, live_server, carol, otto, client)
    page.set_viewport_size({"width": 375, "height": 812})
    _open_from_the_start_page(page, live_server, otto)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "transfer-decision-375")
    with page.expect_navigation():
        page.get_by_role("button", name="Přijmout předání").click()
    assert page.url.endswith(f"/clients/{client.pk}/")
    assert "Marie Dvořáková" in page.content() and "Lichva v Ostravě" in page.content()
    transfer.refresh_from_db()
    assert transfer.state == TransferState.ACCEPTED
    assert Client.objects.get(pk=client.pk).organisation_id == otto.organisation_id
    page.context.clear_cookies()
    # The sender keeps its contact, naming the client only as transferred; the file is gone.
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    assert "klient předaný jiné organizaci" in page.content() and "Dvořáková" not in page.content()
    assert page.goto(f"{live_server.url}/clients/{client.pk}/").status == 404
    assert page.goto(f"{live_server.url}/cases/{case.pk}/").status == 404


def test_a_transfer_rejected(page, live_server, carol, otto, moving):
    client, case, _contact = moving
    transfer = _request_transfer(page, live_server, carol, otto, client)
    _open_from_the_start_page(page, live_server, otto)
    with page.expect_navigation():
        page.get_by_role("button", name="Odmítnout předání").click()
    assert "Uveďte, proč předání odmítáte." in page.content()
    page.get_by_label("Důvod odmítnutí").fill("Nemáme v Brně volnou kapacitu.")
    with page.expect_navigation():
        page.get_by_role("button", name="Odmítnout předání").click()
    assert "Předání bylo odmítnuto; u klienta se nic nezměnilo." in page.content()
    screenshot(page, "transfer-rejected")
    assert page.goto(f"{live_server.url}/clients/{client.pk}/").status == 404  # still not the receiver's
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REJECTED
    page.context.clear_cookies()
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/transfers/")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="M. D.").click()
    assert page.url.endswith(f"/transfers/{transfer.pk}/")
    assert "Nemáme v Brně volnou kapacitu." in page.content() and "Odmítnuto" in page.content()
    assert page.goto(f"{live_server.url}/clients/{client.pk}/").status == 200
    assert page.goto(f"{live_server.url}/cases/{case.pk}/").status == 200
