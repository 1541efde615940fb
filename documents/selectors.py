"""Reads of document templates and PDFs, scoped to the person asking."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.scoping import client_work_organisation_id

from .models import DocumentTemplate, PdfRender
from .templating import default_template


def visible_templates(user: User) -> QuerySet[DocumentTemplate]:
    """The own organisation's templates, for the staff working with clients."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return DocumentTemplate.objects.none()
    return DocumentTemplate.objects.filter(organisation_id=organisation_id)


def template_content(user: User, kind: str) -> bytes:
    """The organisation's own template of the kind, or the default one."""
    own = visible_templates(user).filter(kind=kind).values_list("content", flat=True).first()
    return bytes(own) if own is not None else default_template(kind)


def visible_renders(user: User) -> QuerySet[PdfRender]:
    """PDFs of documents are the organisation's, like the cases and clients they are made from."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return PdfRender.objects.none()
    return PdfRender.objects.filter(organisation_id=organisation_id)
