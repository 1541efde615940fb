"""Numbers from the request checked against their column's range before any query, the same on
every database: a filter value out of range answers 400, a path id out of range 404."""

import re

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import NotFound

from liaison.filters import RangeCheckedFilterSet, column_range

_DIGITS = re.compile(r"[0-9]{1,20}")


class RangeCheckedFilterBackend(DjangoFilterBackend):
    """FilterSets generated from a view's `filterset_fields` check their ranges too."""

    filterset_base = RangeCheckedFilterSet


class RangeCheckedLookupMixin:
    """A path id that is not a whole number within the range of the model's ids names no record."""

    def get_object(self):
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        model = self.get_queryset().model
        field = model._meta.pk if self.lookup_field == "pk" else model._meta.get_field(self.lookup_field)
        low, high = column_range(field)
        if not _DIGITS.fullmatch(value) or not low <= int(value) <= high:
            raise NotFound(_("No such record."))
        return super().get_object()
