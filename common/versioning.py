"""Optimistic locking: two people editing the same record, the second save is refused.

A record with a `version` column (VersionField) is edited through a form that carries the
version it showed (`VersionedFormMixin`). The update service locks the row and calls
`check_version`: when someone else saved in the meantime, the save is refused with a message
that lists what the other person changed compared with what this user is sending, and the form
comes back with the user's input and the new version, so that a deliberate second save
overwrites knowingly. Nothing is ever overwritten silently."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_NAME = "version"
CONFLICT = "version_conflict"


class VersionField(models.PositiveIntegerField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", 1)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("verbose_name", gettext_lazy("version"))
        super().__init__(*args, **kwargs)


class VersionedFormMixin(forms.Form):
    """Adds the hidden version of the record the form was opened with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2_147_483_647)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields[FIELD_NAME].initial = instance.version

    def show_stored_version(self, version: int) -> None:
        """After a refused save: the form now carries the stored version, so that sending it
        again overwrites on purpose."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound to a POST
        data[FIELD_NAME] = str(version)
        self.data = data


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(sorted(str(v) for v in value)) or "–"
    return str(value)


def check_version(
    stored: models.Model,
    expected: int | None,
    *,
    submitted: Mapping[str, Any],
    stored_value: Callable[[str], Any] | None = None,
    private: Iterable[str] = (),
) -> None:
    """Refuse the save (ValidationError) when `stored` (locked with select_for_update) is no
    longer at the version the user opened. `submitted`: the values being saved, by field name;
    the message names each field whose stored value differs from them (for a `private` field,
    such as an encrypted note, only that it changed). A request without a version (an older
    page, the API without one) is not checked."""
    current = stored.version  # type: ignore[attr-defined]
    if expected is None or expected == current:
        return
    read = stored_value or (lambda name: getattr(stored, name))
    differences = []
    for name, value in submitted.items():
        now = read(name)
        if _comparable(now) != _comparable(value):
            label = getattr(stored._meta.get_field(name), "verbose_name", name)
            if name in private:
                differences.append(_("%(field)s: changed") % {"field": str(label).capitalize()})
                continue
            differences.append(
                _("%(field)s: saved “%(stored)s”, yours “%(yours)s”")
                % {"field": str(label).capitalize(), "stored": _shown(now), "yours": _shown(value)}
            )
    message = _(
        "Someone else saved this record while you were editing it, so your changes were not saved. "
        "Check the differences below; saving again will replace the saved values with yours."
    )
    raise ValidationError([ValidationError(text, code=CONFLICT) for text in [message, *differences]])


def is_version_conflict(error: ValidationError) -> bool:
    return any(getattr(e, "code", None) == CONFLICT for e in getattr(error, "error_list", []))


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted((v.pk if isinstance(v, models.Model) else v) for v in value)
    return value


def next_version(stored: models.Model) -> None:
    stored.version = stored.version + 1  # type: ignore[attr-defined]
