"""Importing records from a spreadsheet (coordinators of the organisation), for every kind alike
(the URLs of clients, contacts and cases pass their `importer`, clients/importing.py): upload, map
the columns and see the dry run, download the rejected rows, confirm; and the template file."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record_event, record_list
from common.http import AuthenticatedHttpRequest

from . import import_jobs, importing, tasks
from .import_files import MAX_LARGE_FILE_BYTES, MAX_ROWS, UnreadableFile, template_xlsx
from .import_models import ClientImportUpload, ImportJob
from .importing import Importer
from .models import Client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 200


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Choose an XLSX or CSV file."))
        if upload.size > MAX_LARGE_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it into several imports."))
        return upload


class MappingForm(forms.Form):
    """One choice per field: which column of the file holds it."""

    def __init__(
        self, *args, importer: Importer, headings: list[str], initial_columns: dict[str, int], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("– not imported –"))] + [(str(i), h) for i, h in enumerate(headings) if h]
        for name in importer.columns:
            label = capfirst(importer.field_labels[name])
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
            if name in initial_columns:
                self.initial[name] = str(initial_columns[name])

    def clean(self):
        cleaned = super().clean() or {}
        chosen = [value for value in cleaned.values() if value]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("One column is chosen for two fields."))
        return cleaned


def _upload(request: AuthenticatedHttpRequest, importer: Importer, pk: int) -> ClientImportUpload:
    """The user's own upload of the last day; anybody else's, an expired and a missing one are 404."""
    return get_object_or_404(importing.own_uploads(request.user, importer), pk=pk)


def _urls(importer: Importer) -> dict[str, str]:
    names = ("import_start", "import_check", "import_rejected", "import_template", "import_job")
    return {name: f"{importer.namespace}:{name}" for name in names} | {"done": importer.done_url}


def _job(request: AuthenticatedHttpRequest, importer: Importer, pk: int) -> ImportJob:
    """The user's own job of the kind; anybody else's and a missing one are 404."""
    jobs = ImportJob.objects.filter(requested_by=request.user, kind=importer.kind)
    job = get_object_or_404(jobs, pk=pk)
    tasks.resend_if_stranded(job)
    return import_jobs.fail_if_abandoned(job)


def _latest_check(upload: ClientImportUpload) -> ImportJob | None:
    return upload.jobs.filter(phase=ImportJob.Phase.CHECK).order_by("-pk").first()


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedHttpRequest, importer: Importer) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored, large = importing.upload_store(
                by=request.user, importer=importer, file_name=upload.name, data=upload
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            if large:
                tasks.start_import_job(importer=importer, upload=stored, phase=ImportJob.Phase.CHECK)
            return redirect(f"{importer.namespace}:import_check", pk=stored.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "importer": importer, "urls": _urls(importer)}
    return render(request, "clients/import_start.html", context, status=status)


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
def import_check(request: AuthenticatedHttpRequest, importer: Importer, pk: int) -> HttpResponse:
    """The mapping of the columns and the dry run; POST `map` saves the mapping, POST `confirm`
    imports what the dry run showed."""
    upload = _upload(request, importer, pk)
    saved = importing.saved_mapping(request.user, importer)
    check_url = f"{importer.namespace}:import_check"
    try:
        stream = importing.upload_stream(upload, importer, saved)
        if stream.is_longer_than(MAX_ROWS):
            return _large_import_check(request, importer, upload, stream.headings, saved)
        table = stream.table()
    except UnreadableFile as error:
        messages.error(request, str(error))
        upload.delete()
        return redirect(f"{importer.namespace}:import_start")
    columns = importing.column_mapping(table.headings, saved, importer.columns)
    mapping_form = MappingForm(
        request.POST if request.POST.get("action") == "map" else None,
        importer=importer,
        headings=table.headings,
        initial_columns=columns,
    )
    if request.method == "POST" and request.POST.get("action") == "map":
        if mapping_form.is_valid():
            chosen = {name: table.headings[int(value)] for name, value in mapping_form.cleaned_data.items() if value}
            importing.save_mapping(request.user, importer, chosen)
            messages.success(request, _("The mapping of the columns was saved for your organisation."))
            return redirect(check_url, pk=upload.pk)
    elif request.method == "POST" and request.POST.get("action") == "confirm":
        try:
            result = importing.confirm_import(
                importer, by=request.user, upload=upload, summary=request.POST.get("summary", "")
            )
        except importing.ImportRefused as error:
            messages.error(request, str(error))
            return redirect(check_url, pk=upload.pk)
        messages.success(
            request,
            importer.done_message(
                file_name=upload.file_name,
                created=len(result.created),
                updated=len(result.updated),
                not_imported=len(result.skipped) + len(result.errors),
            ),
        )
        return redirect(importer.done_url)
    result = importing.dry_run(importer, by=request.user, table=table, mapping=columns)
    if result.named_clients or importer.kind == "clients":
        record_list(request, Client, result.named_clients)
    context = {
        "importer": importer,
        "urls": _urls(importer),
        "upload": upload,
        "table": table,
        "mapping_form": mapping_form,
        "result": result,
        "to_import": len(result.created) + len(result.updated),
        "errors": result.errors[:SHOWN_ROWS],
        "skipped": result.skipped[:SHOWN_ROWS],
        "shown_rows": SHOWN_ROWS,
    }
    return render(request, "clients/import_check.html", context, status=400 if mapping_form.errors else 200)


def _large_import_check(
    request: AuthenticatedHttpRequest,
    importer: Importer,
    upload: ClientImportUpload,
    headings: list[str],
    saved: dict[str, str],
) -> HttpResponse:
    """A long file: the mapping here, the check and the import by background jobs."""
    check_url = f"{importer.namespace}:import_check"
    columns = importing.column_mapping(headings, saved, importer.columns)
    action = request.POST.get("action")
    mapping_form = MappingForm(
        request.POST if action == "map" else None, importer=importer, headings=headings, initial_columns=columns
    )
    job = _latest_check(upload)
    if request.method == "POST" and action == "map":
        if mapping_form.is_valid():
            chosen = {name: headings[int(value)] for name, value in mapping_form.cleaned_data.items() if value}
            importing.save_mapping(request.user, importer, chosen)
            tasks.start_import_job(importer=importer, upload=upload, phase=ImportJob.Phase.CHECK)
            messages.success(request, _("The mapping of the columns was saved for your organisation."))
            return redirect(check_url, pk=upload.pk)
    elif request.method == "POST" and action == "confirm":
        if job is None or job.state != ImportJob.State.DONE or job.summary != request.POST.get("summary", ""):
            messages.error(request, _("The check changed: look at its result again before confirming."))
            return redirect(check_url, pk=upload.pk)
        started = tasks.start_import_job(
            importer=importer, upload=upload, phase=ImportJob.Phase.IMPORT, expected_summary=job.summary
        )
        return redirect(f"{importer.namespace}:import_job", pk=started.pk)
    if job is None:  # the check was never sent (or its row is gone): send it now
        job = tasks.start_import_job(importer=importer, upload=upload, phase=ImportJob.Phase.CHECK)
    tasks.resend_if_stranded(job)
    context = {
        "importer": importer,
        "urls": _urls(importer),
        "upload": upload,
        "mapping_form": mapping_form,
        "job": import_jobs.fail_if_abandoned(job),
        "shown_rows": SHOWN_ROWS,
    }
    return render(request, "clients/import_large.html", context, status=400 if mapping_form.errors else 200)


@role_can(Role.can_supervise)
@require_GET
def import_job(request: AuthenticatedHttpRequest, importer: Importer, pk: int) -> HttpResponse:
    """A background job of a long import; htmx polls the part showing its progress."""
    job = _job(request, importer, pk)
    context = {
        "importer": importer,
        "urls": _urls(importer),
        "job": job,
        "rows_done": import_jobs.rows_done(job),
        "shown_rows": SHOWN_ROWS,
        "upload_kept": job.upload_id is not None
        and importing.own_uploads(request.user, importer).filter(pk=job.upload_id).exists(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "clients/_import_job.html", context)
    return render(request, "clients/import_job.html", context)


@role_can(Role.can_supervise)
@require_GET
def import_rejected(request: AuthenticatedHttpRequest, importer: Importer, pk: int) -> HttpResponse:
    """The rows with an error, with the error in a last column, to correct and upload again."""
    upload = _upload(request, importer, pk)
    saved = importing.saved_mapping(request.user, importer)
    stream = importing.upload_stream(upload, importer, saved)
    if stream.is_longer_than(MAX_ROWS):
        job = _latest_check(upload)
        if job is None or job.state != ImportJob.State.DONE:
            raise Http404
        errors = {int(number): str(message) for number, message in job.errors}
        data = importing.rejected_rows_xlsx(stream.headings, stream.rows(), errors)
    else:
        table = stream.table()
        mapping = importing.column_mapping(table.headings, saved, importer.columns)
        result = importing.dry_run(importer, by=request.user, table=table, mapping=mapping)
        data = importing.rejected_rows_xlsx(table.headings, table.rows, dict(result.errors))
    record_event(request=request, action=AuditAction.DOWNLOAD, obj=upload)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="odmitnute-radky.xlsx"'
    return response


@role_can(Role.can_supervise)
@require_GET
def import_template(request: AuthenticatedHttpRequest, importer: Importer) -> HttpResponse:
    response = HttpResponse(template_xlsx(importer.columns, importer.example_row), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{importer.template_file_name}"'
    return response
