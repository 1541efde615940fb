"""Merging two client files of one person: every record about them moves to the kept file.

Every relation that points at a client (foreign keys, many-to-many, hidden ones with
related_name="+") has its way of moving in MERGE_RULES, keyed "app_label.Model.field". A
relation added later without a rule makes `relations_to_client()` differ from the rules, which
tests/test_client_merge.py catches, and `client_merge` refuses to run rather than lose records.
The clients layer does not import the apps above it: the records are reached through the
relations Django knows, never through those apps' models.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ForeignObjectRel, ManyToManyRel, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditAction
from audit.services import record_event
from common.versioning import next_version

from .models import Client, ClientMerge, Consent, ParticipantSheet, ServiceUse, Sex
from .participation import PARTICIPANT_QUESTIONS


def relation_key(relation: ForeignObjectRel) -> str:
    return f"{relation.related_model._meta.label}.{relation.field.name}"


def relations_to_client() -> dict[str, ForeignObjectRel]:
    """Every relation from another model to Client, hidden ones included, by key. The automatic
    tables of many-to-many fields are reached through their field, not on their own."""
    found = {}
    for field in Client._meta.get_fields(include_hidden=True):
        if not isinstance(field, ForeignObjectRel) or not field.auto_created:
            continue
        if field.related_model is None or field.related_model._meta.auto_created:  # an automatic m2m table
            continue
        found[relation_key(field)] = field
    return found


def _records(relation: ForeignObjectRel, client: Client):
    return relation.related_model._default_manager.filter(**{relation.field.name: client})


def _move_foreign_key(relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]) -> int:
    return _records(relation, merged).update(**{relation.field.name: kept})


def _move_many_to_many(relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]) -> int:
    """The links move; a record linked to both files (one contact with both) keeps one link."""
    through = relation.through if isinstance(relation, ManyToManyRel) else None
    if through is None:
        raise TypeError(f"{relation_key(relation)} is not a many-to-many relation")
    own = next(f.name for f in through._meta.fields if f.related_model is Client)
    other = next(f.name for f in through._meta.fields if f.is_relation and f.related_model is relation.related_model)
    links = through._default_manager.filter(**{own: merged})
    already = through._default_manager.filter(**{own: kept}).values(other)
    moved = links.exclude(**{f"{other}__in": already}).update(**{own: kept})
    links.delete()  # the duplicates of links the kept file has
    return moved


def _move_consents(relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]) -> int:
    """Consents move. Two live consents of one purpose (one in each file) cannot both stand: the
    earlier given stands, since the person has agreed since then; the later one is recorded as
    withdrawn on the day of the merge, by the person merging, and listed in the merge record."""
    now = timezone.now()
    for purpose in Consent.Purpose.values:
        live = list(
            Consent.objects.select_for_update()
            .active(purpose)
            .filter(client__in=[kept, merged])
            .order_by("given_on", "recorded_at", "id")
        )
        for consent in live[1:]:
            consent.withdrawn_on = max(timezone.localdate(), consent.given_on)
            consent.withdrawn_by, consent.withdrawn_at = by, now
            consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawn_at"])
            withdrawn.append(consent.pk)
    return Consent.objects.filter(client=merged).update(client=kept)


def _move_service_uses(relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]) -> int:
    return ServiceUse.objects.filter(client=merged).update(client=kept)


def _move_participant_sheet(
    relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]
) -> int:
    """One sheet per person: the kept file's answers stand, its unanswered questions take the
    other sheet's answers; the other sheet then goes (nothing in it was left unused)."""
    other = ParticipantSheet.objects.filter(client=merged).first()
    if other is None:
        return 0
    sheet = ParticipantSheet.objects.filter(client=kept).first()
    if sheet is None:
        return ParticipantSheet.objects.filter(pk=other.pk).update(client=kept)
    filled = [name for name in PARTICIPANT_QUESTIONS if not getattr(sheet, name) and getattr(other, name)]
    for name in filled:
        setattr(sheet, name, getattr(other, name))
    if filled:
        sheet.save(update_fields=[*filled, "updated_at"])
    other.delete()
    return 1


def _refuse_anonymised(relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]) -> int:
    """Nothing to move: an anonymised file is refused before anything moves (see merge_refusals), and
    an anonymisation record is append-only."""
    if _records(relation, merged).exists():
        raise ValidationError(_("An anonymised client file cannot be merged."))
    return 0


def _move_transfers(relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]) -> int:
    """The transfers of the file merged away (their history: requested, decided) follow it. A
    transfer still waiting for a decision is refused before anything moves (merge_refusals): the
    receiving organisation decides about one file, not a merged one."""
    if _pending_transfers(relation, [kept, merged]):
        raise ValidationError(_("A client file with a transfer waiting for a decision cannot be merged."))
    return _move_foreign_key(relation, kept, merged, by, withdrawn)


def _pending_transfers(relation: ForeignObjectRel, clients: list[Client]) -> bool:
    # The transfer model lives in a layer above (cases): its state is read by name.
    return relation.related_model._default_manager.filter(client__in=clients, state="pending").exists()


def _kept_by_the_database(
    relation: ForeignObjectRel, kept: Client, merged: Client, by: User, withdrawn: list[int]
) -> int:
    """Nothing to move: a table the database keeps from other records (the time a client was
    last met, from the contacts' client links) follows those records as they move."""
    return 0


Mover = Callable[[ForeignObjectRel, Client, Client, User, list[int]], int]


@dataclass(frozen=True)
class Rule:
    move: Mover
    # Shown on the confirmation page beside both files' counts.
    counted: bool = True


MERGE_RULES: dict[str, Rule] = {
    "clients.Consent.client": Rule(_move_consents),
    "clients.ServiceUse.client": Rule(_move_service_uses),
    "clients.ParticipantSheet.client": Rule(_move_participant_sheet),
    "clients.ClientMerge.kept": Rule(_move_foreign_key, counted=False),
    "cases.Case.client": Rule(_move_foreign_key),
    "cases.ClientTransfer.client": Rule(_move_transfers),
    "contacts.Contact.clients": Rule(_move_many_to_many),
    "contacts.ClientLastContact.client": Rule(_kept_by_the_database, counted=False),
    "groupwork.GroupActivity.participants": Rule(_move_many_to_many),
    "gdpr.Anonymisation.client": Rule(_refuse_anonymised, counted=False),
    # A PDF made from a document template in the last day: it follows the file it was made for.
    "documents.PdfRender.client": Rule(_move_foreign_key, counted=False),
}


@dataclass(frozen=True)
class RelationCount:
    key: str
    label: str
    kept: int
    merged: int


def merge_counts(kept: Client, merged: Client) -> list[RelationCount]:
    """How many records of each kind each file has, for the confirmation page (one query per kind)."""
    rows = []
    for key, relation in relations_to_client().items():
        if not MERGE_RULES.get(key, Rule(_move_foreign_key)).counted:
            continue
        model = relation.related_model
        counts = dict(
            model._default_manager.filter(**{f"{relation.field.name}__in": [kept, merged]})
            .values_list(relation.field.name)
            .annotate(n=Count("pk", distinct=True))
            .values_list(relation.field.name, "n")
            .order_by()
        )
        label = str(model._meta.verbose_name_plural)
        rows.append(RelationCount(key, label[:1].upper() + label[1:], counts.get(kept.pk, 0), counts.get(merged.pk, 0)))
    return rows


def _service_overlaps(kept: Client, merged: Client) -> list[str]:
    """Services used by both files in overlapping periods: one person uses a service once at a time."""
    names = []
    for use in ServiceUse.objects.filter(client=merged).select_related("service"):
        overlapping = ServiceUse.objects.filter(client=kept, service_id=use.service_id).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=use.started_on)
        )
        if use.ended_on is not None:
            overlapping = overlapping.filter(started_on__lte=use.ended_on)
        if overlapping.exists():
            names.append(use.service.name)
    return sorted(set(names))


# The file's own fields that the kept file takes from the other when it has none.
FILLED_FIELDS = (
    "first_name",
    "last_name",
    "nickname",
    "birth_year",
    "locality",
    "district",
    "phone",
    "email",
    "address",
)


def _fill_kept_fields(kept: Client, merged: Client) -> None:
    """The kept file's own values stand; what it lacks it takes from the other file, the target
    groups of both are joined and so are the notes. The identity rules then apply as on any
    save (an anonymous kept file takes nothing identifying)."""
    for name in FILLED_FIELDS:
        if getattr(kept, name) in ("", None) and getattr(merged, name) not in ("", None):
            setattr(kept, name, getattr(merged, name))
    if kept.sex == Sex.UNSTATED:
        kept.sex = merged.sex
    kept.target_groups = list(dict.fromkeys([*kept.target_groups, *merged.target_groups]))
    if merged.note and merged.note != kept.note:
        kept.note = f"{kept.note}\n\n{merged.note}".strip()[: Client._meta.get_field("note").max_length]
    kept.clean()
    next_version(kept)
    kept.save()


def merge_refusals(kept: Client, merged: Client) -> list[str]:
    """Why the two files cannot be merged as they are (empty when they can): shown on the
    confirmation page, and checked again by client_merge with both files locked."""
    problems: list[str] = []
    if kept.pk == merged.pk:
        problems.append(_("A client file cannot be merged with itself."))
    if kept.organisation_id != merged.organisation_id:
        problems.append(_("Only files of one organisation can be merged."))
    anonymised = relations_to_client()["gdpr.Anonymisation.client"].related_model._default_manager
    if anonymised.filter(client__in=[kept, merged]).exists():
        problems.append(_("An anonymised client file cannot be merged."))
    transfers = relations_to_client().get("cases.ClientTransfer.client")
    if transfers is not None and _pending_transfers(transfers, [kept, merged]):
        problems.append(_("A client file with a transfer waiting for a decision cannot be merged."))
    unhandled = sorted(set(relations_to_client()) - set(MERGE_RULES))
    if unhandled:
        problems.append(_("The merge does not know how to move: %(names)s.") % {"names": ", ".join(unhandled)})
    overlaps = _service_overlaps(kept, merged)
    if overlaps:
        problems.append(
            _(
                "Both files use the service %(services)s in overlapping periods. "
                "End or correct one of the periods first."
            )
            % {"services": ", ".join(overlaps)}
        )
    return problems


@transaction.atomic
def client_merge(*, by: User, kept: Client, merged: Client, request: HttpRequest | None = None) -> ClientMerge:
    """Move every record of `merged` to `kept`, record the merge (a ClientMerge row and an audit
    event naming both ids) and delete the emptied file. Raises ValidationError, saving nothing,
    when the files cannot be merged (see merge_refusals). Both files are locked for the whole move."""
    locked = {c.pk: c for c in Client.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk")}
    if merged.pk not in locked or kept.pk not in locked:
        raise ValidationError(_("The client file no longer exists."))
    kept, merged = locked[kept.pk], locked[merged.pk]
    problems = merge_refusals(kept, merged)
    if problems:
        raise ValidationError(problems)
    _fill_kept_fields(kept, merged)
    moved: dict[str, int] = {}
    withdrawn: list[int] = []
    for key, relation in relations_to_client().items():
        moved[key] = MERGE_RULES[key].move(relation, kept, merged, by, withdrawn)
    merge = ClientMerge.objects.create(
        organisation_id=kept.organisation_id,
        kept=kept,
        merged_client_id=merged.pk,
        merged_by=by,
        moved=moved,
        withdrawn_consent_ids=withdrawn,
    )
    leftovers = [key for key, relation in relations_to_client().items() if _records(relation, merged).exists()]
    if leftovers:  # a rule that moved less than everything: nothing is saved
        raise ValidationError(_("The merge does not know how to move: %(names)s.") % {"names": ", ".join(leftovers)})
    merged.delete()
    record_event(action=AuditAction.MERGE, obj=merge, actor=by, request=request)
    return merge
