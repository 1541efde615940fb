"""Documents of the work: every default template filled from a case or client (DOCX and PDF),
uploads of the organisation's own templates checked against the documented fields, scoping,
the audit trail and keeping a document with its case."""

import io
import os
import shutil
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditAction, AuditEvent
from cases.models import Attachment, CrimeType
from documents import services
from documents.fields import FIELD_NAMES, FIELDS, czech_date
from documents.models import DocumentKind, DocumentTemplate, PdfRender
from documents.templating import default_template
from tests.factories import CaseFactory, ClientFactory, ContactFactory, ReferralFactory

needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def case(alice):
    client = ClientFactory(
        organisation=alice.organisation,
        created_by=alice,
        first_name="Marie",
        last_name="Dvořáková",
        birth_year=1984,
        address="Cejl 12, 602 00 Brno",
        phone="+420 777 123 456",
        email="marie@example.cz",
    )
    case = CaseFactory(client=client, title="Lichva – půjčka od souseda", police_unit="OO Brno-Zábrdovice")
    case.crime_types.set([CrimeType.objects.get(section="§218")])
    return case


def pdf_render_done(*, by, case) -> PdfRender:
    """A PDF of the case's criminal complaint, made (a stand-in PDF: no LibreOffice needed)."""
    render = services.pdf_request(by=by, kind="criminal_complaint", client=case.client, case=case, docx=b"PK")
    stored_name = services.store_encrypted(b"%PDF-1.4 test")
    PdfRender.objects.filter(pk=render.pk).update(state=PdfRender.State.DONE, pdf_stored_name=stored_name)
    render.refresh_from_db()
    return render


def _text(content: bytes) -> str:
    """Every paragraph of the body, its tables and its header."""
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    return "\n".join(parts)


def _make(client_session, url: str, data: dict | None = None):
    return client_session.post(url, {"action": "docx", **(data or {})})


def test_every_kind_has_a_default_template_using_documented_fields_only():
    from docxtpl import DocxTemplate

    for kind in DocumentKind:
        template = DocxTemplate(io.BytesIO(default_template(kind)))
        used = template.get_undeclared_template_variables()
        assert used, kind
        assert used <= FIELD_NAMES, (kind, used - FIELD_NAMES)
    assert len({field.name for field in FIELDS}) == len(FIELDS)


def test_criminal_complaint_is_filled_from_the_case(client, alice, case):
    client.force_login(alice)
    response = _make(client, reverse("documents:case_document", args=[case.pk, "criminal_complaint"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in response["Content-Disposition"]
    text = _text(response.content)
    assert "TRESTNÍ OZNÁMENÍ" in text
    assert "Marie Dvořáková" in text
    assert "Cejl 12, 602 00 Brno" in text
    assert "Lichva (§218)" in text
    assert "OO Brno-Zábrdovice" in text
    assert alice.organisation.name in text
    assert "{{" not in text


def test_values_are_text_not_markup(client, alice, case):
    """A value with XML's special characters is printed as typed and leaves the document whole."""
    case.client.address = "Dům „U Nováků“ <b>1</b> & syn, 602 00 Brno"
    case.client.save(update_fields=["address"])
    client.force_login(alice)
    response = _make(client, reverse("documents:case_document", args=[case.pk, "criminal_complaint"]))
    assert "Dům „U Nováků“ <b>1</b> & syn, 602 00 Brno" in _text(response.content)


def test_a_template_that_unpacks_to_too_much_is_refused(client, carol):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/zeros.bin", b"\0" * (60 * 1024 * 1024))
    client.force_login(carol)
    url = reverse("documents:template_upload", args=["power_of_attorney"])
    response = client.post(url, {"file": SimpleUploadedFile("velka.docx", out.getvalue())})
    assert response.status_code == 400 and "příliš velká" in response.content.decode()


def test_power_of_attorney_from_the_client_page(client, alice, case):
    client.force_login(alice)
    response = _make(client, reverse("documents:client_document", args=[case.client.pk, "power_of_attorney"]))
    text = _text(response.content)
    assert "PLNÁ MOC" in text and "Marie Dvořáková" in text
    assert alice.get_full_name() in text
    # Made from the client, no case: what only a case knows is a line to fill in by hand.
    assert "……………………" in text


def test_consent_for_the_police_names_the_unit(client, alice, case):
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "consent_police"])
    text = _text(_make(client, url, {"recipient": "OO Brno-střed"}).content)
    assert "ZPROŠTĚNÍ MLČENLIVOSTI" in text
    assert "Policii České republiky" in text and "OO Brno-střed" in text


def test_consent_for_another_organisation_needs_the_recipient(client, alice, case):
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "consent_organisation"])
    refused = _make(client, url)
    assert refused.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT).exists()
    text = _text(_make(client, url, {"recipient": "Bílý kruh bezpečí, z. s."}).content)
    assert "Bílý kruh bezpečí, z. s." in text and "Marie Dvořáková" in text


def test_record_of_an_accompaniment_from_a_contact_of_the_case(client, alice, case):
    contact = ContactFactory(assistant=alice, clients=[case.client], case=case, outcome="Oznámení přijato.")
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "accompaniment_record"])
    text = _text(_make(client, url, {"contact": contact.pk}).content)
    assert "ZÁZNAM O DOPROVODU" in text
    assert "Policie ČR" in text and "Oznámení přijato." in text
    assert czech_date(contact.occurred_at.astimezone().date()) in text or "30" in text


def test_a_contact_of_another_case_cannot_fill_the_record(client, alice, case):
    other = ContactFactory(assistant=alice, clients=[case.client], outcome="Jiná věc.")
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "accompaniment_record"])
    assert _make(client, url, {"contact": other.pk}).status_code == 400


def test_referral_letter_names_the_provider(client, alice, case):
    referral = ReferralFactory(case=case, provider="Bílý kruh bezpečí Brno")
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "referral_letter"])
    text = _text(_make(client, url, {"referral": referral.pk}).content)
    assert "Doporučení" in text and "Bílý kruh bezpečí Brno" in text and "Marie Dvořáková" in text


def test_a_case_document_is_not_made_from_a_client(client, alice, case):
    client.force_login(alice)
    url = reverse("documents:client_document", args=[case.client.pk, "criminal_complaint"])
    assert client.get(url).status_code == 404


def test_generating_is_audited_against_the_case(client, alice, case):
    client.force_login(alice)
    _make(client, reverse("documents:case_document", args=[case.pk, "power_of_attorney"]))
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT)
    assert event.actor_id == alice.pk
    assert event.content_type is not None and event.content_type.model == "case"
    assert event.object_id == str(case.pk)
    assert event.record_organisation_id == alice.organisation_id


def test_foreign_case_and_client_are_404(client, alice, oscar, case):
    foreign = CaseFactory(client=ClientFactory(organisation=oscar.organisation, created_by=oscar))
    client.force_login(alice)
    for url in (
        reverse("documents:case_document", args=[foreign.pk, "criminal_complaint"]),
        reverse("documents:client_document", args=[foreign.client.pk, "power_of_attorney"]),
        reverse("documents:case_document", args=[case.pk, "no_such_kind"]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "docx"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT).exists()


def test_keeping_the_docx_with_the_case(client, alice, case):
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "criminal_complaint"])
    response = client.post(url, {"action": "attach"})
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    assert attachment.original_name.endswith(".docx") and not attachment.shared_with_police
    download = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert "Marie Dvořáková" in _text(download.content)


# -- the organisation's own templates --------------------------------------------------------------


def _template_file(*paragraphs: str) -> SimpleUploadedFile:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile("nase-plna-moc.docx", out.getvalue())


def test_a_template_with_an_unknown_field_is_refused_at_upload(client, carol):
    client.force_login(carol)
    url = reverse("documents:template_upload", args=["power_of_attorney"])
    response = client.post(url, {"file": _template_file("Zmocnitel: {{ klient }}, r. č. {{ rodne_cislo }}")})
    assert response.status_code == 400
    assert "rodne_cislo" in response.content.decode()
    assert "neexistují" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_a_template_with_a_broken_field_is_refused(client, carol):
    client.force_login(carol)
    url = reverse("documents:template_upload", args=["power_of_attorney"])
    response = client.post(url, {"file": _template_file("Zmocnitel: {{ klient ")})
    assert response.status_code == 400
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "{{ klient|no_such_filter }}",  # found only when filling
        "{{ klient.__class__.__mro__ }}",  # refused by the sandbox
    ],
)
def test_a_template_that_fails_when_filled_is_refused_at_upload(client, carol, text):
    client.force_login(carol)
    url = reverse("documents:template_upload", args=["power_of_attorney"])
    response = client.post(url, {"file": _template_file(text)})
    assert response.status_code == 400
    assert "chybně zapsané pole" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_a_stored_template_that_fails_says_so_and_makes_nothing(client, alice, case):
    # Kept before the upload check knew this failure (written directly, past the service).
    broken = _template_file("{{ klient.__class__.__mro__ }}").read()
    DocumentTemplate.objects.create(
        organisation=alice.organisation,
        kind="power_of_attorney",
        file_name="stara.docx",
        content=broken,
        uploaded_by=alice,
    )
    client.force_login(alice)
    response = _make(client, reverse("documents:case_document", args=[case.pk, "power_of_attorney"]))
    assert response.status_code == 400
    assert "Šablonu organizace nelze vyplnit" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.DOCUMENT).exists()


def test_a_file_that_is_no_docx_is_refused(client, carol):
    client.force_login(carol)
    url = reverse("documents:template_upload", args=["power_of_attorney"])
    response = client.post(url, {"file": SimpleUploadedFile("plna-moc.docx", b"%PDF-1.4 not a docx")})
    assert response.status_code == 400
    assert "DOCX" in response.content.decode()


def test_the_organisations_template_is_used_then_removed(client, carol, alice, case):
    client.force_login(carol)
    upload = reverse("documents:template_upload", args=["power_of_attorney"])
    response = client.post(upload, {"file": _template_file("Naše plná moc pro {{ klient }} ({{ organizace }})")})
    assert response.status_code == 302
    template = DocumentTemplate.objects.get()
    assert template.organisation_id == carol.organisation_id and template.file_name == "nase-plna-moc.docx"

    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "power_of_attorney"])
    assert "Naše plná moc pro Marie Dvořáková" in _text(_make(client, url).content)

    client.force_login(carol)
    assert client.post(reverse("documents:template_remove", args=["power_of_attorney"])).status_code == 302
    client.force_login(alice)
    assert "PLNÁ MOC" in _text(_make(client, url).content)


def test_another_organisations_template_is_not_used(client, oscar, alice, case):
    services.template_upload(
        by=oscar, kind="power_of_attorney", file_name="cizi.docx", content=_template_file("Cizí {{ klient }}").read()
    )
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "power_of_attorney"])
    assert "Cizí" not in _text(_make(client, url).content)


def test_the_field_list_shows_every_field(client, alice):
    client.force_login(alice)
    page = client.get(reverse("documents:field_list")).content.decode()
    for field in FIELDS:
        assert f"{{{{ {field.name} }}}}" in page


# -- PDF -------------------------------------------------------------------------------------------


def test_without_libreoffice_the_page_says_so_and_makes_no_pdf(client, alice, case, settings):
    settings.LIAISON_SOFFICE = "/nonexistent/soffice"
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "criminal_complaint"])
    page = client.get(url).content.decode()
    assert "LibreOffice není nainstalován" in page
    assert 'value="pdf"' not in page
    # A PDF asked for all the same (an old form) gets the DOCX.
    response = client.post(url, {"action": "pdf"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert not PdfRender.objects.exists()


def test_a_failed_conversion_says_so(client, alice, case, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.LIAISON_SOFFICE = "/bin/false"  # there, and failing
    client.force_login(alice)
    url = reverse("documents:case_document", args=[case.pk, "criminal_complaint"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "pdf"})
    render = PdfRender.objects.get()
    assert response["Location"] == reverse("documents:pdf_detail", args=[render.pk])
    page = client.get(response["Location"]).content.decode()
    assert render.__class__.objects.get().state == PdfRender.State.FAILED
    assert "PDF se nepodařilo vytvořit" in page
    assert client.get(reverse("documents:pdf_download", args=[render.pk])).status_code == 404


def test_a_pdf_is_its_organisations_only(client, alice, oscar, case):
    render = services.pdf_request(by=alice, kind="criminal_complaint", client=case.client, case=case, docx=b"PK")
    client.force_login(oscar)
    for name in ("documents:pdf_detail", "documents:pdf_progress", "documents:pdf_download"):
        assert client.get(reverse(name, args=[render.pk])).status_code == 404
    assert client.post(reverse("documents:pdf_attach", args=[render.pk])).status_code == 404


@needs_libreoffice
@pytest.mark.parametrize("kind", [kind.value for kind in DocumentKind])
def test_pdf_of_each_kind(client, alice, case, kind, settings, django_capture_on_commit_callbacks):
    """The worker makes the PDF (in this process here, after the request's commit); its text is the document's."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    data = {"action": "pdf"}
    if kind == DocumentKind.CONSENT_ORGANISATION:
        data["recipient"] = "Bílý kruh bezpečí"
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:case_document", args=[case.pk, kind]), data)
    render = PdfRender.objects.get()
    assert response.status_code == 302
    assert render.state == PdfRender.State.DONE, render.error_message
    progress = client.get(reverse("documents:pdf_progress", args=[render.pk])).content.decode()
    assert "Stáhnout PDF" in progress
    download = client.get(reverse("documents:pdf_download", args=[render.pk]))
    assert download["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    assert "Dvořáková" in text and alice.organisation.name in text
    assert "{{" not in text
    # Kept with the case as a PDF attachment.
    assert client.post(reverse("documents:pdf_attach", args=[render.pk])).status_code == 302
    assert Attachment.objects.get(case=case).content_type == "application/pdf"
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(render.pk)).count() == 1


def test_pdfs_are_forgotten_after_a_day(alice, case, settings):
    from datetime import timedelta

    from django.utils import timezone

    from documents.tasks import forget_old_pdfs

    old = pdf_render_done(by=alice, case=case)
    recent = pdf_render_done(by=alice, case=case)
    PdfRender.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    stored = settings.PRIVATE_MEDIA_ROOT / "documents"
    assert (stored / old.pdf_stored_name).exists()
    assert forget_old_pdfs() == 1
    assert list(PdfRender.objects.all()) == [recent]
    assert not (stored / old.pdf_stored_name).exists() and not (stored / old.docx_stored_name).exists()
    assert (stored / recent.pdf_stored_name).exists()
    # A file whose row went with its case (an erasure) goes too, once it is a day old.
    orphan = stored / services.store_encrypted(b"%PDF-1.4 orphan")
    os.utime(orphan, (orphan.stat().st_atime, orphan.stat().st_mtime - 86_460))
    forget_old_pdfs()
    assert not orphan.exists() and (stored / recent.pdf_stored_name).exists()
    assert settings.CELERY_BEAT_SCHEDULE["documents-forget"]["task"] == forget_old_pdfs.name
