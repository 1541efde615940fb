"""The form that asks for a report; its rules live in reports.parameters."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.forms import DateInput

from .parameters import breakdown_choices, format_choices, parse_parameters, previous_month


class ReportRequestForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    breakdown = forms.ChoiceField(label=_("Breakdown"))
    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)

    def __init__(self, *args, report_type: str, **kwargs) -> None:
        start, end = previous_month(timezone.localdate())
        kwargs.setdefault("initial", {"start": start, "end": end, "breakdown": "all", "format": "xlsx"})
        super().__init__(*args, **kwargs)
        self.report_type = report_type
        self.fields["breakdown"].choices = breakdown_choices(report_type)
        self.fields["format"].choices = format_choices(report_type)
        self.parameters = None

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.parameters = parse_parameters(self.report_type, cleaned)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        return cleaned
