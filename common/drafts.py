"""Drafts of the contact, client and case forms, kept on the server while the user types.

The page sends the form's fields every few seconds and when it is left (static/js/drafts.js)
to the form's draft URL; each app's view finds the record through its scoping selector and
hands the request here. When the form is opened again, even after the session ended and the
user signed in again, the view binds it to the draft (`draft_data`) and the page says so, with
a button that throws the draft away. A draft belongs to its author only, is deleted when the
form is saved (`draft_discard`) and after a week (common.tasks.forget_old_drafts).

Never kept: the CSRF token, the one-time submission key and the record's version (the version
the form was opened with is kept apart, `Draft.base_version`, so that a restored draft is saved
against it and a change made by someone else in the meantime is shown, not overwritten)."""

import datetime
import json
from typing import Any

from django.conf import settings
from django.forms import BaseForm, BaseFormSet
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import submissions, versioning
from .models import Draft, Submission

ACTION_FIELD = "draft_action"
DISCARD = "discard"
IGNORED_FIELDS = frozenset(
    {"csrfmiddlewaretoken", submissions.FIELD_NAME, versioning.FIELD_NAME, ACTION_FIELD, "save_and_new"}
)
# A weekend and a few days of leave; older drafts are deleted by the daily clean-up.
KEEP_DRAFTS = datetime.timedelta(days=7)


def new_key(client_id: int | None = None) -> str:
    """The draft key of a create form; a case is opened for one client."""
    return "new" if client_id is None else f"new-{client_id}"


def draft_fields(data: QueryDict) -> list[list[str]]:
    """The form's fields worth keeping, in their order, every value of a multiple choice."""
    return [[name, value] for name, values in data.lists() if name not in IGNORED_FIELDS for value in values]


def _encoded(fields: list[list[str]]) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _version(data: QueryDict) -> int | None:
    value = data.get(versioning.FIELD_NAME, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2_147_483_648 else None


def draft_of(user: Any, kind: str, object_key: str) -> Draft | None:
    """The user's own draft of this form, if there is one younger than a week."""
    since = timezone.now() - KEEP_DRAFTS
    return Draft.objects.filter(user=user, kind=kind, object_key=object_key, updated_at__gte=since).first()


def draft_data(draft: Draft) -> QueryDict:
    """The draft as the form's data, with the version the form was opened with."""
    data = QueryDict(mutable=True)
    for name, value in json.loads(draft.payload):
        data.appendlist(name, value)
    if draft.base_version is not None:
        data[versioning.FIELD_NAME] = str(draft.base_version)
    return data


def draft_save(*, user: Any, kind: str, object_key: str, data: QueryDict) -> Draft:
    draft, _created = Draft.objects.update_or_create(
        user=user,
        kind=kind,
        object_key=object_key,
        defaults={
            "payload": _encoded(draft_fields(data)),
            "base_version": _version(data),
            "updated_at": timezone.now(),
        },
    )
    return draft


def draft_discard(user: Any, kind: str, object_key: str) -> None:
    Draft.objects.filter(user=user, kind=kind, object_key=object_key).delete()


def _already_saved(user: Any, data: QueryDict) -> bool:
    """A save of the draft that arrives after the create form itself was saved (it was sent
    just before) must not bring the draft back."""
    key = data.get(submissions.FIELD_NAME, "")
    return submissions.valid_key(key) and Submission.objects.filter(user=user, key=key).exists()


def answer_draft_request(request: HttpRequest, *, kind: str, object_key: str, form_url: str) -> HttpResponse:
    """The draft URL of one form (POST): keep the fields sent, or throw the draft away.

    A page's own fetch gets JSON; the discard button also works as a plain form, which is then
    sent back to the form."""
    user = request.user
    if request.POST.get(ACTION_FIELD) == DISCARD:
        draft_discard(user, kind, object_key)
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"discarded": True})
        return redirect(form_url)
    if _already_saved(user, request.POST):
        return JsonResponse({"saved": False})
    fields = draft_fields(request.POST)
    limit = settings.LIAISON_DRAFT_MAX_BYTES
    if len(_encoded(fields).encode()) > limit:
        message = _("The draft is too long to be kept (at most %(size)d kB). Save the form, or shorten the text.")
        return JsonResponse({"saved": False, "error": message % {"size": limit // 1024}}, status=413)
    draft = draft_save(user=user, kind=kind, object_key=object_key, data=request.POST)
    saved_at = timezone.localtime(draft.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "saved_at": saved_at.isoformat(),
            "message": _("Draft kept at %(time)s.") % {"time": date_format(saved_at, "H:i")},
        }
    )


def without_errors(*forms: BaseForm | BaseFormSet) -> None:
    """A form bound to a draft shows what was typed, not yet the errors of an unfinished form:
    they come when the user saves it."""
    for form in forms:
        if isinstance(form, BaseFormSet):
            form._non_form_errors = form.error_class(error_class="nonform")  # type: ignore[attr-defined]  # cached by full_clean
            form._errors = [ErrorDict() for _form in form.forms]  # type: ignore[attr-defined]
            without_errors(*form.forms)
        else:
            form._errors = ErrorDict()  # type: ignore[attr-defined]  # set by full_clean, not in the stubs
