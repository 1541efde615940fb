"""Reads of client files, scoped to the person asking."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.scoping import client_work_organisation_id

from .models import Client, Consent


def visible_clients(user: User) -> QuerySet[Client]:
    """Assistants and coordinators see their organisation's clients; nobody else sees any."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return Client.objects.none()
    return Client.objects.filter(organisation_id=organisation_id)


def search_clients(user: User, query: str) -> QuerySet[Client]:
    clients = visible_clients(user).select_related("locality__municipality")
    for word in query.split():
        clients = clients.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(nickname__icontains=word)
        )
    return clients


def client_consents(client: Client) -> QuerySet[Consent]:
    return client.consents.select_related("recorded_by", "withdrawn_by")
