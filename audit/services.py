"""Writing the audit trail. Other apps call `record_event` (or `record_view` in detail views).

from audit.services import record_event, record_view
from audit.models import AuditAction

record_view(request, case)                                    # a detail page or a filled-in form
record_list(request, Client, page.object_list)                # one page of a list, one row
record_event(request=request, action=AuditAction.EXPORT, obj=job)  # an export or download
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from common.addresses import client_address

from .models import AuditAction, AuditEvent

USERNAME_LENGTH = AuditEvent._meta.get_field("username").max_length
PATH_LENGTH = AuditEvent._meta.get_field("path").max_length


def _owning_organisation_id(obj: models.Model | None) -> int | None:
    """The organisation that owns a record (clients, contacts, cases all carry one)."""
    if obj is None:
        return None
    if (organisation_id := getattr(obj, "organisation_id", None)) is not None:
        return organisation_id
    # Records that hang on a case or a client (attachments, consents, ...) belong to its organisation.
    for parent in ("case", "client"):
        if getattr(obj, f"{parent}_id", None) is not None:
            return _owning_organisation_id(getattr(obj, parent))
    return None


def record_event(
    *,
    action: str,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    model: type[models.Model] | None = None,
    actor=None,
    username: str = "",
) -> AuditEvent:
    """Append one event. `actor` defaults to the request's user; `username` is for the
    attempted name of a failed sign-in. Records are referenced by type and id only; `model`
    names a record type without a record (a list in the administration)."""
    event = AuditEvent(action=AuditAction(action), record_organisation_id=_owning_organisation_id(obj))
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        event.object_id = str(obj.pk)
    elif model is not None:
        event.content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return _save_for_request(event, request, actor=actor, username=username)


def _save_for_request(event: AuditEvent, request: HttpRequest | None, *, actor=None, username: str = "") -> AuditEvent:
    """Fill in who acted (the request's user unless `actor` is given), from where, and save."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    event.actor = actor
    event.actor_organisation_id = getattr(actor, "organisation_id", None)
    event.username = (username or getattr(actor, "username", ""))[:USERNAME_LENGTH]
    if request is not None:
        event.ip_address = client_address(request)
        event.path = request.path[:PATH_LENGTH]
    event.save()
    return event


def record_view(request: HttpRequest, obj: models.Model) -> AuditEvent:
    """A read of one record's detail page; every view is its own row."""
    return record_event(request=request, action=AuditAction.VIEW, obj=obj)


def record_list(
    request: HttpRequest | None, model: type[models.Model], shown: Iterable[models.Model], *, actor=None
) -> AuditEvent:
    """A read of one page of a list (or of search results): ONE row naming every record shown,
    in the order shown, by the ids of `model` (e.g. the cases of a list of tasks). An empty page
    is recorded too: a search that found nobody is still a look for a person. A task passes
    `actor=` (the user a mail naming the records went to) instead of a request."""
    shown = list(shown)
    organisations = {_owning_organisation_id(obj) for obj in shown}
    event = AuditEvent(
        action=AuditAction.LIST,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        object_ids=list(dict.fromkeys(obj.pk for obj in shown)),
        record_organisation_id=organisations.pop() if len(organisations) == 1 else None,
    )
    return _save_for_request(event, request, actor=actor)
