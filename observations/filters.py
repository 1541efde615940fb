import datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality
from common.filters import IdChoiceFilter, RangeCheckedFilterSet
from common.forms import DateInput

from .models import Observation, ObservationKind, PassedTo


class ObservationFilter(RangeCheckedFilterSet):
    date_from = django_filters.DateFilter(method="filter_date_from", label=_("From"), widget=DateInput)
    date_to = django_filters.DateFilter(method="filter_date_to", label=_("To"), widget=DateInput)
    # "All" rather than Django's dashes: an empty choice of a filter means no filter.
    locality = IdChoiceFilter(
        queryset=Locality.objects.select_related("municipality"), label=_("Locality"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(choices=ObservationKind.choices, label=_("Type"), empty_label=_("All"))
    passed_to = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in PassedTo.choices if value],
        label=_("Passed to"),
        empty_label=_("All"),
    )

    class Meta:
        model = Observation
        fields: list[str] = []

    def filter_date_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(observed_on__gte=value)

    def filter_date_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(observed_on__lte=value)

    def __init__(self, *args, police: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if police:
            # The police see only what was passed to them: nothing to choose.
            del self.filters["passed_to"]
        for f in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)
