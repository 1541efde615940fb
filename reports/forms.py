"""The form that asks for a report; its rules live in reports.parameters."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dates, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput

from .parameters import (
    FIXED_PERIOD_ONLY,
    MAX_PERIOD_YEARS,
    MONTH,
    PERIOD_KINDS,
    QUARTER,
    ReportParameters,
    breakdown_choices,
    fixed_period,
    format_choices,
    parse_parameters,
    previous_month,
)


class ReportRequestForm(forms.Form):
    # A period of the requester's choosing (the organisation's own reports).
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    # A fixed period (national statistics): a calendar month, quarter or year.
    period_kind = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, widget=forms.RadioSelect)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, required=False, empty_value=None)
    breakdown = forms.ChoiceField(label=_("Breakdown"))
    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)

    def __init__(self, *args, report_type: str, **kwargs) -> None:
        today = timezone.localdate()
        start, end = previous_month(today)
        kwargs.setdefault(
            "initial",
            {
                "start": start,
                "end": end,
                "period_kind": MONTH,
                "year": start.year,
                "month": start.month,
                "breakdown": "all",
                "format": "xlsx",
            },
        )
        super().__init__(*args, **kwargs)
        self.report_type = report_type
        self.fixed_period = report_type in FIXED_PERIOD_ONLY
        if self.fixed_period:
            del self.fields["start"], self.fields["end"]
            cast(forms.ChoiceField, self.fields["year"]).choices = [
                (y, str(y)) for y in range(today.year, today.year - MAX_PERIOD_YEARS, -1)
            ]
            cast(forms.ChoiceField, self.fields["month"]).choices = [
                ("", "—"),
                *((n, dates.MONTHS[n].capitalize()) for n in range(1, 13)),
            ]
            cast(forms.ChoiceField, self.fields["quarter"]).choices = [
                ("", "—"),
                *((n, gettext("Quarter %(number)s") % {"number": n}) for n in range(1, 5)),
            ]
        else:
            for name in ("period_kind", "year", "month", "quarter"):
                del self.fields[name]
        cast(forms.ChoiceField, self.fields["breakdown"]).choices = breakdown_choices(report_type)
        cast(forms.ChoiceField, self.fields["format"]).choices = format_choices(report_type)
        self.parameters: ReportParameters | None = None

    def _fixed_period_dates(self, cleaned: dict) -> dict:
        kind = cleaned["period_kind"]
        number = cleaned.get("month") if kind == MONTH else cleaned.get("quarter") if kind == QUARTER else None
        if kind in (MONTH, QUARTER) and number is None:
            message = _("Choose the month.") if kind == MONTH else _("Choose the quarter.")
            self.add_error(kind, ValidationError(message, code="required"))
            return {}
        start, end = fixed_period(kind, cleaned["year"], number)
        return {"start": start, "end": end}

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        raw = dict(cleaned)
        if self.fixed_period:
            period = self._fixed_period_dates(cleaned)
            if not period:
                return cleaned
            raw.update(period)
        try:
            self.parameters = parse_parameters(self.report_type, raw)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        return cleaned
