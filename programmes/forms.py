"""Forms of the programme set-up and of staff time. They only parse; the rules live in the
models and in programmes.services / programmes.staff_time."""

import datetime
import re
from typing import cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AssistantProfile, Locality, Municipality, Organisation, Region, User
from accounts.roles import Role
from common.forms import DateInput

from .models import ActivityType, Assignment, Funder, Project, ReportingDeadline, Service, StaffTime
from .selectors import funders_to_choose
from .staff_time import format_hours, parse_hours, staff_members
from .vocabulary import REPORT_NAME_SUGGESTIONS, TargetGroup


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class ServiceForm(forms.ModelForm):
    # A service's target groups may name an ethnic minority (the MPSV list does); a person's never.
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    # Spaces are allowed while typing (123 45 67); the model then checks the seven digits.
    registration_id = forms.CharField(
        label=_("Registration identifier"),
        help_text=Service._meta.get_field("registration_id").help_text,
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Service
        fields = ["name", "kind", "registration_id", "target_groups", "localities", "capacity", "is_active"]
        widgets = {
            "localities": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        # Localities where the organisation's assistants work (and any the service already names).
        places = Q(municipality__assistant_profiles__employer=organisation)
        if self.instance.pk:
            places |= Q(services=self.instance)
        localities = Locality.objects.filter(places).select_related("municipality").distinct()
        if not localities.exists():
            localities = Locality.objects.select_related("municipality")
        cast(forms.ModelMultipleChoiceField, self.fields["localities"]).queryset = localities.order_by(
            "municipality__name", "name"
        )

    def clean_registration_id(self) -> str:
        return "".join(str(self.cleaned_data.get("registration_id") or "").split())

    def validate_unique(self) -> None:
        """Names are checked by programmes.services with a message of its own."""


class ActivityTypeForm(forms.ModelForm):
    class Meta:
        model = ActivityType
        fields = ["name", "category", "without_client", "ordering", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["ordering"]  # a new type comes last

    def validate_unique(self) -> None:
        """Names are checked by programmes.services with a message of its own."""


class FunderForm(forms.ModelForm):
    class Meta:
        model = Funder
        fields = ["kind", "name", "municipality", "region"]
        help_texts = {
            "municipality": _("For a city or municipality as funder."),
            "region": _("For a region as funder."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "municipality").queryset = Municipality.objects.select_related("region").order_by("name")
        _choices(self, "region").queryset = Region.objects.order_by("name")

    def validate_unique(self) -> None:
        """Names are checked by programmes.services with a message of its own."""


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "registration_number",
            "funder",
            "services",
            "starts_on",
            "ends_on",
            "budgeted_hours",
            "is_active",
        ]
        widgets = {"services": forms.CheckboxSelectMultiple, "starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        funders = funders_to_choose()
        if self.instance.pk:
            funders = funders | Funder.objects.filter(pk=self.instance.funder_id)
        _choices(self, "funder").queryset = funders.distinct().order_by("kind", "name")
        services = cast(forms.ModelMultipleChoiceField, self.fields["services"])
        services.queryset = Service.objects.filter(organisation=organisation).order_by("name")

    def validate_unique(self) -> None:
        """Names are checked by programmes.services with a message of its own."""


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["profile", "service", "project", "valid_from", "valid_until"]
        widgets = {"valid_from": DateInput, "valid_until": DateInput}
        help_texts = {
            "project": _("Leave empty when no project pays for this work."),
            "valid_until": _("Leave empty while the assignment lasts."),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        profiles = AssistantProfile.objects.filter(employer=organisation).select_related("user")
        _choices(self, "profile").queryset = profiles.order_by("user__last_name", "user__first_name")
        _choices(self, "service").queryset = Service.objects.filter(organisation=organisation).order_by("name")
        _choices(self, "project").queryset = Project.objects.filter(organisation=organisation).select_related("funder")
        if self.instance.pk:
            del self.fields["profile"]  # the assistant of an assignment stays; make a new one instead
        elif not self.is_bound:
            self.initial.setdefault("valid_from", timezone.localdate().replace(day=1))

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end cannot be before the start."))
        return data


class HoursField(forms.CharField):
    """Hours as `7:30` or `7,5`, cleaned to minutes."""

    default_error_messages = {"hours": _("Enter the hours as 7:30 or as 7,5.")}

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_hours(text)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["hours"], code="hours") from error


class StaffTimeForm(forms.Form):
    assistant = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    period = forms.ChoiceField(label=_("Period"), choices=StaffTime.Period.choices, initial=StaffTime.Period.DAY)
    starts_on = forms.DateField(label=_("Date"), widget=DateInput, help_text=_("For a week, its Monday."))
    minutes = HoursField(label=_("Hours"), help_text=_("E.g. 8, 7,5 or 7:30."))

    def __init__(self, *args, user: User, entry: StaffTime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = staff_members(user.organisation_id)
        _choices(self, "assistant").queryset = people
        services = Service.objects.filter(organisation=user.organisation)
        if entry is None:
            services = services.filter(is_active=True)
        _choices(self, "service").queryset = services.order_by("name")
        if not _can_choose_assistant(user):
            self.fields["assistant"].widget = forms.HiddenInput()
            self.fields["assistant"].disabled = True
            self.initial["assistant"] = user.pk
        if entry is not None and not self.is_bound:
            self.initial.update(
                assistant=entry.assistant_id,
                service=entry.service_id,
                period=entry.period,
                starts_on=entry.starts_on,
                minutes=format_hours(entry.minutes),
            )


def _can_choose_assistant(user: User) -> bool:
    return Role(user.role).can_manage_programme()


class StaffTimeImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        required=False,
        help_text=_("Columns: uživatel, datum, hodiny and optionally služba; the first row names them."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    # After a check without errors: the checked rows, sent back to be imported.
    checked = forms.CharField(required=False, widget=forms.HiddenInput)


class PeriodForm(forms.Form):
    """A month (`2026-11`) or a period from – to; the current month when nothing is chosen."""

    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "month", "class": "form-control form-control-sm", "placeholder": "2026-11"}
        ),
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=DateInput(attrs={"class": "form-control form-control-sm"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=DateInput(attrs={"class": "form-control form-control-sm"})
    )

    def __init__(self, data=None, **kwargs) -> None:
        """Unbound (nothing chosen yet), the form shows the current month."""
        super().__init__(data or None, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("month", f"{timezone.localdate():%Y-%m}")

    def period(self) -> tuple[datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            return start, end
        return month_bounds(data.get("month") or "")

    def clean_month(self) -> str:
        month = self.cleaned_data.get("month") or ""
        if month and first_of_month(month) is None:
            raise forms.ValidationError(_("Choose a month, e.g. 2026-11."))
        return month

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end cannot be before the start."))
            elif (end - start).days > 366:
                self.add_error("end", _("Choose a period of at most a year."))
        elif start or end:
            self.add_error("end" if start else "start", _("Fill in both the start and the end, or choose a month."))
        return data


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of `2026-11`; of the current month when empty or not a month."""
    first = first_of_month(month)
    if first is None:
        first = timezone.localdate().replace(day=1)
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def first_of_month(month: str) -> datetime.date | None:
    """`2026-11` → 1 November 2026; None for anything else or a year before 2000."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", month.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100 or not 1 <= int(match.group(2)) <= 12:
        return None
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class DeadlineForm(forms.ModelForm):
    """A reporting deadline of a project or of a service; the name is free text with suggestions."""

    class Meta:
        model = ReportingDeadline
        fields = ["name", "project", "service", "due_on", "repeat", "period_start", "period_end"]
        widgets = {
            "name": forms.TextInput(attrs={"list": "report-name-suggestions", "autocomplete": "off"}),
            "due_on": DateInput,
            "period_start": DateInput,
            "period_end": DateInput,
        }
        help_texts = {
            "project": _("Choose the project, or leave it empty and choose the service."),
            "service": _("For a report of the service itself, e.g. the MPSV annual statement."),
            "repeat": _("When a repeating report is marked submitted, its next deadline is added."),
            "period_end": _("The report is due on or after the end of the period it covers."),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        _choices(self, "project").queryset = (
            Project.objects.filter(organisation=organisation).select_related("funder").order_by("-is_active", "name")
        )
        _choices(self, "service").queryset = Service.objects.filter(organisation=organisation).order_by(
            "-is_active", "name"
        )
        self.suggestions = [str(name) for name in REPORT_NAME_SUGGESTIONS]
