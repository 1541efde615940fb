"""Reads of client files, scoped to the person asking."""

import unicodedata

from django.db.models import Count, F, Func, Q, QuerySet, TextField, Value

from accounts.models import User
from accounts.scoping import client_work_organisation_id

from .models import Client, Consent, ParticipantSheet, RefusalReason, RefusedApplicant, ServiceUse


def visible_clients(user: User) -> QuerySet[Client]:
    """Assistants and coordinators see their organisation's clients; nobody else sees any."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return Client.objects.none()
    return Client.objects.filter(organisation_id=organisation_id)


def folded(text: str) -> str:
    """Lower case without diacritics ("Horváth" -> "horvath"), as PostgreSQL's unaccent does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class ClientSearchText(Func):
    """First name, last name and nickname, folded; the trigram index of clients migration 0003."""

    function = "liaison_client_search_text"
    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(F("first_name"), F("last_name"), F("nickname"))


class _SortedApart(Func):
    """`a || b`: a text, in its order, that no index of the column gives (search_clients)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()


def search_clients(user: User, query: str) -> QuerySet[Client]:
    """Clients whose name or nickname contains every word of the query. Case and diacritics
    do not matter ("novak" finds "Novák"), a word shorter than three letters matches the
    beginning of a name, and a trigram index answers it."""
    clients = visible_clients(user).select_related("locality__municipality")
    words = query.split()
    if not words:
        return clients
    clients = clients.annotate(search_text=ClientSearchText())
    for word in words:
        # One or two letters hold no trigram: they match the beginning of a name instead
        # ("jo" finds Josef), which the index answers too.
        word = folded(word)
        clients = clients.filter(search_text__contains=word if len(word) >= 3 else f" {word}")
    # The list's order (Client.Meta.ordering), but sorted after the search rather than read from the
    # name index: walking the organisation's clients by name and testing each against the search
    # read 14 000 clients for "novak" (70 ms at a million contacts); the trigram index finds the
    # few hundred that match, which are then sorted. (`last_name || ''` is the same text in the same
    # order: last names are never NULL.)
    return clients.order_by(_SortedApart(F("last_name"), Value("")), "first_name", "nickname", "id")


class Folded(Func):
    """Lower case without diacritics in PostgreSQL, like `folded` and the search index."""

    template = "lower(public.unaccent('public.unaccent'::regdictionary, %(expressions)s))"
    output_field = TextField()


def possible_duplicates(
    user: User, *, first_name: str = "", last_name: str = "", nickname: str = "", birth_year: int | None = None
) -> QuerySet[Client]:
    """Clients of the user's organisation who may be the person about to be recorded: the same
    first and last name, or the same nickname and year of birth, whatever the case and the
    diacritics ("Vesela" resembles "Veselá"). Nothing is looked for without a full name or a
    nickname with a year."""
    first_name, last_name, nickname = first_name.strip(), last_name.strip(), nickname.strip()
    condition = Q()
    if first_name and last_name:
        condition |= Q(first_folded=Folded(Value(first_name)), last_folded=Folded(Value(last_name)))
    if nickname and birth_year:
        condition |= Q(nickname_folded=Folded(Value(nickname)), birth_year=birth_year)
    if not condition:
        return Client.objects.none()
    return (
        visible_clients(user)
        .annotate(
            first_folded=Folded(F("first_name")),
            last_folded=Folded(F("last_name")),
            nickname_folded=Folded(F("nickname")),
        )
        .filter(condition)
        .select_related("locality__municipality")
        .order_by("created_at", "id")
    )


def client_consents(client: Client) -> QuerySet[Consent]:
    return client.consents.select_related("recorded_by", "withdrawn_by")


def client_service_uses(client: Client) -> QuerySet[ServiceUse]:
    """The client's periods of service use, open ones first, then the latest."""
    return client.service_uses.select_related("service").order_by(
        F("ended_on").desc(nulls_first=True), "-started_on", "-id"
    )


def client_participant_sheet(client: Client) -> ParticipantSheet | None:
    return ParticipantSheet.objects.filter(client=client).first()


def visible_refused_applicants(user: User) -> QuerySet[RefusedApplicant]:
    """The organisation's refused applicants, for its assistants and coordinators; nobody else
    (the ministry will see them only as counts in the annual statement)."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return RefusedApplicant.objects.none()
    return RefusedApplicant.objects.filter(organisation_id=organisation_id)


def refusals_by_reason(applicants: QuerySet[RefusedApplicant]) -> list[tuple[str, str, int]]:
    """(reason, its label, how many) for every reason of §91(3), zeros included, in one query."""
    counts = dict(applicants.order_by().values_list("reason").annotate(n=Count("id")).values_list("reason", "n"))
    return [(value, str(label), counts.get(value, 0)) for value, label in RefusalReason.choices]
