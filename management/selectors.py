"""Reads of the management area, scoped to the person asking: an administrator manages every
organisation and user, a coordinator their own organisation only, nobody else anything.
Nothing here reads a client's record: the reference lists only say whether an item is used."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import AssistantProfile, Locality, Municipality, Organisation, User
from accounts.roles import Role
from cases.models import Case, CrimeType
from contacts.models import Authority, Contact, Topic
from programmes.models import Assignment, Funder, Project, Service

from .models import Invitation


def _manager_role(user: User) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    role = Role(user.role)
    return role if role.can_manage_accounts() else None


def managed_organisations(user: User) -> QuerySet[Organisation]:
    """Every organisation for an administrator; a coordinator's own."""
    organisations = Organisation.objects.select_related("region")
    role = _manager_role(user)
    if role == Role.ADMIN:
        return organisations
    if role == Role.COORDINATOR and user.organisation_id:
        return organisations.filter(pk=user.organisation_id)
    return organisations.none()


def managed_users(user: User) -> QuerySet[User]:
    """Every account for an administrator; the members of a coordinator's own organisation."""
    users = User.objects.select_related("organisation", "assistant_profile__municipality")
    role = _manager_role(user)
    if role == Role.ADMIN:
        return users
    if role == Role.COORDINATOR and user.organisation_id:
        return users.filter(organisation_id=user.organisation_id)
    return users.none()


def with_open_invitation(users: QuerySet[User]) -> QuerySet[User]:
    """Marks each user with `invited`: an invitation link that still works."""
    open_invitations = Invitation.objects.filter(
        user=OuterRef("pk"), used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    )
    return users.annotate(invited=Exists(open_invitations))


def last_invitation(user: User) -> Invitation | None:
    return Invitation.objects.filter(user=user).first()


def services_of(organisation: Organisation) -> QuerySet[Service]:
    return Service.objects.filter(organisation=organisation).order_by("-is_active", "name")


def projects_of(organisation: Organisation) -> QuerySet[Project]:
    return Project.objects.filter(organisation=organisation).select_related("funder").order_by("-is_active", "name")


def funders_of(organisation: Organisation) -> QuerySet[Funder]:
    return Funder.objects.filter(projects__organisation=organisation).distinct().order_by("kind", "name")


def assignments_of(profile: AssistantProfile) -> QuerySet[Assignment]:
    return Assignment.objects.filter(profile=profile).select_related("service", "project").order_by("-valid_from")


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("region").order_by("name")


def localities() -> QuerySet[Locality]:
    return Locality.objects.select_related("municipality").order_by("municipality__name", "name")


# -- reference lists ----------------------------------------------------------------------------

# Each list: its model and a subquery that says whether records use an item.
REFERENCE_LISTS = ("authorities", "topics", "crime_types")


def reference_items(user: User, kind: str) -> QuerySet:
    """The items of one reference list with `in_use` (used by any record), for an administrator;
    nothing for anyone else."""
    if _manager_role(user) != Role.ADMIN:
        return Authority.objects.none()
    if kind == "authorities":
        return Authority.objects.annotate(in_use=Exists(Contact.objects.filter(authority=OuterRef("pk"))))
    if kind == "topics":
        return Topic.objects.annotate(in_use=Exists(Contact.topics.through.objects.filter(topic_id=OuterRef("pk"))))
    if kind == "crime_types":
        return CrimeType.objects.annotate(
            in_use=Exists(Case.crime_types.through.objects.filter(crimetype_id=OuterRef("pk")))
        )
    return Authority.objects.none()


def managed_municipalities(user: User) -> QuerySet[Municipality]:
    """Every municipality with its region, for an administrator (a shared list); nothing for anyone else."""
    if _manager_role(user) != Role.ADMIN:
        return Municipality.objects.none()
    return Municipality.objects.select_related("region")


def managed_localities(user: User) -> QuerySet[Locality]:
    """Every socially excluded locality with its municipality, for an administrator; nothing for anyone else."""
    if _manager_role(user) != Role.ADMIN:
        return Locality.objects.none()
    return Locality.objects.select_related("municipality__region")
