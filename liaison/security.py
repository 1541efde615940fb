"""HTTP hardening that no library does for us: no caching of personal data, no powerful browser
features, a friendly 503 when the database is down, and a health check for the load balancer."""

import sys
from collections.abc import Callable

import psycopg2
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    connection,
)
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

DATABASE_DOWN = (OperationalError, InterfaceError, psycopg2.OperationalError, psycopg2.InterfaceError)
# Errors that say something about the request or the code, not about the database being there.
REQUEST_OR_CODE_ERRORS = (
    IntegrityError,
    ProgrammingError,
    DataError,
    NotSupportedError,
    psycopg2.IntegrityError,
    psycopg2.ProgrammingError,
    psycopg2.DataError,
    psycopg2.NotSupportedError,
)


def _says_database_down(error: BaseException) -> bool:
    """A connection lost half-way can surface as a bare DatabaseError or an InternalError (a
    transaction aborted by the crash), not only as an OperationalError: all mean "try later"."""
    if isinstance(error, DATABASE_DOWN):
        return True
    return isinstance(error, DatabaseError | psycopg2.DatabaseError) and not isinstance(error, REQUEST_OR_CODE_ERRORS)


def is_database_down(error: BaseException | None) -> bool:
    """Whether `error`, or any error it was raised from or while handling, says the database is
    unreachable: Django's wrapped errors and psycopg2's own. Not every database error reaches a
    view wrapped by Django: closing a server-side cursor (a form's choices are read through one)
    on a lost connection raises psycopg2's OperationalError itself, during the handling of
    Django's."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if _says_database_down(error):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class NoStoreMiddleware:
    """Cache-Control: no-store on every page the application answers (static files are served
    before this by WhiteNoise): a shared office PC's browser cache must not keep client data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every answer: the application never needs the camera, the microphone,
    the location, payments or devices, so a script injected despite the CSP cannot ask for them
    (settings.PERMISSIONS_POLICY; an empty list denies the feature to every origin)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def security_context(request: HttpRequest) -> dict:
    """The banner shown while two factors are switched off (the local demo), and no menu for a
    user who has given the password but not yet the second factor."""
    required = settings.LIAISON_REQUIRE_2FA
    user = getattr(request, "user", None)
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
    pending = bool(required and user is not None and user.is_authenticated and is_verified and not is_verified())
    return {"two_factors_relaxed": not required, "second_factor_pending": pending}


def database_unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """Rendered without the request context: the session and the user need the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is unreachable answers 503 with a translated page
    and no stack trace. Failures outside views are caught by `server_error` below."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_down(exception):
            response = database_unavailable_response(request)
            # One line, instead of Django's second one for the 503 (the traceback: liaison/log_volume.py).
            log_response(
                "Database unavailable: %s", request.path, response=response, request=request, exception=exception
            )
            return response
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 page when the cause was the database (for example in the session
    middleware, before any view ran), the usual 500 page otherwise."""
    error = sys.exc_info()[1]
    if is_database_down(error):
        return database_unavailable_response(request)
    return HttpResponseServerError(render_to_string("500.html"))


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public: only "ok"/"error" per dependency, never a message that could carry data."""
    errors = {"database": _check_database(), "cache": _check_cache()}
    checks = {part: "ok" if error is None else "error" for part, error in errors.items()}
    healthy = all(error is None for error in errors.values())
    response = JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
    if not healthy:
        # One line per failed check (a load balancer asks every few seconds during an outage).
        failing = ", ".join(part for part, error in errors.items() if error is not None)
        error = next(error for error in errors.values() if error is not None)
        log_response("Health check failed (%s): %s", failing, request.path, response=response, exception=error)
    return response


def _check_database() -> Exception | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return error
    return None


def _check_cache() -> Exception | None:
    try:
        cache.set("liaison-healthz", "ok", 10)
        if cache.get("liaison-healthz") != "ok":
            return RuntimeError("The cache did not keep a value.")
    except Exception as error:  # any client error of the cache backend (redis-py raises its own)  # noqa: BLE001
        return error
    return None
