"""The crime-prevention project report: the annex of figures that a project in MV's Program
prevence kriminality (crime-prevention assistants, victim support) reports for its period.

Its subject is a project of the coordinator's own organisation. Not only projects paid by MV:
the programme's money reaches NGOs through the municipality or region that won the grant, and
cities and regions fund crime prevention from their own budgets with the same questions, so any
project is offered but those of MPSV and ESF+ / OPZ+, whose forms are other reports. The figures
are the organisation's own and are shown as recorded, not suppressed.
"""

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from programmes.models import Project
from programmes.selectors import visible_projects
from programmes.vocabulary import FunderKind

from ..parameters import ReportParameters
from ..tables import Report
from .prevention_figures import BY_TYPE, common_definitions, figures

SUBJECT_LABEL = gettext_lazy("Project")

# Projects whose funder has a report of its own (reports.funder_reports.mpsv, .esf).
OTHER_FORMS = (FunderKind.MPSV, FunderKind.ESF)


def offered_to(user: User) -> bool:
    return user.is_authenticated and Role(user.role).can_make_organisation_reports() and bool(user.organisation_id)


def subjects(user: User) -> QuerySet[Project]:
    """The projects of the coordinator's own organisation, newest first."""
    if user.organisation_id is None:
        return Project.objects.none()
    return (
        visible_projects(user)
        .filter(organisation_id=user.organisation_id)
        .exclude(funder__kind__in=OTHER_FORMS)
        .prefetch_related("services")
        .order_by("-starts_on", "name")
    )


def project_period(project: Project) -> str:
    start = formats.date_format(project.starts_on, "SHORT_DATE_FORMAT")
    if project.ends_on is None:
        return _("from %(start)s") % {"start": start}
    return f"{start} – {formats.date_format(project.ends_on, 'SHORT_DATE_FORMAT')}"


def build(*, subject: Project, params: ReportParameters, requested_by: User) -> Report:
    project = subject
    sheets = figures(project_ids=[project.pk], params=params, dimension=BY_TYPE, protection=None)
    cover = [
        (_("Organisation"), project.organisation.name),
        (_("Project"), project.name),
    ]
    if project.registration_number:
        cover.append((_("Registration number"), project.registration_number))
    cover += [
        (_("Funder"), f"{project.funder.name} ({project.funder.get_kind_display()})"),
        (_("Project period"), project_period(project)),
    ]
    services = ", ".join(service.name for service in project.services.all())
    if services:
        cover.append((_("Services"), services))
    return Report(
        title=_("Crime-prevention project report"),
        subtitle=f"{project.name} · {project.organisation.name}",
        sheets=sheets,
        cover=cover,
        definitions=[
            _("The organisation's own figures as recorded: nothing is suppressed or rounded."),
            *common_definitions(),
        ],
    )
