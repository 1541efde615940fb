"""Numbers from the request checked against their column's range before any query, the same on
every database: a filter value or a body field out of range answers 400, a path id 404."""

import re
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView

from common.filters import RangeCheckedFilterSet, column_range

_DIGITS = re.compile(r"[0-9]{1,20}")

if TYPE_CHECKING:
    # The mixins below are only ever mixed into a generic view and a ModelSerializer.
    _GenericAPIView = GenericAPIView[Any]
    _ModelSerializer = serializers.ModelSerializer[Any]
else:
    _GenericAPIView = object
    _ModelSerializer = object


class RangeCheckedFilterBackend(DjangoFilterBackend):
    """FilterSets generated from a view's `filterset_fields` check their ranges too."""

    filterset_base = RangeCheckedFilterSet


class RangeCheckedLookupMixin(_GenericAPIView):
    """A path id that is not a whole number within the range of the model's ids names no record.

    The route takes any segment (the default leaves out dots, for format suffixes this API does
    not use), so that `/cases/1.5/` is this JSON 404 too rather than the site's HTML page."""

    lookup_value_regex = "[^/]+"

    def get_object(self):
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        model = self.get_queryset().model
        field = model._meta.pk if self.lookup_field == "pk" else model._meta.get_field(self.lookup_field)
        low, high = column_range(field)
        if not _DIGITS.fullmatch(value) or not low <= int(value) <= high:
            raise NotFound(_("No such record."))
        return super().get_object()


class ColumnRangeSerializerMixin(_ModelSerializer):
    """Integer fields of a ModelSerializer take their column's range (PostgreSQL's) on every
    database; Django would give them the range of the database in use (64 bits on SQLite)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.IntegerField) and isinstance(model_field, models.IntegerField):
            low, high = column_range(model_field)
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        return field_class, kwargs
