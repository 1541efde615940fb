"""Widgets, fields and validators shared by the apps' forms."""

import datetime
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.fields import BaseTemporalField
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from . import local_time
from .validators import validate_not_in_future

__all__ = [
    "ClientPicker",
    "DateInput",
    "DateTimeInput",
    "LocalDateTimeField",
    "LocalDateTimeInput",
    "validate_not_in_future",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class WallTime(str):
    """The typed date and time, with the occurrence chosen for a time that happened twice."""

    occurrence: str = local_time.FIRST


class LocalDateTimeInput(DateTimeInput):
    """A date and time, and below it a choice of the first or the second occurrence, shown only
    when the time happened twice (the autumn night the clocks go back): by the server for the
    value it renders, by static/js/local-time.js as the user types. The choice is posted as
    `<name>_occurrence`; the date and time keep their own name."""

    template_name = "widgets/local_datetime.html"

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if not isinstance(value, str):
            return value
        typed = WallTime(value)
        if data.get(f"{name}_occurrence") == local_time.SECOND:
            typed.occurrence = local_time.SECOND
        return typed

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        naive, occurrence = _wall_time(value)
        tz = timezone.get_current_timezone()
        year = naive.year if naive else timezone.localdate().year
        summer, winter = local_time.seasonal_offsets(year, tz)
        context["widget"].update(
            time_zone=timezone.get_current_timezone_name(),
            ambiguous=naive is not None and local_time.wall_time_kind(naive, tz) == local_time.AMBIGUOUS,
            second=occurrence == local_time.SECOND,
            summer_offset=summer,
            winter_offset=winter,
        )
        return context


def _wall_time(value) -> tuple[datetime.datetime | None, str]:
    """The wall-clock time a rendered value shows and its occurrence: a local datetime from the
    record (its `fold` says which), or what the user typed."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None), local_time.occurrence_of(value)
    if isinstance(value, str) and value:
        parsed = parse_datetime(value.strip())
        if parsed is not None and timezone.is_naive(parsed):
            return parsed, getattr(value, "occurrence", local_time.FIRST)
    return None, local_time.FIRST


class LocalDateTimeField(forms.DateTimeField):
    """A date and time entered as the local clock shows it. Of a time that happened twice the
    first occurrence (summer time) is meant unless the second is chosen; a time that never
    happened (the spring night) is refused with a message that says why."""

    widget = LocalDateTimeInput
    default_error_messages = {
        "nonexistent": _(
            "On %(date)s the clocks moved an hour forward at night, so the time %(time)s did not exist "
            "that day. Please enter the time the clock showed (probably %(suggestion)s)."
        ),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value if timezone.is_aware(value) else local_time.make_aware(value, local_time.occurrence_of(value))
        occurrence = getattr(value, "occurrence", local_time.FIRST)
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if parsed is None:
            # The field's input formats (dates without a time, other separators), without
            # Django's conversion, which refuses any time around a change of the clocks.
            parsed = cast(datetime.datetime, BaseTemporalField.to_python(self, value))
        if timezone.is_aware(parsed):
            return parsed
        if local_time.wall_time_kind(parsed) == local_time.NONEXISTENT:
            suggestion = local_time.make_aware(parsed).astimezone(timezone.get_current_timezone())
            raise ValidationError(
                self.error_messages["nonexistent"],
                code="nonexistent",
                params={
                    "date": formats.date_format(parsed.date(), "DATE_FORMAT"),
                    "time": formats.time_format(parsed.time(), "G:i"),
                    "suggestion": formats.time_format(suggestion.time(), "G:i"),
                },
            )
        return local_time.make_aware(parsed, occurrence)


class ClientPicker(forms.Widget):
    """Check boxes for the chosen clients plus a search box that fetches more (htmx, the
    clients app's picker endpoint, which names its check boxes `clients`: the form field using
    this widget is called `clients`).

    A select listing every client of a large organisation would not scale; this widget
    renders only the clients already chosen, and the form validates ids against the
    user's visible clients as any ModelMultipleChoiceField does.
    """

    template_name = "widgets/client_picker.html"
    allow_multiple_selected = True

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.queryset: QuerySet | None = None

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [v for v in context["widget"]["value"] if v.isdigit()]
        chosen = list(self.queryset.filter(pk__in=ids)) if (self.queryset is not None and ids) else []
        context["widget"]["chosen"] = chosen
        return context

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_


def add_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form that asked for it: each message at its field when the form
    has that field, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
