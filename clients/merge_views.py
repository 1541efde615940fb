"""Merging two client files of one person (coordinators of the organisation): choose the other
file, compare both side by side, merge (clients/merge.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from audit.services import record_list, record_view
from common.http import AuthenticatedHttpRequest

from .merge import client_merge, merge_counts, merge_refusals
from .models import Client, ClientMerge
from .selectors import possible_duplicates, search_clients, visible_clients

PICK_LIMIT = 10


def _client(request: AuthenticatedHttpRequest, pk: int) -> Client:
    return get_object_or_404(visible_clients(request.user).select_related("locality__municipality"), pk=pk)


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("q")
def merge_choose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the client and a search for the other file; POST (the typed name stays out of URLs
    and logs): the clients of the organisation matching it, each a link to the comparison."""
    client = _client(request, pk)
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    found: list[Client] = []
    if request.method == "GET":
        record_view(request, client)  # the page names the client
    elif len(query) >= 2:
        found = list(search_clients(request.user, query).exclude(pk=client.pk)[:PICK_LIMIT])
        record_list(request, Client, [client, *found])
    return render(
        request,
        "clients/merge_choose.html",
        {"client": client, "query": query, "found": found, "searched": bool(query)},
    )


@role_can(Role.can_supervise)
@require_http_methods(["GET", "POST"])
def merge_confirm(request: AuthenticatedHttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Both files side by side with the number of records of each kind; POST merges the other
    file (`other_pk`) into this one (`pk`), which is kept."""
    kept = _client(request, pk)
    try:
        merged = _client(request, other_pk)
    except Http404:
        # A second click on "Merge": the file has just been merged into this one.
        if request.method == "POST" and ClientMerge.objects.filter(kept=kept, merged_client_id=other_pk).exists():
            return redirect("clients:detail", pk=kept.pk)
        raise
    if kept.pk == merged.pk:
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        try:
            client_merge(by=request.user, kept=kept, merged=merged, request=request)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The client files were merged. Everything is now in this file."))
            return redirect("clients:detail", pk=kept.pk)
    else:
        errors = merge_refusals(kept, merged)
    record_list(request, Client, [kept, merged])  # the page shows both files
    return render(
        request,
        "clients/merge_confirm.html",
        {
            "kept": kept,
            "merged": merged,
            "counts": merge_counts(kept, merged),
            "errors": errors,
            "similar": possible_duplicates(
                request.user,
                first_name=kept.first_name,
                last_name=kept.last_name,
                nickname=kept.nickname,
                birth_year=kept.birth_year,
            )
            .filter(pk=merged.pk)
            .exists(),
        },
    )
