"""Select boxes rendered in Python: the same HTML as Django's Select widget, without rendering one
template per option. A filter form with a few hundred options (assistants, localities) otherwise
costs more than the rest of a list page (bench/RESULTS.md)."""

import html
from collections.abc import Iterable
from typing import Any, cast

from django import forms, template
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django_filters.fields import ModelChoiceIterator as FilterModelChoiceIterator

register = template.Library()

SELECTED = mark_safe(" selected")  # noqa: S308 - a constant


def _escaped(value) -> str:
    """What format_html makes of a value (conditional_escape), without its lazy-string checks,
    which cost more than the rest of a few hundred options."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def _options(choices, selected: set[str]) -> SafeString:
    parts: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an option group
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, _options(label, selected)))
            continue
        text = "" if value is None else str(value)
        chosen = SELECTED if text in selected else ""
        parts.append(f'<option value="{_escaped(text)}"{chosen}>{_escaped(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above


def _choices(field: forms.ChoiceField):
    """The field's choices; a model choice list is read with one plain query rather than
    Django's server-side cursor (three round trips for a few dozen rows). A field with its own
    choice iterator (labels made from all the choices together) keeps it."""
    if (
        isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, forms.ModelMultipleChoiceField)
        and field.iterator in (ModelChoiceIterator, FilterModelChoiceIterator)
    ):
        if field.empty_label is not None:
            yield "", field.empty_label
        # A filter's choice of "none" (django-filter's null_label), after the empty one.
        null_label = getattr(field, "null_label", None)
        if field.iterator is FilterModelChoiceIterator and null_label is not None:
            yield field.null_value, null_label  # type: ignore[attr-defined]
        if field.queryset is not None:
            for obj in list(field.queryset):
                yield field.prepare_value(obj), field.label_from_instance(obj)
        return
    # The getter gives the normalised choices (a list or a CallableChoiceIterator).
    yield from cast(Iterable[tuple[Any, Any]], field.choices)


@register.simple_tag
def quick_field(bound_field: forms.BoundField) -> SafeString:
    """`{{ field }}` for any field; a plain single select box is built directly."""
    widget = bound_field.field.widget
    if type(widget) is not forms.Select:
        return bound_field.as_widget()
    attrs = bound_field.build_widget_attrs(dict(widget.attrs))
    if bound_field.auto_id and "id" not in attrs:
        attrs["id"] = bound_field.auto_id
    selected = set(widget.format_value(bound_field.value()))
    return format_html(
        '<select name="{}"{}>{}</select>',
        bound_field.html_name,
        flatatt(attrs),
        # A plain Select is the widget of a choice field.
        _options(_choices(cast(forms.ChoiceField, bound_field.field)), selected),
    )
