"""Create forms and API creates that save once, however often they are posted.

A create form carries a one-time key (`{% submission_key %}` in its template); the view is
wrapped in `once_per_submission`. The first POST with a key claims it inside the request's
transaction and stores where the new record is; a second POST with the same key (a double
click, the browser's retry after a dropped connection) waits on the unique index until the
first commits, then answers with the first result instead of writing again. A POST whose form
had errors gives its key back (the transaction is rolled back), so the corrected form can be
sent with it. The API does the same with the `Idempotency-Key` header (`IdempotentCreateMixin`
in api/)."""

import functools
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import Submission

FIELD_NAME = "submission_key"
# A key is what a client may choose: letters, digits and dashes, as UUIDs and ULIDs are.
_VALID_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def new_key() -> str:
    return str(uuid.uuid4())


def valid_key(key: str | None) -> bool:
    return bool(key) and bool(_VALID_KEY.match(key or ""))


def claim(user: Any, key: str) -> Submission | None:
    """Claim `key` for `user` inside the caller's transaction: the new Submission, or None when
    the key was used before (after waiting for a transaction that holds it to end)."""
    try:
        with transaction.atomic():
            return Submission.objects.create(user=user, key=key)
    except IntegrityError:
        return None


def earlier(user: Any, key: str) -> Submission | None:
    return Submission.objects.filter(user=user, key=key).first()


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a create view: a POST with a key already used redirects to what it made."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = (request.POST.get(FIELD_NAME) or "") if request.method == "POST" else ""
        if not valid_key(key) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            submission = claim(request.user, key)
            if submission is None:
                done = earlier(request.user, key)
                if done is not None and done.result_url:
                    messages.info(request, _("This form had already been saved; this is the saved record."))
                    return redirect(done.result_url)
                return view(request, *args, **kwargs)
            response = view(request, *args, **kwargs)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                submission.result_url = response["Location"][:300]
                submission.save(update_fields=["result_url"])
            else:
                # The form had errors and saved nothing: the key may be sent again.
                transaction.set_rollback(True)
            return response

    return wrapper
