"""Writes of documents: the organisation's templates, PDFs made by the worker, a document kept
as an attachment of its case."""

import datetime
import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import client_work_organisation_id
from cases import services as case_services
from cases.attachments import DOCX, PDF, CheckedFile, sanitise_name
from cases.models import Attachment, Case
from clients.models import Client
from common.crypto import decrypt_bytes, encrypt_bytes

from . import pdf
from .models import DocumentKind, DocumentTemplate, PdfRender
from .templating import check_template

logger = logging.getLogger(__name__)
RENDERS_KEPT = datetime.timedelta(days=1)


def document_file_name(*, kind: str, client: Client, extension: str) -> str:
    label = DocumentKind(kind).label
    return sanitise_name(f"{label} – {client.display_name} – {timezone.localdate().isoformat()}{extension}")


@transaction.atomic
def template_upload(*, by: User, kind: str, file_name: str, content: bytes) -> DocumentTemplate:
    """Keep the organisation's own template of a kind (replacing an earlier one) once it passed
    the check; raises ValidationError with a message for the user otherwise."""
    check_template(content)
    template, _created = DocumentTemplate.objects.update_or_create(
        organisation_id=_own_organisation_id(by),
        kind=DocumentKind(kind),
        defaults={"file_name": sanitise_name(file_name), "content": content, "uploaded_by": by},
    )
    return template


def template_remove(*, by: User, kind: str) -> None:
    """Back to the default template of the kind."""
    DocumentTemplate.objects.filter(organisation_id=_own_organisation_id(by), kind=kind).delete()


def _own_organisation_id(user: User) -> int:
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        raise PermissionDenied
    return organisation_id


# -- PDFs, made by the worker ------------------------------------------------------------------


def _storage_dir() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "documents"


def store_encrypted(content: bytes) -> str:
    directory = _storage_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(24)
    path = directory / stored_name
    with open(path, "xb") as handle:
        handle.write(encrypt_bytes(content))
    path.chmod(0o600)
    return stored_name


def read_stored(stored_name: str) -> bytes:
    return decrypt_bytes((_storage_dir() / stored_name).read_bytes())


def _remove(stored_name: str) -> None:
    if stored_name:
        (_storage_dir() / stored_name).unlink(missing_ok=True)


def pdf_request(*, by: User, kind: str, client: Client, case: Case | None, docx: bytes) -> PdfRender:
    """Keep the filled-in DOCX and have the worker make its PDF (documents.tasks.render_pdf)."""
    from .tasks import enqueue_render  # the task module imports this one

    renders_clean_up()
    stored_name = store_encrypted(docx)
    try:
        with transaction.atomic():
            render = PdfRender.objects.create(
                organisation_id=client.organisation_id,
                created_by=by,
                kind=kind,
                client=client,
                case=case,
                file_name=document_file_name(kind=kind, client=client, extension=".pdf"),
                docx_stored_name=stored_name,
            )
            transaction.on_commit(lambda: enqueue_render(render.pk))
    except BaseException:
        _remove(stored_name)
        raise
    return render


def pdf_render_run(render_id: int) -> None:
    """The worker's part: convert, keep the PDF, and say how it went."""
    render = PdfRender.objects.filter(pk=render_id, state=PdfRender.State.QUEUED).first()
    if render is None:
        return
    try:
        content = pdf.docx_to_pdf(read_stored(render.docx_stored_name))
    except (pdf.PdfUnavailable, FileNotFoundError) as error:
        logger.warning("PDF of document %s not made: %s", render_id, error)
        pdf_render_fail(render_id, _("The PDF could not be made. Download the document as DOCX instead."))
        return
    stored_name = store_encrypted(content)
    updated = PdfRender.objects.filter(pk=render_id, state=PdfRender.State.QUEUED).update(
        state=PdfRender.State.DONE, pdf_stored_name=stored_name, finished_at=timezone.now()
    )
    if not updated:
        _remove(stored_name)


def pdf_render_fail(render_id: int, message: str) -> None:
    PdfRender.objects.filter(pk=render_id, state=PdfRender.State.QUEUED).update(
        state=PdfRender.State.FAILED, error_message=message[:300], finished_at=timezone.now()
    )


def renders_clean_up() -> int:
    """PDFs and their DOCX are kept a day: long enough to download them, short enough that
    filled-in documents do not pile up outside the case they belong to. Files whose row went
    with its client or case (an erasure) go as well."""
    cutoff = timezone.now() - RENDERS_KEPT
    old = list(PdfRender.objects.filter(created_at__lt=cutoff))
    for render in old:
        _remove(render.docx_stored_name)
        _remove(render.pdf_stored_name)
    PdfRender.objects.filter(pk__in=[render.pk for render in old]).delete()
    directory = _storage_dir()
    if directory.exists():
        kept = set(PdfRender.objects.values_list("docx_stored_name", flat=True))
        kept |= set(PdfRender.objects.values_list("pdf_stored_name", flat=True))
        for path in directory.iterdir():
            if path.name not in kept and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
    return len(old)


# -- attaching a document to its case -------------------------------------------------------------


def document_attach(*, by: User, case: Case, file_name: str, content: bytes, as_pdf: bool) -> Attachment:
    """A made document kept among the case's encrypted attachments (not shared with the police)."""
    checked = CheckedFile(content=content, content_type=PDF if as_pdf else DOCX, display_name=file_name)
    return case_services.attachment_add(
        case=case,
        by=by,
        checked=checked,
        shared_with_police=False,
        description=_("Made from a document template"),
    )
