"""Municipalities and their socially excluded localities: the shared list that assistants,
services, contacts and cases name, kept by administrators (management/services.py). A place
that something names cannot be deleted, only renamed; anyone but an administrator gets 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_can
from accounts.models import Region
from accounts.roles import Role
from common.forms import add_refusal
from common.http import AuthenticatedHttpRequest

from . import services
from .forms import LocalityForm, MunicipalityForm
from .selectors import managed_localities, managed_municipalities

administer = role_can(Role.can_manage_reference_data)


@administer
def place_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The municipalities of a region (or of all), each with its localities."""
    regions = Region.objects.order_by("name")
    chosen = request.GET.get("region", "")
    region = regions.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    towns = managed_municipalities(request.user).annotate(locality_count=Count("localities")).order_by("name")
    places = managed_localities(request.user).order_by("name")
    if region is not None:
        towns, places = towns.filter(region=region), places.filter(municipality__region=region)
    by_town: dict[int, list] = {}
    for place in places:
        by_town.setdefault(place.municipality_id, []).append(place)
    rows = [(town, by_town.get(town.pk, [])) for town in towns]
    return render(request, "management/place_list.html", {"rows": rows, "regions": regions, "region": region})


def _form_page(request: AuthenticatedHttpRequest, form, title: str, item=None) -> HttpResponse:
    return render(
        request,
        "management/place_form.html",
        {"form": form, "title": title, "item": item},
        status=400 if form.errors else 200,
    )


@administer
@require_http_methods(["GET", "POST"])
def municipality_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _municipality_form(request, None)


@administer
@require_http_methods(["GET", "POST"])
def municipality_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _municipality_form(request, get_object_or_404(managed_municipalities(request.user), pk=pk))


def _municipality_form(request: AuthenticatedHttpRequest, item) -> HttpResponse:
    initial = {"region": item.region_id, "name": item.name} if item else {"region": request.GET.get("region")}
    form = MunicipalityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.municipality_save(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The municipality %(name)s was saved.") % {"name": saved.name})
            return redirect(f"{_list_url()}?region={saved.region_id}#municipality-{saved.pk}")
    return _form_page(request, form, _("Municipality"), item)


@administer
@require_http_methods(["GET", "POST"])
def locality_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _locality_form(request, None)


@administer
@require_http_methods(["GET", "POST"])
def locality_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _locality_form(request, get_object_or_404(managed_localities(request.user), pk=pk))


def _locality_form(request: AuthenticatedHttpRequest, item) -> HttpResponse:
    initial = (
        {"municipality": item.municipality_id, "name": item.name}
        if item
        else {"municipality": request.GET.get("municipality")}
    )
    form = LocalityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.locality_save(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The locality %(name)s was saved.") % {"name": saved})
            town = saved.municipality
            return redirect(f"{_list_url()}?region={town.region_id}#municipality-{town.pk}")
    return _form_page(request, form, _("Socially excluded locality"), item)


@administer
@require_POST
def municipality_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(managed_municipalities(request.user), pk=pk))


@administer
@require_POST
def locality_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _delete(request, get_object_or_404(managed_localities(request.user), pk=pk))


def _delete(request: AuthenticatedHttpRequest, item) -> HttpResponse:
    name = str(item)
    try:
        services.place_delete(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was deleted.") % {"name": name})
    return redirect(_list_url())


def _list_url() -> str:
    return reverse("management:place_list")
