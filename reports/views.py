"""Report jobs (ask, follow, download) and the dashboards."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record_event
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate

from . import services, storage
from .dashboards import dashboard_charts
from .forms import ReportRequestForm
from .models import REPORT_DESCRIPTIONS, ReportJob, ReportType
from .parameters import FUNDER_REPORT_TYPES
from .selectors import report_types_for, visible_report_jobs
from .tables import rounding_note
from .writers import CONTENT_TYPES

# What a link may fill in on the report form.
PREFILLED = ("subject", "start", "end", "year")


def _get_job(request: AuthenticatedHttpRequest, pk: int) -> ReportJob:
    """A job the user may see; a foreign and a missing job are both 404."""
    return get_object_or_404(visible_report_jobs(request.user), pk=pk)


@role_can(Role.can_request_reports)
@require_GET
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, visible_report_jobs(request.user))
    offered = [ReportType(value) for value in report_types_for(request.user)]
    by_group = [
        (_("Reports for funders and the ministry"), [t for t in offered if t in FUNDER_REPORT_TYPES]),
        (_("Statistics and exports"), [t for t in offered if t not in FUNDER_REPORT_TYPES]),
    ]
    groups = [
        (title, [(report_type, REPORT_DESCRIPTIONS[report_type]) for report_type in types])
        for title, types in by_group
        if types
    ]
    return render(request, "reports/job_list.html", {"page": page, "report_groups": groups})


@role_can(Role.can_request_reports)
@require_http_methods(["GET", "POST"])
def job_create(request: AuthenticatedHttpRequest, report_type: str) -> HttpResponse:
    if report_type not in ReportType.values:
        raise Http404
    if report_type not in report_types_for(request.user):
        raise PermissionDenied
    form = ReportRequestForm(request.POST or None, report_type=report_type, user=request.user)
    if request.method == "GET":
        # A link from a reporting deadline fills in the form (only shown: it is checked on POST).
        form.initial.update({name: request.GET[name] for name in PREFILLED if request.GET.get(name)})
    # (A valid form has its parameters.)
    if request.method == "POST" and form.is_valid() and form.parameters is not None:
        job = services.report_job_request(
            by=request.user, report_type=report_type, raw_parameters=form.parameters.as_json()
        )
        record_event(request=request, action=AuditAction.EXPORT, obj=job)
        messages.success(request, _("The report is being prepared. You can leave this page and come back later."))
        return redirect("reports:detail", pk=job.pk)
    context = {"form": form, "report_type": ReportType(report_type), "disclosure_note": rounding_note()}
    return render(request, "reports/job_form.html", context, status=200)


@role_can(Role.can_request_reports)
@require_GET
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = _get_job(request, pk)
    if job.is_downloadable and not storage.stored_path(job.result_file).exists():
        services.report_job_file_missing(job=job)
    return render(request, "reports/job_detail.html", {"job": job, "disclosure_note": rounding_note()})


@role_can(Role.can_request_reports)
@require_GET
def job_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The small part of the job page that htmx polls until the job is finished."""
    return render(request, "reports/_job_progress.html", {"job": _get_job(request, pk)})


@role_can(Role.can_request_reports)
@require_GET
def job_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    job = _get_job(request, pk)
    try:
        return job_file_response(request, job)
    except ResultFileMissing as missing:
        return render(request, "reports/file_missing.html", {"job": job, "message": str(missing)}, status=404)


class ResultFileMissing(Http404):
    """The job is done but its file is not in the storage."""


def job_file_response(request: AuthenticatedHttpRequest, job: ReportJob) -> StreamingHttpResponse:
    """The finished file, decrypted as it streams, and the download audited; also served by the API.
    A file missing from the storage is a 404 that says so (never an answer cut off half-way),
    and the job shows as expired from then on."""
    if not job.is_downloadable:
        raise Http404
    try:
        chunks = storage.read_decrypted(job.result_file)
    except FileNotFoundError:
        services.report_job_file_missing(job=job)
        raise ResultFileMissing(
            _("The file of this report is no longer available. Please ask for the report again.")
        ) from None
    record_event(request=request, action=AuditAction.DOWNLOAD, obj=job)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[job.file_format])
    response["Content-Disposition"] = f'attachment; filename="{job.download_name}"'
    if job.result_size is not None:
        response["Content-Length"] = str(job.result_size)
    return response


@role_can(Role.can_see_dashboard)
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    charts = dashboard_charts(request.user)
    return render(
        request,
        "reports/dashboard.html",
        {
            "charts": charts,
            "chart_data": [chart.as_json() for chart in charts],
            "role": Role(request.user.role),
            "disclosure_note": rounding_note(),
        },
    )
