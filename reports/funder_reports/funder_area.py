"""The report for a city or region as funder: the figures of the crime-prevention project report
(reports.funder_reports.prevention_figures) for every project the city or region pays for,
whichever organisation runs it, aggregated and protected as national statistics are.

Which records count: those of the projects whose funder is the city or region (Project.funder),
in the period. Not the work of every service in its area: work there paid by others (MPSV, ESF+,
another town) is none of its report, and a project it pays outside its area is.

Protected as national statistics are (docs/statistical-disclosure.md): suppressed, randomly
rounded, and for a calendar month, quarter or year only (reports.parameters.FIXED_PERIOD_ONLY).

Who may ask (the figures cross organisations, so nobody sees a person in them):
- the ministry, for any city or region as funder;
- a coordinator of a municipality's own organisation (Organisation.Kind.MUNICIPALITY): of a
  town's office or organisation (Organisation.municipality) for that town as funder, of a
  region's own organisation (Organisation.region, no town) for that region as funder.
A coordinator of an NGO is not offered it: the NGO reports its own projects (the project report).
"""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from accounts.roles import Role
from programmes.models import Funder, Project
from programmes.vocabulary import FunderKind

from ..parameters import ReportParameters
from ..tables import Report
from .prevention_figures import BY_CATEGORY, Protection, common_definitions, figures

SUBJECT_LABEL = gettext_lazy("Funder")
AREA_FUNDERS = (FunderKind.CITY, FunderKind.REGION)


def _municipal_organisation(user: User) -> Organisation | None:
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or organisation.kind != Organisation.Kind.MUNICIPALITY:
        return None
    return organisation


def offered_to(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    role = Role(user.role)
    if role.can_see_national_statistics():
        return True
    return role.can_make_organisation_reports() and _municipal_organisation(user) is not None


def subjects(user: User) -> QuerySet[Funder]:
    funders = Funder.objects.filter(kind__in=AREA_FUNDERS).select_related("municipality", "region").order_by("name")
    if not offered_to(user):
        return funders.none()
    if Role(user.role).can_see_national_statistics():
        return funders
    organisation = _municipal_organisation(user)
    if organisation is None:
        return funders.none()
    if organisation.municipality_id is not None:
        return funders.filter(kind=FunderKind.CITY, municipality_id=organisation.municipality_id)
    if organisation.region_id is not None:
        return funders.filter(kind=FunderKind.REGION, region_id=organisation.region_id)
    return funders.none()


def _project_line(project: Project) -> str:
    start = formats.date_format(project.starts_on, "SHORT_DATE_FORMAT")
    end = formats.date_format(project.ends_on, "SHORT_DATE_FORMAT") if project.ends_on else "…"
    return f"{project.organisation.name}: {project.name} ({start} – {end})"


def build(*, subject: Funder, params: ReportParameters, requested_by: User) -> Report:
    funder = subject
    # The funder's projects that ran at some time in the period (their records are in it).
    projects = list(
        Project.objects.filter(funder=funder, starts_on__lte=params.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=params.start))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    threshold = settings.REPORTS_SUPPRESSION_THRESHOLD
    sheets = figures(
        project_ids=[project.pk for project in projects],
        params=params,
        dimension=BY_CATEGORY,
        protection=Protection(threshold=threshold),
    )
    place = funder.municipality or funder.region
    cover = [(_("Funder"), f"{funder.name} ({funder.get_kind_display()})")]
    if place is not None:
        cover.append((_("Municipality") if funder.kind == FunderKind.CITY else _("Region"), place.name))
    organisations = sorted({project.organisation.name for project in projects})
    cover += [
        (_("Organisations"), ", ".join(organisations) or _("none")),
        (_("Projects counted"), "; ".join(_project_line(project) for project in projects) or _("none")),
    ]
    return Report(
        title=_("Report for a city or region as funder"),
        subtitle=funder.name,
        sheets=sheets,
        cover=cover,
        definitions=[
            _(
                "The work of every project that the funder pays for (the project's funder), whichever "
                "organisation runs it, added up; work in the funder's area paid by others does not count."
            ),
            _(
                "Activities are shown by their national category, since each organisation names its own "
                "activity types. A person who is a client of two organisations has a file in each and counts "
                "in each."
            ),
            _(
                "No person can be recognised: counts from 1 to %(below)s are suppressed (*), with the cells "
                "that would reveal them, and every count is randomly rounded to a multiple of 5 by the "
                "cell-key method, as in national statistics; rows and columns may therefore not add up."
            )
            % {"below": threshold - 1},
            _(
                "Periods are calendar months, quarters or years only, so that subtracting two nested periods "
                "cannot reveal a day's records."
            ),
            *common_definitions(several_projects=True),
        ],
    )
