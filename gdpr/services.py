"""Data-subject requests: the access export and erasure on request."""

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditAction
from audit.services import record_event
from clients.models import Client

from .anonymisation import anonymise_client
from .models import Anonymisation


class ErasureError(Exception):
    """The erasure cannot be done; the message is for the user."""


@transaction.atomic
def client_erase(*, client: Client, by: User, reason: str, request: HttpRequest | None = None) -> Anonymisation:
    """Erasure on request (GDPR art. 17): the client becomes anonymous, the statistics stay."""
    Client.objects.select_for_update().filter(pk=client.pk).first()  # one erasure at a time
    if Anonymisation.objects.filter(client=client).exists():
        raise ErasureError(_("This client has already been anonymised."))
    anonymise_client(client)
    record = Anonymisation.objects.create(
        kind=Anonymisation.Kind.ERASURE, client=client, reason=reason, performed_by=by
    )
    record_event(request=request, actor=by, action=AuditAction.ERASURE, obj=client)
    return record
