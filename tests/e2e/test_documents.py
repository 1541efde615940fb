"""Documents of the work in a real browser: every default template made for a case, downloaded
as DOCX and PDF; the first page of each PDF is rendered to test-artifacts/e2e/documents/."""

import io
import re
import shutil
import subprocess  # noqa: S404 - pdftoppm with fixed arguments

import docx
import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Attachment, CrimeType
from tests.e2e.conftest import ARTIFACTS, axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import CaseFactory, ClientFactory, ContactFactory, ReferralFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice makes the PDFs (.ci/run installs it)"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm renders the PDFs (.ci/run installs it)"),
]

PAGES = ARTIFACTS / "documents"

# Kind, its link on the case page, what the form needs, and a heading the document must show.
KINDS = [
    ("criminal_complaint", "Trestní oznámení (návrh)", {}, "TRESTNÍ OZNÁMENÍ"),
    ("power_of_attorney", "Plná moc", {}, "PLNÁ MOC"),
    ("consent_police", "Souhlas a zproštění mlčenlivosti (Policie ČR)", {}, "ZPROŠTĚNÍ MLČENLIVOSTI"),
    (
        "consent_organisation",
        "Souhlas a zproštění mlčenlivosti (jiná organizace)",
        {"#id_recipient": "Bílý kruh bezpečí, z. s., poradna Brno"},
        "Bílý kruh bezpečí, z. s., poradna Brno",
    ),
    ("accompaniment_record", "Záznam o doprovodu", {}, "ZÁZNAM O DOPROVODU"),
    ("referral_letter", "Doporučení do jiné služby", {}, "Doporučení klienta/klientky"),
]


@pytest.fixture
def demo_case(alice):
    """A case as the demo has them: a named victim of usury in Brno, with an accompaniment to
    the police and a referral to a victim-support service."""
    client = ClientFactory(
        organisation=alice.organisation,
        created_by=alice,
        first_name="Marie",
        last_name="Dvořáková",
        birth_year=1984,
        address="Cejl 12, 602 00 Brno",
        phone="+420 777 123 456",
    )
    case = CaseFactory(
        client=client,
        title="Lichva – půjčka od souseda",
        incident_date=timezone.localdate().replace(day=1),
        police_unit="Obvodní oddělení Brno-Zábrdovice",
    )
    case.crime_types.set([CrimeType.objects.get(section="§218")])
    ContactFactory(
        assistant=alice, clients=[client], case=case, outcome="Trestní oznámení přijato, klientka má kopii protokolu."
    )
    ReferralFactory(case=case, provider="Bílý kruh bezpečí, z. s., poradna Brno")
    return case


def test_each_default_template_is_made_as_docx_and_pdf(page, live_server, alice, demo_case, settings, tmp_path):
    # The worker's task runs in the request's own process here (after its commit).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    PAGES.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, alice, with_authenticator(alice))
    case_url = f"{live_server.url}/cases/{demo_case.pk}/"
    for kind, link, inputs, heading in KINDS:
        page.goto(case_url)
        with page.expect_navigation():
            page.get_by_role("link", name=link, exact=True).click()
        assert page.url.endswith(f"/documents/case/{demo_case.pk}/{kind}/"), page.url
        if kind == "criminal_complaint":
            assert axe_violations(page) == []
            screenshot(page, "document-form")
        for selector, value in inputs.items():
            page.locator(selector).fill(value)

        with page.expect_download() as info:
            page.get_by_role("button", name="Stáhnout DOCX").click()
        assert info.value.suggested_filename.endswith(".docx")
        saved = tmp_path / f"{kind}.docx"
        info.value.save_as(saved)
        document = docx.Document(str(saved))
        text = "\n".join(
            [p.text for p in document.paragraphs]
            + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        )
        assert heading in text and "Dvořáková" in text and "{{" not in text

        with page.expect_navigation():
            page.get_by_role("button", name="Vytvořit PDF").click()
        assert re.search(r"/documents/pdf/\d+/$", page.url), page.url
        download_link = page.get_by_role("link", name="Stáhnout PDF")
        download_link.wait_for(timeout=60_000)
        if kind == "criminal_complaint":
            assert axe_violations(page) == []
        with page.expect_download() as info:
            download_link.click()
        pdf_path = PAGES / f"{kind}.pdf"
        info.value.save_as(pdf_path)
        pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
        assert "Dvořáková" in pdf_text and alice.organisation.name in pdf_text
        # The first page, as a person printing it would see it.
        subprocess.run(  # noqa: S603
            ["/usr/bin/pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", pdf_path, PAGES / kind],
            check=True,
            timeout=60,
        )
        assert (PAGES / f"{kind}.png").stat().st_size > 10_000
        pdf_path.unlink()

    # The last PDF (the referral letter) kept with the case.
    page.get_by_role("button", name="Uložit k případu (PDF)").click()
    page.wait_for_url(case_url)
    assert "Dokument byl uložen mezi přílohy případu." in page.content()
    attachment = Attachment.objects.get(case=demo_case)
    assert attachment.content_type == "application/pdf"
    assert page.get_by_role("link", name=attachment.original_name).count() == 1
    screenshot(page, "document-kept-with-case")


def test_coordinator_uploads_an_own_template_and_a_wrong_field_is_refused(page, live_server, carol, tmp_path):
    from documents.models import DocumentTemplate

    def template(path, text: str):
        document = docx.Document()
        document.add_paragraph(text)
        document.save(str(path))
        return path

    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Šablony dokumentů").click()
    wrong = template(tmp_path / "plna-moc.docx", "Zmocnitel {{ klient }}, rodné číslo {{ rodne_cislo }}")
    page.locator("#file-power_of_attorney").set_input_files(str(wrong))
    with page.expect_navigation():
        page.locator("form[action$='/power_of_attorney/upload/'] button").click()
    error = page.locator(".invalid-feedback, .text-danger").first
    assert "rodne_cislo" in error.inner_text()
    assert "Šablona nebyla uložena" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "document-template-refused")
    assert not DocumentTemplate.objects.exists()

    good = template(tmp_path / "nase-plna-moc.docx", "Zmocnitel {{ klient }}, {{ organizace }}")
    page.locator("#id_file").set_input_files(str(good))
    with page.expect_navigation():
        page.locator("form[action$='/power_of_attorney/upload/'] button").click()
    assert "Šablona organizace byla uložena" in page.content()
    assert DocumentTemplate.objects.get().file_name == "nase-plna-moc.docx"

    with page.expect_navigation():
        page.get_by_role("link", name="Pole, která může šablona použít").click()
    assert "{{ klient_prijmeni }}" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "document-fields")
