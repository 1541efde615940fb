"""Reads of report jobs and the record sets that reports count, scoped to the person asking."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from cases import models as case_models
from cases.models import Case
from clients.models import Client
from contacts.models import Contact
from groupwork.models import GroupActivity
from observations.models import Observation

from .funder_reports import offered_report_types
from .models import ReportJob, ReportType

# The funders' reports about an organisation's service or project: its coordinators all see them.
# Not the ESF+ monitoring: its participant sheet is person-level (one row per participant, with
# their monitoring sheet's answers), so it stays with whoever asked for it, like the export.
ORGANISATION_FUNDER_REPORTS = [ReportType.MPSV_STATEMENT, ReportType.PREVENTION_PROJECT]


def visible_report_jobs(user: User) -> QuerySet[ReportJob]:
    """The jobs a user may see and download.

    Everyone sees the jobs they asked for while their role still offers that report; ministry
    staff also see every national statistics job, and coordinators their organisation's activity
    reports (including the scheduled ones). A person-level export stays with whoever asked for it.
    """
    jobs = ReportJob.objects.select_related("requested_by", "organisation")
    if not user.is_authenticated or not user.is_active:
        return jobs.none()
    role = Role(user.role)
    allowed = Q(pk__in=[])
    if role.can_see_national_statistics():
        allowed |= Q(report_type=ReportType.NATIONAL_STATISTICS)
    if role.can_make_organisation_reports() and user.organisation_id:
        allowed |= Q(report_type=ReportType.ACTIVITY, organisation_id=user.organisation_id)
        allowed |= Q(
            report_type=ReportType.CASE_CONTACT_EXPORT, organisation_id=user.organisation_id, requested_by=user
        )
    # A funder's report stays with whoever asked while their role offers it (the user cards are
    # person-level, the city's and the ministry's reports cross organisations); the aggregate
    # reports of an organisation's service or project are shared by its coordinators.
    funder_types = offered_report_types(user)
    allowed |= Q(report_type__in=funder_types, requested_by=user)
    organisation_types = [report_type for report_type in ORGANISATION_FUNDER_REPORTS if report_type in funder_types]
    if organisation_types and user.organisation_id:
        allowed |= Q(report_type__in=organisation_types, organisation_id=user.organisation_id)
    return jobs.filter(allowed)


def report_types_for(user: User) -> list[str]:
    role = Role(user.role)
    types: list[str] = []
    if role.can_see_national_statistics():
        types.append(ReportType.NATIONAL_STATISTICS)
    if role.can_make_organisation_reports() and user.organisation_id:
        types += [ReportType.ACTIVITY, ReportType.CASE_CONTACT_EXPORT]
    return types + offered_report_types(user)


# Record sets for aggregate statistics. They are unscoped on purpose and are only ever counted:
# national statistics cover the whole country and leave every count below the threshold out.


def national_contacts() -> QuerySet[Contact]:
    return Contact.objects.all()


def national_clients() -> QuerySet[Client]:
    return Client.objects.all()


def national_cases() -> QuerySet[Case]:
    return Case.objects.all()


def national_referrals() -> QuerySet | None:
    """Referrals to support services, where the cases app records them (None before it does)."""
    referral = getattr(case_models, "Referral", None)
    return referral.objects.all() if referral is not None else None


def national_group_activities() -> QuerySet[GroupActivity]:
    return GroupActivity.objects.all()


def national_observations() -> QuerySet[Observation]:
    return Observation.objects.all()


def organisation_contacts(organisation_id: int) -> QuerySet[Contact]:
    return Contact.objects.filter(organisation_id=organisation_id)


def organisation_cases(organisation_id: int) -> QuerySet[Case]:
    return Case.objects.filter(organisation_id=organisation_id)
