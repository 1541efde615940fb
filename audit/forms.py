import datetime
from typing import cast

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput

from .history import TRACKED_APPS
from .models import AuditAction, AuditEvent
from .selectors import audit_trail_users


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{obj.username} ({full_name})" if full_name else obj.username


class AuditFilterForm(forms.Form):
    user = UserChoiceField(label=_("User"), queryset=None, required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    record_type: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Record type"), queryset=None, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = audit_trail_users(user)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", "---------"), *AuditAction.choices]
        cast(forms.ModelChoiceField, self.fields["record_type"]).queryset = ContentType.objects.filter(
            app_label__in=[*TRACKED_APPS, "reports"]
        ).order_by("app_label", "model")
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["user"]:
            events = events.filter(actor=data["user"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["record_type"]:
            events = events.filter(content_type=data["record_type"])
        # Whole local days, as aware datetimes, so that the occurred_at indexes are used.
        if data["date_from"]:
            events = events.filter(occurred_at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            events = events.filter(occurred_at__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
        return events


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
