"""Case attachments: type from the content, size limit, harmless names, encrypted storage,
download only through the scoped view."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import attachments, services
from cases.models import Attachment
from tests.factories import CaseFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


def _zip(members: dict[str, bytes]) -> bytes:
    """A fixed date in every member: the same bytes in every test process (pytest-xdist compares
    the collected test ids, and these bytes are in them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": attachments.ODT.encode(), "content.xml": b"<office/>"})


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def case(own_client, alice):
    return CaseFactory(client=own_client, assistant=alice)


def _upload(client, case, name, content, **extra):
    data = {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream"), **extra}
    return client.post(reverse("cases:attachment_add", args=[case.pk]), data)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("zprava.pdf", PDF, attachments.PDF),
        ("foto.png", PNG, attachments.PNG),
        ("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, attachments.JPEG),
        ("smlouva.docx", DOCX, attachments.DOCX),
        ("dluhy.xlsx", XLSX, attachments.XLSX),
        ("zapis.odt", ODT, attachments.ODT),
    ],
)
def test_accepted_types_are_stored_encrypted_and_downloadable(
    client, alice, case, settings, name, content, content_type
):
    client.force_login(alice)
    assert _upload(client, case, name, content).status_code == 302
    attachment = Attachment.objects.get(case=case)
    assert attachment.content_type == content_type and attachment.original_name == name
    stored = settings.PRIVATE_MEDIA_ROOT / "cases" / attachment.stored_name
    assert stored.exists() and content not in stored.read_bytes()
    assert name not in attachment.stored_name
    response = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and response.content == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    # Each download is in the audit trail, under the owning organisation.
    from audit.models import AuditAction, AuditEvent

    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD, object_id=str(attachment.pk))
    assert (event.actor, event.record_organisation_id) == (alice, case.organisation_id)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("obrazek.png", b"<html><script>alert(1)</script></html>"),  # HTML renamed to .png
        ("zprava.pdf", PNG),  # a real PNG under a PDF name
        ("dokument.docx", _zip({"evil.html": b"<html/>"})),  # a zip that is no office document
        ("skript.exe", b"MZ\x90\x00"),
        ("prazdny.pdf", b""),
        ("bez-pripony", PDF),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_saved(client, alice, case, settings, name, content):
    client.force_login(alice)
    response = _upload(client, case, name, content)
    assert response.status_code == 400
    assert not Attachment.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / "cases").exists() or not any(
        (settings.PRIVATE_MEDIA_ROOT / "cases").iterdir()
    )


def test_wrong_type_message_is_czech(client, alice, case):
    client.force_login(alice)
    body = _upload(client, case, "obrazek.png", b"<html></html>").content.decode()
    assert "Tento typ souboru se nepřijímá" in body


def test_too_big_file_is_refused(client, alice, case, settings):
    settings.LIAISON_ATTACHMENT_MAX_BYTES = 1000
    client.force_login(alice)
    response = _upload(client, case, "velky.pdf", PDF + b"0" * 1000)
    assert response.status_code == 400
    assert "příliš velký" in response.content.decode()
    assert not Attachment.objects.exists()
    assert _upload(client, case, "maly.pdf", PDF).status_code == 302


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\zprava.pdf", "zprava.pdf"),
        ("zpr\x00\x1b[31ava\u202e.pdf", "zpr[31ava.pdf"),
        ("....pdf", "pdf"),
        ("", "document"),
    ],
)
def test_names_are_sanitised(given, shown):
    assert attachments.sanitise_name(given) == shown


def test_path_trick_name_is_stored_harmlessly(client, alice, case, settings):
    client.force_login(alice)
    assert _upload(client, case, "../../../x.pdf", PDF).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "x.pdf"
    assert list((settings.PRIVATE_MEDIA_ROOT / "cases").iterdir()) == [
        settings.PRIVATE_MEDIA_ROOT / "cases" / attachment.stored_name
    ]
    disposition = client.get(reverse("cases:attachment_download", args=[attachment.pk]))["Content-Disposition"]
    assert ".." not in disposition and "/" not in disposition


def test_quote_and_newline_in_name_cannot_break_the_header(client, alice, case):
    name = attachments.sanitise_name('a";b=c\r\nX-Evil: 1.pdf')
    assert "\r" not in name and "\n" not in name
    attachment = services.attachment_add(
        case=case, by=alice, checked=attachments.CheckedFile(PDF, attachments.PDF, name), shared_with_police=False
    )
    client.force_login(alice)
    response = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert "X-Evil" not in response.headers
    # The quote is escaped, so the name stays one quoted value.
    assert response["Content-Disposition"] == 'attachment; filename="a\\";b=cX-Evil: 1.pdf"'


def test_attachment_of_an_unshared_case_stays_internal(client, alice, case):
    client.force_login(alice)
    response = _upload(client, case, "zprava.pdf", PDF, shared_with_police="on")
    assert response.status_code == 302
    assert not Attachment.objects.get().shared_with_police
    with pytest.raises(services.CaseError):
        services.attachment_add(
            case=case, by=alice, checked=attachments.CheckedFile(PDF, attachments.PDF, "b.pdf"), shared_with_police=True
        )
    assert Attachment.objects.count() == 1
