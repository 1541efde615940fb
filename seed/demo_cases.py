"""The demo's case histories: status changes, rights, notes, tasks, hearings, referrals, police reviews."""

import datetime
import random

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    CaseTransition,
    ClientTransfer,
    Hearing,
    HearingKind,
    PoliceFeedback,
    Referral,
    ReferralService,
    ReferralState,
    RightsInformation,
    Task,
    VictimRight,
)
from cases.transfers import transfer_request
from clients.models import Client, Consent

from .vocabulary import CASE_CLOSING_OUTCOMES, FEEDBACK, INTERNAL_NOTES, SHARED_NOTES, TASKS

# The status path a demo case walked to reach its status: the ordinary path of cases/workflow.py.
CASE_PATH: list[str] = [CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.REPORTED, CaseStatus.INVESTIGATION]

# The hearings of the first demo cases: an interview a week ago, one appointment in a few days.
HEARING_PLACES = {
    HearingKind.POLICE_INTERVIEW: "Obvodní oddělení policie, Masná 2",
    HearingKind.COURT_MAIN_HEARING: "Okresní soud, jednací síň č. 12",
    HearingKind.OFFICE_MEETING: "Úřad práce, kontaktní pracoviště, přepážka 4",
}
HEARING_CASES = 4


def _seed_hearings(case: Case, rng: random.Random, today: datetime.date) -> None:
    for days, kind in ((-7, HearingKind.POLICE_INTERVIEW), (rng.randint(2, 10), rng.choice(list(HEARING_PLACES)))):
        starts_at = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(rng.choice([9, 10, 13])))
        )
        Hearing.objects.create(
            case=case,
            kind=kind,
            starts_at=starts_at,
            place=HEARING_PLACES[kind],
            accompanied=True,
            created_by=case.assistant,
        )


def seed_case_work(rng: random.Random) -> None:
    """History for demo cases that have none yet: status changes, rights, notes, tasks,
    referrals, and for cases shared in Jihomoravský kraj a police review. Idempotent."""
    officer = User.objects.filter(username="policie.jmk").first()
    now = timezone.now()
    today = timezone.localdate()
    drom_shared = 0
    with_hearings = 0
    # One case waits for the coordinator's approval of closing (the coordinator's start page lists it).
    waiting = Case.objects.filter(status=CaseStatus.CLOSING_PROPOSED).exists()
    coordinated = set(User.objects.filter(role=Role.COORDINATOR).values_list("organisation_id", flat=True))
    for case in (
        Case.objects.filter(transitions__isnull=True).select_related("client", "region", "assistant").order_by("pk")
    ):
        # Make sure the officer of Jihomoravský kraj has cases to review (with the client's consent).
        if case.region.code == "CZ064" and drom_shared < 3 and case.client.identity != Client.Identity.ANONYMOUS:
            if not case.client.consents.filter(purpose=Consent.Purpose.POLICE_SHARING, withdrawn_at__isnull=True):
                Consent.objects.create(
                    client=case.client,
                    purpose=Consent.Purpose.POLICE_SHARING,
                    given_on=today - datetime.timedelta(days=40),
                    recorded_by=case.assistant,
                )
            case.shared_with_police = True
            drom_shared += 1
        path = CASE_PATH[: CASE_PATH.index(case.status) + 1] if case.status in CASE_PATH else [CaseStatus.NEW]
        # The story starts before the first contact linked to the case and after the incident.
        first_contact = case.contacts.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        start = min(now - datetime.timedelta(days=60), (first_contact or now) - datetime.timedelta(days=1))
        case.incident_date = min(case.incident_date or today, start.date() - datetime.timedelta(days=2))
        if CaseStatus.REPORTED in path:
            case.reported_on = (start + datetime.timedelta(days=10 * path.index(CaseStatus.REPORTED))).date()
        case.save(update_fields=["shared_with_police", "reported_on", "incident_date"])
        previous = ""
        for step, status in enumerate(path):
            transition = CaseTransition.objects.create(
                case=case, from_status=previous, to_status=status, by=case.assistant
            )
            CaseTransition.objects.filter(pk=transition.pk).update(at=start + datetime.timedelta(days=10 * step))
            previous = status
        if not waiting and case.organisation_id in coordinated and case.assistant.role == Role.ASSISTANT:
            waiting = True
            outcome = rng.choice(CASE_CLOSING_OUTCOMES)
            transition = CaseTransition.objects.create(
                case=case,
                from_status=previous,
                to_status=CaseStatus.CLOSING_PROPOSED,
                by=case.assistant,
                outcome=outcome,
            )
            CaseTransition.objects.filter(pk=transition.pk).update(at=now - datetime.timedelta(days=1))
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSING_PROPOSED, outcome=outcome)
        RightsInformation.objects.bulk_create(
            RightsInformation(
                case=case,
                right=right,
                informed_on=(start + datetime.timedelta(days=1)).date(),
                recorded_by=case.assistant,
            )
            for right in [VictimRight.INFORMATION, VictimRight.PROFESSIONAL_HELP, VictimRight.PRIVACY]
        )
        note = CaseNote.objects.create(case=case, author=case.assistant, text=rng.choice(INTERNAL_NOTES))
        CaseNote.objects.filter(pk=note.pk).update(created_at=start + datetime.timedelta(days=2))
        if case.shared_with_police:
            note = CaseNote.objects.create(
                case=case, author=case.assistant, text=rng.choice(SHARED_NOTES), shared_with_police=True
            )
            CaseNote.objects.filter(pk=note.pk).update(created_at=start + datetime.timedelta(days=12))
        for offset in (-3, 5):  # one overdue task and one ahead
            Task.objects.create(
                case=case,
                title=rng.choice(TASKS),
                due_on=today + datetime.timedelta(days=offset),
                assignee=case.assistant,
                created_by=case.assistant,
            )
        if with_hearings < HEARING_CASES:
            with_hearings += 1
            _seed_hearings(case, rng, today)
        Referral.objects.create(
            case=case,
            service=rng.choice([ReferralService.VICTIM_SUPPORT, ReferralService.INTERVENTION_CENTRE]),
            provider=rng.choice(["Bílý kruh bezpečí", "Intervenční centrum"]),
            state=ReferralState.SENT,
            proposed_on=(start + datetime.timedelta(days=3)).date(),
            sent_on=(start + datetime.timedelta(days=4)).date(),
            created_by=case.assistant,
        )
        if case.shared_with_police and officer and case.region_id == officer.police_region_id:
            feedback = PoliceFeedback.objects.create(
                case=case, officer=officer, text=rng.choice(FEEDBACK), marks_reviewed=True
            )
            reviewed = start + datetime.timedelta(days=15)
            PoliceFeedback.objects.filter(pk=feedback.pk).update(created_at=reviewed)
            Case.objects.filter(pk=case.pk).update(police_reviewed_at=reviewed, police_reviewed_by=officer)


def seed_pending_transfer() -> None:
    """A client of Člověk v tísni in Ostrava moves to Brno: the Ostrava coordinator asked DROM
    to take her over with her open cases, and DROM's coordinator has yet to decide. Idempotent."""
    coordinator = User.objects.filter(username="koordinator.ostrava").first()
    receiver = User.objects.filter(username="koordinator.brno").first()
    if coordinator is None or receiver is None or receiver.organisation is None or ClientTransfer.objects.exists():
        return
    client = (
        Client.objects.filter(organisation=coordinator.organisation, identity=Client.Identity.NAMED)
        .order_by("pk")
        .first()
    )
    if client is None:
        return
    if not client.consents.active(Consent.Purpose.TRANSFER).exists():
        Consent.objects.create(
            client=client,
            purpose=Consent.Purpose.TRANSFER,
            given_on=timezone.localdate() - datetime.timedelta(days=2),
            recorded_by=coordinator,
        )
    transfer_request(
        by=coordinator,
        client=client,
        to_organisation=receiver.organisation,
        cases=client.cases.exclude(status=CaseStatus.CLOSED),
        note="Klientka se stěhuje k sestře do Brna a chce pokračovat ve spolupráci tam.",
    )
