import datetime
from typing import cast

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, User
from common.filters import IdChoiceFilter, RangeCheckedFilterSet
from common.forms import DateInput
from programmes.models import ActivityType

from .models import Activity, Authority, Contact
from .widgets import ActivityTypeChoices


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ContactFilter(RangeCheckedFilterSet):
    """Filters of the contact list; every choice list is limited to the user's organisation."""

    # Dates become local-midnight bounds so that the (organisation, occurred_at) index is used.
    date_from = django_filters.DateFilter(method="filter_date_from", label=_("From"), widget=DateInput)
    date_to = django_filters.DateFilter(method="filter_date_to", label=_("To"), widget=DateInput)
    assistant = IdChoiceFilter(queryset=User.objects.none(), label=_("Assistant"))
    authority = IdChoiceFilter(queryset=Authority.objects.all(), label=_("Authority"))
    activity_type = IdChoiceFilter(
        queryset=ActivityType.objects.none(), method="filter_activity_type", label=_("Activity type")
    )
    locality = IdChoiceFilter(queryset=Locality.objects.select_related("municipality"), label=_("Locality"))

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_date_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(occurred_at__gte=local_midnight(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(occurred_at__lt=local_midnight(value + datetime.timedelta(days=1)))

    def filter_activity_type(self, queryset: QuerySet, name: str, value: ActivityType) -> QuerySet:
        # A semi-join probe per contact of the page on activity_type_contact_idx (activity type,
        # contact): the list keeps walking its (organisation, occurred_at) index in order.
        return queryset.filter(Exists(Activity.objects.filter(contact=OuterRef("pk"), activity_type=value)))

    def __init__(
        self, data=None, queryset: QuerySet | None = None, *, user: User | None = None, request=None, **kwargs
    ):
        # The API's filter backend passes the request; the pages pass the user.
        super().__init__(data, queryset, request=request, **kwargs)
        user = user or getattr(request, "user", None)
        organisation_id = getattr(user, "organisation_id", None)
        # Without an organisation nobody is offered (not every user without one, administrators too).
        assistants = User.objects.filter(organisation_id=organisation_id) if organisation_id else User.objects.none()
        cast(django_filters.ModelChoiceFilter, self.filters["assistant"]).queryset = assistants.order_by(
            "last_name", "first_name"
        )
        # The activity types of the user's organisation's services (those switched off too: older
        # records hold them); named with their service when the organisation runs several.
        types = (
            ActivityType.objects.filter(service__organisation_id=organisation_id).select_related("service")
            if organisation_id
            else ActivityType.objects.none()
        )
        type_filter = cast(django_filters.ModelChoiceFilter, self.filters["activity_type"])
        type_filter.queryset = types.order_by("service__name", "ordering", "name")
        type_field = cast(forms.ModelChoiceField, self.form.fields["activity_type"])
        type_field.iterator = ActivityTypeChoices
        type_field.widget.choices = type_field.choices  # (the widget took the choices with the queryset)
        for f in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)
