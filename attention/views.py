"""The user's own notification settings (the daily digest, the calendar feed, and for a
coordinator the organisation's days without contact) and the calendar feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import role_can
from accounts.roles import Role
from common.http import AuthenticatedHttpRequest

from . import services
from .count import cached_total
from .feed import feed_events
from .forms import DigestForm, NoContactDaysForm
from .ics import calendar

# The new feed address is shown once, on the page the reset leads to, then forgotten.
NEW_TOKEN_KEY = "attention_new_calendar_token"  # noqa: S105 - a session key, not a secret


@role_can(Role.has_things_to_do)
@require_GET
def attention_count(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The menu's count (a fragment for htmx) when the cache had none for the page."""
    return render(request, "attention/_count.html", {"count": cached_total(request.user)})


@role_can(Role.has_things_to_do)
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    role = Role(user.role)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    digest_form = DigestForm(request.POST if action == "digest" else None, instance=user, prefix="digest")
    organisation = user.organisation if role.can_supervise() else None
    days_form = (
        NoContactDaysForm(request.POST if action == "days" else None, instance=organisation, prefix="days")
        if organisation is not None
        else None
    )
    if action == "digest" and digest_form.is_valid():
        digest_form.save()
        messages.success(request, _("Your e-mail settings were saved."))
        return redirect("attention:settings")
    if action == "days" and days_form is not None and days_form.is_valid():
        days_form.save()
        messages.success(request, _("The organisation's number of days without contact was saved."))
        return redirect("attention:settings")
    if action == "days" and days_form is None:
        raise PermissionDenied
    if action in ("calendar_reset", "calendar_remove"):
        if not role.can_work_with_clients():
            raise PermissionDenied
        if action == "calendar_reset":
            request.session[NEW_TOKEN_KEY] = services.calendar_token_reset(user=user)
            messages.success(request, _("A new calendar address was made; the previous one no longer works."))
        else:
            services.calendar_token_remove(user=user)
            messages.success(request, _("The calendar address was switched off."))
        return redirect("attention:settings")
    new_token = request.session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    return render(
        request,
        "attention/settings.html",
        {
            "digest_form": digest_form,
            "days_form": days_form,
            "calendar_allowed": role.can_work_with_clients(),
            "has_feed": bool(user.calendar_token_hash),
            "feed_url": request.build_absolute_uri(reverse("attention:calendar_feed", args=[new_token]))
            if new_token
            else "",
        },
        status=400 if action and request.method == "POST" else 200,
    )


def _feed_url(request: AuthenticatedHttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("attention:calendar_feed", args=[token]))


@login_not_required
@never_cache
@require_GET
def calendar_feed(request, token: str) -> HttpResponse:
    """The secret in the address signs the calendar program in: no session, no cookie. A wrong
    secret answers 404 like a page that does not exist."""
    user = services.calendar_owner(token)
    if user is None:
        raise Http404
    base_url = f"{request.scheme}://{request.get_host()}"
    with translation.override(user.language):
        body = calendar(
            name=_("Liaison: follow-ups, tasks and hearings"),
            events=feed_events(user, base_url=base_url, host=request.get_host().split(":")[0]),
            stamp=timezone.now(),
        )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="liaison.ics"'
    # The address is a secret: not to be passed on by a link from the calendar's page.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
