"""Everything held about one client (GDPR art. 15), as plain data for JSON and PDF.

Sections: the client file, consents, contacts, the group activities the client took part in,
cases with everything hanging on them (status changes, rights information, notes, tasks,
referrals, documents' names, police feedback, as far as these exist), the history of changes of
those rows (when, which columns, by whom) and who read or exported the file (the audit trail).
"""

import datetime
import operator
from decimal import Decimal
from functools import reduce

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent, HistoryEntry
from cases.models import Case, ClientTransfer
from clients.models import Client, Consent, ParticipantSheet, ServiceUse
from common.record_keys import RecordKeyField
from contacts.models import Contact
from groupwork.models import GroupActivity


def _value(obj: models.Model, model_field: models.Field):
    if isinstance(model_field, ArrayField) and model_field.base_field.choices:  # e.g. target groups
        labels = dict(model_field.base_field.flatchoices)
        return [str(labels.get(value, value)) for value in getattr(obj, model_field.attname) or []]
    if model_field.choices:
        return str(getattr(obj, f"get_{model_field.name}_display")())
    if isinstance(model_field, models.ForeignKey):
        related = getattr(obj, model_field.name)
        return None if related is None else str(related)
    value = getattr(obj, model_field.attname)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_as_dict(obj: models.Model, skip: tuple[str, ...] = ()) -> dict:
    """The record's fields by their (translated) names; relations as text, choices as labels."""
    data = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key or model_field.name in skip or not model_field.editable and model_field.unique:
            continue
        if isinstance(model_field, RecordKeyField):  # a disclosure-control secret, not about the person
            continue
        data[str(model_field.verbose_name)] = _value(obj, model_field)
    for m2m in obj._meta.many_to_many:
        if m2m.name not in skip:
            data[str(m2m.verbose_name)] = [str(item) for item in getattr(obj, m2m.name).all()]
    return data


def _case_children() -> list[tuple[type[models.Model], str]]:
    children = []
    for model in apps.get_app_config("cases").get_models():
        for model_field in model._meta.concrete_fields:
            if model is not Case and isinstance(model_field, models.ForeignKey) and model_field.related_model is Case:
                children.append((model, model_field.name))
    return children


def _history(rows: dict[type[models.Model], list]) -> list[dict]:
    conditions = [
        Q(table_name=model._meta.db_table, row_pk__in=[str(pk) for pk in pks]) for model, pks in rows.items() if pks
    ]
    entries = (
        HistoryEntry.objects.filter(reduce(operator.or_, conditions))
        .select_related("actor")
        .order_by("changed_at", "id")
    )
    return [
        {
            _("When"): timezone.localtime(entry.changed_at).isoformat(timespec="seconds"),
            _("Record"): entry.table_name,
            _("Record id"): entry.row_pk,
            _("Operation"): entry.operation,
            _("Changed columns"): sorted((entry.new_values or entry.old_values or {}).keys()),
            _("By"): str(entry.actor) if entry.actor_id else None,
        }
        for entry in entries
    ]


def _accesses(client: Client) -> list[dict]:
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Client), object_id=str(client.pk)
    ).order_by("occurred_at", "id")
    return [
        {
            _("When"): timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
            _("Who"): event.username,
            _("Action"): str(event.get_action_display()),
        }
        for event in events
    ]


def client_data(client: Client) -> dict:
    consents = list(Consent.objects.filter(client=client).select_related("recorded_by", "withdrawn_by"))
    # The records of the organisation that keeps the file: after a transfer between organisations
    # the sender's contacts, group activities and closed cases stay the sender's, as the pages say.
    own = {"organisation_id": client.organisation_id}
    contacts = list(
        Contact.objects.filter(clients=client, **own)
        .select_related("assistant", "authority", "locality__municipality", "organisation", "case")
        .prefetch_related("topics", "clients")
        .order_by("occurred_at", "id")
    )
    group_activities = list(
        GroupActivity.objects.filter(participants=client, **own)
        .select_related("author", "service", "project", "activity_type", "locality__municipality")
        .order_by("occurred_at", "id")
    )
    cases = list(
        Case.objects.filter(client=client, **own)
        .select_related("organisation", "assistant", "region", "locality__municipality", "client")
        .prefetch_related("crime_types")
        .order_by("opened_at", "id")
    )
    service_uses = list(ServiceUse.objects.filter(client=client).select_related("service", "recorded_by"))
    sheets = list(ParticipantSheet.objects.filter(client=client))
    transfers = list(
        ClientTransfer.objects.filter(client=client)
        .select_related("from_organisation", "to_organisation", "requested_by", "decided_by")
        .order_by("requested_at", "id")
    )
    rows: dict[type[models.Model], list] = {
        Client: [client.pk],
        Consent: [c.pk for c in consents],
        ServiceUse: [u.pk for u in service_uses],
        ParticipantSheet: [s.pk for s in sheets],
        Contact: [c.pk for c in contacts],
        GroupActivity: [g.pk for g in group_activities],
        Case: [c.pk for c in cases],
        ClientTransfer: [t.pk for t in transfers],
    }
    case_sections = []
    for case in cases:
        section: dict[str, object] = {"case": record_as_dict(case, skip=("client", "organisation"))}
        for model, fk_name in _case_children():
            children = list(model._default_manager.filter(**{fk_name: case}))
            rows.setdefault(model, []).extend(child.pk for child in children)
            section[str(model._meta.verbose_name_plural)] = [record_as_dict(c, skip=(fk_name,)) for c in children]
        case_sections.append(section)
    return {
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "client": record_as_dict(client),
        "consents": [record_as_dict(c, skip=("client",)) for c in consents],
        "service_uses": [record_as_dict(u, skip=("client",)) for u in service_uses],
        "participant_sheet": record_as_dict(sheets[0], skip=("client",)) if sheets else None,
        # Other people present at a contact are not named: only this client's data is given out.
        "contacts": [record_as_dict(c, skip=("clients", "organisation")) for c in contacts],
        # Likewise the other participants and the anonymous head count of a group activity.
        "group_activities": [record_as_dict(g, skip=("participants", "organisation")) for g in group_activities],
        "cases": case_sections,
        "transfers": [record_as_dict(t, skip=("client", "cases")) for t in transfers],
        "history": _history(rows),
        "accesses": _accesses(client),
    }
