import datetime
from typing import cast

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, User
from common.filters import IdChoiceFilter, RangeCheckedFilterSet
from common.forms import DateInput
from programmes.models import Service
from programmes.selectors import visible_services

from .models import GroupActivity
from .selectors import in_period


class GroupActivityFilter(RangeCheckedFilterSet):
    """Filters of the group activity list (page and API); services are the user's own."""

    date_from = django_filters.DateFilter(method="filter_date_from", label=_("From"), widget=DateInput)
    date_to = django_filters.DateFilter(method="filter_date_to", label=_("To"), widget=DateInput)
    service = IdChoiceFilter(queryset=Service.objects.none(), label=_("Service"))
    locality = IdChoiceFilter(queryset=Locality.objects.select_related("municipality"), label=_("Locality"))

    class Meta:
        model = GroupActivity
        fields: list[str] = []

    def filter_date_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return in_period(queryset, value, None)

    def filter_date_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return in_period(queryset, None, value)

    def __init__(
        self, data=None, queryset: QuerySet | None = None, *, user: User | None = None, request=None, **kwargs
    ):
        # The API's filter backend passes the request; the page passes the user.
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        services = visible_services(user) if isinstance(user, User) else Service.objects.none()
        cast(django_filters.ModelChoiceFilter, self.filters["service"]).queryset = services.order_by("name")
        for f in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The period chosen (valid values only), for the summary's heading."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return data.get("date_from"), data.get("date_to")
