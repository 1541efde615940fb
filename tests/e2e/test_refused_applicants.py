"""Recording a refused applicant on a phone, in a real browser."""

import pytest

from clients.models import RefusedApplicant
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_coordinator_on_a_phone_records_a_refusal_and_sees_it_counted(page, live_server, carol):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/clients/refused/new/")
    assert axe_violations(page) == []
    page.get_by_label("Nedostatečná kapacita (§ 91 odst. 3 písm. b)").check()
    page.locator("#id_requested").fill("Doprovod k soudu")
    page.locator("#id_birth_year").fill("1850")
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    assert "Zadejte rok mezi 1900 a letošním rokem." in page.content()
    assert RefusedApplicant.objects.count() == 0
    screenshot(page, "refused-applicant-form-errors-375")
    page.locator("#id_birth_year").fill("1984")
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    assert page.url.endswith("/clients/refused/")
    assert page.locator("tr[data-reason='capacity'] td").last.inner_text() == "1"
    assert page.locator("tr[data-reason='total'] td").inner_text() == "1"
    # Nothing wider than the phone: the tables scroll inside their own boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    screenshot(page, "refused-applicants-list-375")
