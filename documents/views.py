"""Documents of the work: a template filled from a client or case, downloaded as DOCX, made
into a PDF by the worker, or kept with the case; and the organisation's own templates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from jinja2 import TemplateError

from accounts.decorators import role_can
from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record_event, record_view
from cases.attachments import DOCX, PDF
from cases.models import Case
from cases.selectors import visible_cases
from clients.models import Client
from clients.selectors import visible_clients
from common.http import AuthenticatedHttpRequest

from . import services
from .fields import FIELDS, document_context
from .forms import CASE_ONLY, DocumentForm, TemplateUploadForm
from .models import DocumentKind, PdfRender
from .pdf import pdf_available
from .selectors import template_content, visible_renders, visible_templates
from .templating import default_template, fill


def _kind(kind: str) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError as error:
        raise Http404 from error


def _file_response(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    response["Cache-Control"] = "private, no-store"
    return response


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def case_document(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    case = get_object_or_404(
        visible_cases(request.user).select_related("client__organisation", "client__locality__municipality"), pk=pk
    )
    return _document(request, _kind(kind), case.client, case)


@role_can(Role.can_work_with_clients)
@require_http_methods(["GET", "POST"])
def client_document(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    client = get_object_or_404(
        visible_clients(request.user).select_related("organisation", "locality__municipality"), pk=pk
    )
    document_kind = _kind(kind)
    if document_kind in CASE_ONLY:
        raise Http404  # made from a case only
    return _document(request, document_kind, client, None)


def _document(request: AuthenticatedHttpRequest, kind: DocumentKind, client: Client, case: Case | None) -> HttpResponse:
    subject = case or client
    form = DocumentForm(request.POST or None, kind=kind, user=request.user, case=case)
    action = request.POST.get("action", "docx")
    if request.method == "POST" and form.is_valid():
        context = document_context(
            by=request.user,
            client=client,
            case=case,
            contact=form.cleaned_data.get("contact"),
            referral=form.cleaned_data.get("referral"),
            recipient=form.cleaned_data.get("recipient", ""),
        )
        try:
            docx = fill(template_content(request.user, kind), context)
        except TemplateError as error:  # an organisation's template the upload check did not catch
            form.add_error(None, _("The organisation's template could not be filled: %(error)s.") % {"error": error})
            record_view(request, subject)
            return _document_page(request, form, kind, client, case)
        record_event(request=request, action=AuditAction.DOCUMENT, obj=subject)
        if action == "pdf" and pdf_available():
            render_row = services.pdf_request(by=request.user, kind=kind, client=client, case=case, docx=docx)
            return redirect("documents:pdf_detail", pk=render_row.pk)
        name = services.document_file_name(kind=kind, client=client, extension=".docx")
        if action == "attach" and case is not None:
            services.document_attach(by=request.user, case=case, file_name=name, content=docx, as_pdf=False)
            messages.success(request, _("The document was kept with the case's attachments."))
            return redirect("cases:detail", pk=case.pk)
        return _file_response(docx, DOCX, name)
    record_view(request, subject)
    return _document_page(request, form, kind, client, case)


def _document_page(
    request: AuthenticatedHttpRequest, form: DocumentForm, kind: DocumentKind, client: Client, case: Case | None
) -> HttpResponse:
    return render(
        request,
        "documents/document_form.html",
        {
            "form": form,
            "kind": kind,
            "client": client,
            "case": case,
            "pdf_available": pdf_available(),
            "own_template": visible_templates(request.user).filter(kind=kind).exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _get_render(request: AuthenticatedHttpRequest, pk: int) -> PdfRender:
    return get_object_or_404(visible_renders(request.user).select_related("case", "client"), pk=pk)


@role_can(Role.can_work_with_clients)
def pdf_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    render_row = _get_render(request, pk)
    record_view(request, render_row)
    return render(request, "documents/pdf_detail.html", {"render": render_row})


@role_can(Role.can_work_with_clients)
def pdf_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "documents/_pdf_progress.html", {"render": _get_render(request, pk)})


@role_can(Role.can_work_with_clients)
def pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    render_row = _get_render(request, pk)
    if render_row.state != PdfRender.State.DONE:
        raise Http404
    try:
        content = services.read_stored(render_row.pdf_stored_name)
    except FileNotFoundError as error:
        raise Http404 from error
    record_event(request=request, action=AuditAction.DOWNLOAD, obj=render_row)
    return _file_response(content, PDF, render_row.file_name)


@role_can(Role.can_work_with_clients)
@require_POST
def pdf_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    render_row = _get_render(request, pk)
    if render_row.case_id is None:  # made from a client: nothing to keep it with
        raise Http404
    # The case must still be the user's to see (it may have been transferred since).
    case = visible_cases(request.user).filter(pk=render_row.case_id).first()
    if case is None or render_row.state != PdfRender.State.DONE:
        raise Http404
    try:
        content = services.read_stored(render_row.pdf_stored_name)
    except FileNotFoundError as error:
        raise Http404 from error
    services.document_attach(by=request.user, case=case, file_name=render_row.file_name, content=content, as_pdf=True)
    messages.success(request, _("The document was kept with the case's attachments."))
    return redirect("cases:detail", pk=case.pk)


# -- the organisation's templates -------------------------------------------------------------


@role_can(Role.can_work_with_clients)
def field_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    groups: dict[str, list] = {}
    for field in FIELDS:
        groups.setdefault(str(field.group), []).append(field)
    examples = {
        "example_field": "{{ klient_prijmeni }}",
        "example_condition": "{% if pripad_cj_policie %}č. j. {{ pripad_cj_policie }}{% endif %}",
    }
    return render(request, "documents/field_list.html", {"groups": groups, **examples})


@role_can(Role.can_supervise)
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    own = {template.kind: template for template in visible_templates(request.user).select_related("uploaded_by")}
    rows = [(kind, own.get(kind.value)) for kind in DocumentKind]
    return render(
        request, "documents/template_list.html", {"rows": rows, "form": TemplateUploadForm(), "errors_for": None}
    )


@role_can(Role.can_supervise)
@require_POST
def template_upload(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    document_kind = _kind(kind)
    form = TemplateUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.template_upload(
                by=request.user,
                kind=document_kind,
                file_name=form.file_name,
                content=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The organisation's template was saved; documents of this kind now use it."))
            return redirect("documents:template_list")
    own = {template.kind: template for template in visible_templates(request.user).select_related("uploaded_by")}
    rows = [(k, own.get(k.value)) for k in DocumentKind]
    return render(
        request,
        "documents/template_list.html",
        {"rows": rows, "form": form, "errors_for": document_kind},
        status=400,
    )


@role_can(Role.can_supervise)
def template_download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    document_kind = _kind(kind)
    own = visible_templates(request.user).filter(kind=document_kind).first()
    if own is not None:
        return _file_response(bytes(own.content), DOCX, own.file_name)
    return _file_response(default_template(document_kind), DOCX, f"{document_kind.value}.docx")


@role_can(Role.can_supervise)
@require_POST
def template_remove(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    services.template_remove(by=request.user, kind=_kind(kind))
    messages.success(request, _("The organisation's template was removed; documents of this kind use the default."))
    return redirect("documents:template_list")
