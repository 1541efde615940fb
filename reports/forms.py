"""The form that asks for a report; its rules live in reports.parameters."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dates, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.forms import DateInput

from .funder_reports import report_module, subject_choices
from .parameters import (
    CALENDAR_YEAR_ONLY,
    FIXED_PERIOD_ONLY,
    MAX_PERIOD_YEARS,
    MONTH,
    PERIOD_KINDS,
    QUARTER,
    SUBJECT_REQUIRED,
    YEAR,
    ReportParameters,
    breakdown_choices,
    fixed_period,
    format_choices,
    parse_parameters,
    previous_month,
)


class ReportRequestForm(forms.Form):
    # The service, project or funder a funder's report is about (reports.funder_reports).
    subject = forms.TypedChoiceField(label=_("Subject"), coerce=int)
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

    def __init__(self, *args, report_type: str, user: User | None = None, **kwargs) -> None:
        today = timezone.localdate()
        # A funder's report may propose its own period (ESF+ monitoring: the last half-year).
        initial_period = getattr(report_module(report_type), "initial_period", None)
        start, end = initial_period(today) if initial_period else previous_month(today)
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
        self.year_only = report_type in CALENDAR_YEAR_ONLY
        self.fixed_period = report_type in FIXED_PERIOD_ONLY or self.year_only
        self.has_no_subject = False
        if report_type in SUBJECT_REQUIRED and user is not None:
            choices = subject_choices(user, report_type)
            module = report_module(report_type)
            field = cast(forms.TypedChoiceField, self.fields["subject"])
            field.label = getattr(module, "SUBJECT_LABEL", field.label)
            field.choices = [("", "—"), *choices]
            if len(choices) == 1:
                self.initial.setdefault("subject", choices[0][0])
            self.has_no_subject = not choices
        else:
            del self.fields["subject"]
        if self.year_only:
            # A statement is made after its year has ended: last year first.
            self.initial["year"] = today.year - 1
            for name in ("period_kind", "month", "quarter"):
                del self.fields[name]
        if self.fixed_period:
            del self.fields["start"], self.fields["end"]
            cast(forms.ChoiceField, self.fields["year"]).choices = [
                (y, str(y)) for y in range(today.year, today.year - MAX_PERIOD_YEARS, -1)
            ]
            if not self.year_only:
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
        if self.year_only:
            start, end = fixed_period(YEAR, cleaned["year"])
            return {"start": start, "end": end}
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
        if self.has_no_subject:
            self.add_error(
                None, ValidationError(_("There is nothing this report could be about yet."), code="no_subject")
            )
            return cleaned
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
