"""Importing client files from a spreadsheet (coordinators of the organisation): upload, map the
columns and see the dry run, download the rejected rows, confirm; and the template file."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
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

from . import imports
from .import_files import COLUMNS, MAX_FILE_BYTES, UnreadableFile, template_xlsx
from .import_models import ClientImportUpload
from .models import Client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 200
FIELD_LABELS = {
    "external_id": gettext_lazy("external identifier"),
    "identity": gettext_lazy("identity"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "nickname": gettext_lazy("nickname"),
    "birth_year": gettext_lazy("year of birth"),
    "birth_date": gettext_lazy("date of birth"),
    "sex": gettext_lazy("sex"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
    "address": gettext_lazy("address"),
    "note": gettext_lazy("note"),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Choose an XLSX or CSV file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: split it into several imports."))
        return upload


class MappingForm(forms.Form):
    """One choice per field: which column of the file holds it."""

    def __init__(self, *args, headings: list[str], initial_columns: dict[str, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("– not imported –"))] + [(str(i), h) for i, h in enumerate(headings) if h]
        for name in COLUMNS:
            self.fields[name] = forms.ChoiceField(label=capfirst(FIELD_LABELS[name]), choices=choices, required=False)
            if name in initial_columns:
                self.initial[name] = str(initial_columns[name])

    def clean(self):
        cleaned = super().clean() or {}
        chosen = [value for value in cleaned.values() if value]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("One column is chosen for two fields."))
        return cleaned


def _upload(request: AuthenticatedHttpRequest, pk: int) -> ClientImportUpload:
    """The user's own upload of the last day; anybody else's, an expired and a missing one are 404."""
    return get_object_or_404(imports.own_uploads(request.user), pk=pk)


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            stored, _table = imports.upload_store(by=request.user, file_name=upload.name, data=upload.read())
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            return redirect("clients:import_check", pk=stored.pk)
    status = 400 if form.errors else 200
    return render(request, "clients/import_start.html", {"form": form}, status=status)


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
def import_check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The mapping of the columns and the dry run; POST `map` saves the mapping, POST `confirm`
    imports what the dry run showed."""
    upload = _upload(request, pk)
    saved = imports.saved_mapping(request.user)
    try:
        table = imports.upload_table(upload, saved)
    except UnreadableFile as error:
        messages.error(request, str(error))
        upload.delete()
        return redirect("clients:import_start")
    columns = imports.column_mapping(table, saved)
    mapping_form = MappingForm(
        request.POST if request.POST.get("action") == "map" else None, headings=table.headings, initial_columns=columns
    )
    if request.method == "POST" and request.POST.get("action") == "map":
        if mapping_form.is_valid():
            chosen = {name: table.headings[int(value)] for name, value in mapping_form.cleaned_data.items() if value}
            imports.save_mapping(request.user, chosen)
            messages.success(request, _("The mapping of the columns was saved for your organisation."))
            return redirect("clients:import_check", pk=upload.pk)
    elif request.method == "POST" and request.POST.get("action") == "confirm":
        try:
            result = imports.client_import(by=request.user, upload=upload, summary=request.POST.get("summary", ""))
        except imports.ImportRefused as error:
            messages.error(request, str(error))
            return redirect("clients:import_check", pk=upload.pk)
        messages.success(
            request,
            _("Imported from %(file)s: %(created)s new clients, %(updated)s updated, %(skipped)s rows skipped.")
            % {
                "file": upload.file_name,
                "created": len(result.created),
                "updated": len(result.updated),
                "skipped": len(result.skipped) + len(result.errors),
            },
        )
        return redirect("clients:list")
    result = imports.dry_run(by=request.user, table=table, mapping=columns)
    record_list(request, Client, result.named_clients)
    context = {
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


@role_can(Role.can_supervise)
@require_GET
def import_rejected(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The rows with an error, with the error in a last column, to correct and upload again."""
    upload = _upload(request, pk)
    saved = imports.saved_mapping(request.user)
    table = imports.upload_table(upload, saved)
    result = imports.dry_run(by=request.user, table=table, mapping=imports.column_mapping(table, saved))
    record_event(request=request, action=AuditAction.DOWNLOAD, obj=upload)
    response = HttpResponse(imports.rejected_rows_xlsx(table, result), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="odmitnute-radky.xlsx"'
    return response


@role_can(Role.can_supervise)
@require_GET
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="klienti-sablona.xlsx"'
    return response
