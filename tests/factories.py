"""factory_boy factories. Reference geography comes from the data migrations."""

import datetime

import factory
from django.utils import timezone

from accounts.models import AssistantProfile, Locality, Organisation, Region, User
from accounts.roles import Role
from cases.models import (
    Case,
    CaseNote,
    CaseTransition,
    ClientTransfer,
    CrimeType,
    Hearing,
    HearingKind,
    PoliceFeedback,
    Referral,
    Task,
)
from clients.models import Client, Consent, RefusalReason, RefusedApplicant, ServiceUse
from contacts.models import Activity, Authority, Contact
from groupwork.models import AnonymousAttendance, GroupActivity
from observations.models import Observation, ObservationKind
from programmes.services import starting_service
from programmes.vocabulary import ActivityCategory


def a_locality(municipality: str = "Brno") -> Locality:
    locality = Locality.objects.filter(municipality__name=municipality).select_related("municipality__region").first()
    assert locality is not None, municipality
    return locality


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organizace {n}")
    kind = Organisation.Kind.NGO


def police_directorate(region_code: str = "CZ064") -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.POLICE, region__code=region_code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Jana"
    last_name = factory.Sequence(lambda n: f"Nováková{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.ASSISTANT
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object first
        if create:
            obj.save()


class AssistantProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistantProfile

    user = factory.SubFactory(UserFactory)
    employer = factory.SelfAttribute("user.organisation")
    municipality = factory.LazyFunction(lambda: a_locality().municipality)
    employed_from = datetime.date(2022, 1, 1)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    organisation = factory.SubFactory(OrganisationFactory)
    identity = Client.Identity.NAMED
    first_name = "Josef"
    last_name = factory.Sequence(lambda n: f"Dvořák{n}")
    locality = factory.LazyFunction(a_locality)
    created_by = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    purpose = Consent.Purpose.PROCESSING
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    recorded_by = factory.SelfAttribute("client.created_by")


class RefusedApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefusedApplicant

    recorded_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    requested_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    requested = "Doprovod na policii"
    reason = RefusalReason.CAPACITY


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    assistant = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("assistant.organisation")
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    duration_minutes = 30
    authority = factory.LazyFunction(lambda: Authority.objects.get(name="Policie ČR"))
    service = factory.LazyAttribute(lambda o: starting_service(o.organisation))

    @factory.post_generation
    def clients(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.clients.set(extracted)

    @factory.post_generation
    def activities(obj, create, extracted, **kwargs):  # noqa: N805
        """One activity of the contact's whole duration, of the service's type of the category
        `activities__category` (assistance / accompaniment), unless a test gives its own."""
        if not create:
            return
        if extracted is None:
            category = kwargs.get("category", ActivityCategory.ACCOMPANIMENT)
            activity_type = obj.service.activity_types.get(category=category)
            Activity.objects.create(contact=obj, activity_type=activity_type, minutes=obj.duration_minutes)
        else:
            for activity in extracted:
                activity.contact = obj
                activity.save()


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    organisation = factory.SelfAttribute("client.organisation")
    assistant = factory.SelfAttribute("client.created_by")
    title = factory.Sequence(lambda n: f"Případ {n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="CZ064"))

    @factory.post_generation
    def crime_types(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.crime_types.set(extracted or [CrimeType.objects.get(section="§218")])


def police_sharing_consent(client: Client) -> Consent:
    """The client's consent to sharing with the police, given ten days ago."""
    return ConsentFactory(client=client, purpose=Consent.Purpose.POLICE_SHARING)


def shared_case(**kwargs) -> Case:
    """A case in Jihomoravský kraj shared with the police, its client having consented."""
    case = CaseFactory(shared_with_police=True, **kwargs)
    police_sharing_consent(case.client)
    return case


class CaseTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseTransition

    case = factory.SubFactory(CaseFactory)
    from_status = ""
    to_status = "new"
    by = factory.SelfAttribute("case.assistant")


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    author = factory.SelfAttribute("case.assistant")
    text = factory.Sequence(lambda n: f"Poznámka {n}")
    shared_with_police = False


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Úkol {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    assignee = factory.SelfAttribute("case.assistant")
    created_by = factory.SelfAttribute("case.assistant")


class HearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hearing

    case = factory.SubFactory(CaseFactory)
    kind = HearingKind.POLICE_INTERVIEW
    # Three days ahead at half past nine, local time.
    starts_at = factory.LazyFunction(
        lambda: timezone.make_aware(
            datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=3), datetime.time(9, 30))
        )
    )
    place = "OOP Brno-střed, Masná 2"
    created_by = factory.SelfAttribute("case.assistant")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    service = "victim_support"
    proposed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2))
    created_by = factory.SelfAttribute("case.assistant")


class PoliceFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliceFeedback

    case = factory.SubFactory(CaseFactory)
    officer = factory.SubFactory(UserFactory, role=Role.POLICE, organisation=factory.LazyFunction(police_directorate))
    text = "Věc je v šetření."


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    assistant = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("assistant.organisation")
    observed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    locality = factory.LazyFunction(a_locality)  # Brno, in the region of the police_officer fixture
    kind = ObservationKind.ILLEGAL_DUMPING
    description = "Za garážemi u hřiště leží hromada pneumatik a stavební suti."


class ServiceUseFactory(factory.django.DjangoModelFactory):
    """An open period of use of the client's organisation's first service."""

    class Meta:
        model = ServiceUse

    client = factory.SubFactory(ClientFactory)
    service = factory.LazyAttribute(lambda o: starting_service(o.client.organisation))
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    recorded_by = factory.SelfAttribute("client.created_by")


class GroupActivityFactory(factory.django.DjangoModelFactory):
    """A prevention talk of the author's organisation's starting service, with no one present
    unless `participants` or `head_count` ({(sex, age band): count}) are given."""

    class Meta:
        model = GroupActivity
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("author.organisation")
    service = factory.LazyAttribute(lambda o: starting_service(o.organisation))
    activity_type = factory.LazyAttribute(lambda o: o.service.activity_types.get(category=ActivityCategory.GROUP))
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    minutes = 90
    topic = "Prevence lichvy – beseda"

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.participants.set(extracted)

    @factory.post_generation
    def head_count(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            for (sex, band), count in extracted.items():
                AnonymousAttendance.objects.create(group_activity=obj, sex=sex, age_band=band, count=count)


def activity_type_of(organisation: Organisation, category: str = ActivityCategory.ACCOMPANIMENT):
    """The organisation's starting service's activity type of a national category."""
    return starting_service(organisation).activity_types.get(category=category)


def activity_rows(*rows, prefix: str = "activities") -> dict:
    """The quick entry's activity formset as posted: rows of (activity type, minutes[, work])."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, (activity_type, minutes, *work) in enumerate(rows):
        data[f"{prefix}-{i}-activity_type"] = str(getattr(activity_type, "pk", activity_type))
        data[f"{prefix}-{i}-minutes"] = str(minutes)
        data[f"{prefix}-{i}-work"] = work[0] if work else "direct"
    return data


class ClientTransferFactory(factory.django.DjangoModelFactory):
    """A transfer waiting for a decision, of a client who consented to it."""

    class Meta:
        model = ClientTransfer
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    from_organisation = factory.SelfAttribute("client.organisation")
    to_organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.SelfAttribute("client.created_by")
    note = "Klientka se stěhuje do Brna."

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted is not False:
            ConsentFactory(client=obj.client, purpose=Consent.Purpose.TRANSFER)

    @factory.post_generation
    def cases(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.cases.set(extracted)
