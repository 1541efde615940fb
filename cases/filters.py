from typing import cast

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, User
from common.filters import IdChoiceFilter, RangeCheckedFilterSet

from .models import CaseStatus, CrimeType
from .selectors import case_assignable_users


class _SmallWidgets:
    form: forms.Form  # (mixed into a FilterSet)

    def _style(self) -> None:
        for f in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)


class CaseFilter(_SmallWidgets, RangeCheckedFilterSet):
    """Filters of the organisation's case list."""

    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    crime_type = IdChoiceFilter(field_name="crime_types", queryset=CrimeType.objects.all(), label=_("Crime type"))
    assistant = IdChoiceFilter(queryset=User.objects.none(), label=_("Assistant"))
    locality = IdChoiceFilter(queryset=Locality.objects.select_related("municipality"), label=_("Locality"))

    def __init__(self, data=None, queryset=None, *, user: User, **kwargs) -> None:
        super().__init__(data, queryset, **kwargs)
        cast(django_filters.ModelChoiceFilter, self.filters["assistant"]).queryset = case_assignable_users(user)
        self._style()


class PoliceCaseFilter(_SmallWidgets, RangeCheckedFilterSet):
    """Filters of the police review list; localities are those of the officer's region."""

    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    crime_type = IdChoiceFilter(field_name="crime_types", queryset=CrimeType.objects.all(), label=_("Crime type"))
    locality = IdChoiceFilter(queryset=Locality.objects.none(), label=_("Locality"))

    def __init__(self, data=None, queryset=None, *, region_id: int | None, **kwargs) -> None:
        super().__init__(data, queryset, **kwargs)
        localities = (
            Locality.objects.filter(municipality__region_id=region_id) if region_id else Locality.objects.none()
        )
        cast(django_filters.ModelChoiceFilter, self.filters["locality"]).queryset = localities.select_related(
            "municipality"
        )
        self._style()
