"""Anonymising a client (with everything about them) or one closed case.

Kept, for the statistics: contacts with their dates, durations, authorities, forms of work,
topics and localities; cases with their crime types, dates, region, status and flags;
consents with their purposes and dates; the periods of service use with their dates and
reasons for ending; the client row itself, now anonymous, so that the counts stay. Removed:
the client's identifying fields and what funders count about the person (sex, year of birth,
district, target groups, the ESF+ monitoring sheet), every free text (notes, outcomes,
titles, comments, consents' and service periods' notes), case documents with their stored
files, and the values in the history of changes of all those rows.

A free text of a contact shared by several clients is removed too: it may name the person.
The client is taken off the participants of group activities (whose descriptions are emptied):
a group activity keeps its anonymous head count and its other participants.
Writes go through QuerySet.update(), so the history triggers record them; the history of the
touched rows is anonymised afterwards, in the same transaction.
"""

import operator
from dataclasses import dataclass, field
from functools import partial, reduce

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from audit.history import anonymise_history
from cases.models import Case, ClientTransfer
from clients.models import Client, Consent, ParticipantSheet, ServiceUse, Sex
from common import drafts
from common.models import Draft
from contacts.models import Contact
from groupwork.models import GroupActivity

# What a required free-text column holds once anonymised.
ANONYMISED = "—"


@dataclass
class TouchedRows:
    """Primary keys per table, whose history must lose its values."""

    rows: dict[str, set] = field(default_factory=dict)

    def add(self, model: type[models.Model], pks) -> None:
        self.rows.setdefault(model._meta.db_table, set()).update(pks)

    def anonymise_history(self) -> None:
        for table, pks in self.rows.items():
            anonymise_history(table, pks)


def _free_text_fields(model: type[models.Model]) -> list[models.Field]:
    """Text columns written by people: text fields, and char fields without choices."""
    found: list[models.Field] = []
    for model_field in model._meta.concrete_fields:
        if not model_field.editable or model_field.unique or model_field.choices:
            continue
        if isinstance(model_field, models.TextField | models.CharField) and not isinstance(
            model_field, models.EmailField | models.URLField | models.SlugField
        ):
            found.append(model_field)
    return found


def _blanked(fields: list[models.Field]) -> dict[str, str]:
    return {f.name: "" if f.blank else ANONYMISED[: f.max_length or 1] for f in fields}


def _case_children() -> list[type[models.Model]]:
    """Every model of the cases app that hangs on a case (notes, tasks, documents, ...)."""
    children = []
    for model in apps.get_app_config("cases").get_models():
        if model is Case:
            continue
        if any(isinstance(f, models.ForeignKey) and f.related_model is Case for f in model._meta.concrete_fields):
            children.append(model)
    return children


def _delete_case_documents(case_ids: list[int], touched: TouchedRows) -> None:
    """Documents go entirely: the stored (encrypted) file after the commit, the row now."""
    try:
        attachment_model = apps.get_model("cases", "Attachment")
        from cases.attachments import remove_stored
    except (LookupError, ImportError):
        return
    documents = attachment_model.objects.filter(case_id__in=case_ids)
    stored_names = list(documents.values_list("stored_name", flat=True))
    touched.add(attachment_model, documents.values_list("pk", flat=True))
    documents.delete()
    for stored_name in stored_names:
        transaction.on_commit(partial(remove_stored, stored_name))


def _anonymise_cases(case_ids: list[int], touched: TouchedRows) -> None:
    if not case_ids:
        return
    _delete_case_documents(case_ids, touched)
    Case.objects.filter(pk__in=case_ids).update(title=ANONYMISED, outcome="", police_reference="")
    touched.add(Case, case_ids)
    for child in _case_children():
        rows = child._default_manager.filter(case_id__in=case_ids)
        touched.add(child, rows.values_list("pk", flat=True))
        texts = _blanked(_free_text_fields(child))
        if texts:
            rows.update(**texts)


@transaction.atomic
def anonymise_client(client: Client) -> None:
    """Remove everything that identifies the client; keep what the statistics count."""
    touched = TouchedRows()
    Client.objects.filter(pk=client.pk).update(
        identity=Client.Identity.ANONYMOUS,
        first_name="",
        last_name="",
        nickname="",
        birth_year=None,
        sex=Sex.UNSTATED,
        district=None,
        target_groups=[],
        phone="",
        email="",
        address="",
        note="",
        # The identifier of the person in the organisation's earlier records, and the file it
        # came from: a re-import must not find the anonymised file and fill it in again.
        external_id="",
        imported_from="",
    )
    touched.add(Client, [client.pk])
    consents = Consent.objects.filter(client=client)
    touched.add(Consent, consents.values_list("pk", flat=True))
    consents.update(note="")
    service_uses = ServiceUse.objects.filter(client=client)
    touched.add(ServiceUse, service_uses.values_list("pk", flat=True))
    service_uses.update(note="")
    sheets = ParticipantSheet.objects.filter(client=client)
    touched.add(ParticipantSheet, sheets.values_list("pk", flat=True))
    sheets.delete()
    # The notes between the coordinators of a transfer may describe the client.
    transfers = ClientTransfer.objects.filter(client=client)
    touched.add(ClientTransfer, transfers.values_list("pk", flat=True))
    transfers.update(note="", reason="")
    contacts = Contact.objects.filter(clients=client)
    contact_ids = list(contacts.values_list("pk", flat=True))
    Contact.objects.filter(pk__in=contact_ids).update(note="", outcome="")
    touched.add(Contact, contact_ids)
    group_activity_ids = list(GroupActivity.objects.filter(participants=client).values_list("pk", flat=True))
    GroupActivity.objects.filter(pk__in=group_activity_ids).update(description="")
    touched.add(GroupActivity, group_activity_ids)
    GroupActivity.participants.through.objects.filter(client=client).delete()
    case_ids = list(Case.objects.filter(client=client).values_list("pk", flat=True))
    _anonymise_cases(case_ids, touched)
    _delete_drafts(client_id=client.pk, contact_ids=contact_ids, case_ids=case_ids)
    touched.anonymise_history()
    _anonymise_history_of_removed_rows(client_ids=[client.pk], case_ids=[])
    client.refresh_from_db()


def _delete_drafts(*, client_id: int, contact_ids: list[int], case_ids: list[int]) -> None:
    """Unsaved drafts of the client's file, contacts and cases (common/drafts.py) go too."""
    case_keys = [str(pk) for pk in case_ids] + [drafts.new_key(client_id)]
    Draft.objects.filter(
        Q(kind=Draft.Kind.CLIENT, object_key=str(client_id))
        | Q(kind=Draft.Kind.CONTACT, object_key__in=[str(pk) for pk in contact_ids])
        | Q(kind=Draft.Kind.CASE, object_key__in=case_keys)
    ).delete()


@transaction.atomic
def anonymise_case(case: Case) -> None:
    """A closed case's free text and documents; the client stays as they are."""
    touched = TouchedRows()
    _anonymise_cases([case.pk], touched)
    Draft.objects.filter(kind=Draft.Kind.CASE, object_key=str(case.pk)).delete()
    touched.anonymise_history()
    _anonymise_history_of_removed_rows(client_ids=[], case_ids=[case.pk])


def _anonymise_history_of_removed_rows(*, client_ids: list[int], case_ids: list[int]) -> None:
    """History rows that point at the client or their cases by a foreign key: rows deleted
    earlier (a note, a document) and links such as the contact-client table."""
    from audit.models import HistoryEntry

    case_ids = [*case_ids, *Case.objects.filter(client_id__in=client_ids).values_list("pk", flat=True)]
    conditions = []
    for column, ids in (("client_id", client_ids), ("case_id", case_ids)):
        if ids:
            conditions += [Q(**{f"old_values__{column}__in": ids}), Q(**{f"new_values__{column}__in": ids})]
    if not conditions:
        return
    rows = HistoryEntry.objects.filter(reduce(operator.or_, conditions), anonymised_at__isnull=True)
    by_table: dict[str, set] = {}
    for table, row_pk in rows.values_list("table_name", "row_pk"):
        by_table.setdefault(table, set()).add(row_pk)
    for table, pks in by_table.items():
        anonymise_history(table, pks)
