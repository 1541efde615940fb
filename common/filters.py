"""Filters whose numbers are checked against their column's range before any query.

A value outside the column's range is the user's mistake, not the database's: `?crime_types=2**63`
crashed the SQLite demo (Python's int does not fit an SQLite integer) and would make PostgreSQL
refuse a bigint. Every FilterSet of the project derives from RangeCheckedFilterSet, whose filters
for ids and integer columns answer such a value with a form error (400 in the API) instead.

The ranges are PostgreSQL's (the production database) whatever the database in use, so that a
value is accepted or refused the same everywhere.
"""

import re
from typing import TYPE_CHECKING, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import QuerySet
from django.db.models.fields.related import RelatedField
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields

_RANGES = BaseDatabaseOperations.integer_field_ranges
_AUTO = ("AutoField", "SmallAutoField", "BigAutoField")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,40}")


def column_range(model_field: models.Field) -> tuple[int, int]:
    """The smallest and largest value of an integer column; an id (own or referred to) is >= 1."""
    while isinstance(model_field, RelatedField):  # a foreign key: the range of the key it refers to
        model_field = model_field.target_field
    kind = model_field.get_internal_type()
    low, high = _RANGES[kind]
    return (1, high) if kind in _AUTO else (low, high)


def _out_of_range(low: int, high: int) -> ValidationError:
    return ValidationError(
        _("Enter a whole number from %(min)s to %(max)s."),
        code="out_of_range",
        params={"min": low, "max": high},
    )


if TYPE_CHECKING:
    # _IdCheck is only ever mixed into django-filter's ModelChoiceField or its multiple variant.
    _ModelChoiceField = filter_fields.ModelChoiceField
else:
    _ModelChoiceField = object


class _IdCheck(_ModelChoiceField):
    """Checks that every value chosen is a whole number within the range of the ids it names."""

    def _id_range(self) -> tuple[int, int]:
        # django-filter's ModelChoiceFilter always gives its field the queryset of the choices.
        opts = cast(QuerySet, self.queryset).model._meta
        return column_range(opts.get_field(self.to_field_name) if self.to_field_name else opts.pk)

    def _check_id(self, value) -> None:
        if self.null_label is not None and value == self.null_value:
            return
        text = str(value).strip()
        # ASCII digits only (int() would also take "１" or "1_000"); a longer number is no id.
        if not _WHOLE_NUMBER.fullmatch(text):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        low, high = self._id_range()
        if not low <= int(text) <= high:
            raise _out_of_range(low, high)


class IdChoiceField(_IdCheck, filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            self._check_id(value)
        return super().to_python(value)


class IdMultipleChoiceField(_IdCheck, filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            self._check_id(item)
        # django-stubs leave out Django's private ModelMultipleChoiceField._check_values.
        return super()._check_values(value)  # type: ignore[misc]


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


class IdMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdMultipleChoiceField


class IntegerInRangeFilter(django_filters.NumberFilter):
    """A whole number within the `min_value` and `max_value` given (NumberFilter takes any decimal)."""

    # The stubs pin NumberFilter to a DecimalField; django-filter takes any number field here.
    field_class = forms.IntegerField  # type: ignore[assignment]


def _integer_extra(model_field: models.Field) -> dict:
    low, high = column_range(model_field)
    return {"min_value": low, "max_value": high}


_INTEGER_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)


def _relation(filter_class, default: dict) -> dict:
    return {**default, "filter_class": filter_class}


class RangeCheckedFilterSet(django_filters.FilterSet):
    """The base of every FilterSet: filters generated from model fields check their range too."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        **{
            field_class: {"filter_class": IntegerInRangeFilter, "extra": _integer_extra}
            for field_class in _INTEGER_FIELDS
        },
        models.ForeignKey: _relation(IdChoiceFilter, django_filters.FilterSet.FILTER_DEFAULTS[models.ForeignKey]),
        models.OneToOneField: _relation(IdChoiceFilter, django_filters.FilterSet.FILTER_DEFAULTS[models.OneToOneField]),
        models.ManyToManyField: _relation(
            IdMultipleChoiceFilter, django_filters.FilterSet.FILTER_DEFAULTS[models.ManyToManyField]
        ),
    }
