from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Locality, Region, User
from common.forms import DateInput, LocalDateTimeField, validate_not_in_future
from common.versioning import VersionedFormMixin

from . import attachments
from .models import (
    Case,
    CaseNote,
    CaseStatus,
    CrimeType,
    Hearing,
    PoliceFeedback,
    Referral,
    ReferralState,
    Task,
    VictimRight,
)
from .selectors import case_assignable_users, case_is_visible_to_police
from .services import CASE_FIELDS


class CaseForm(VersionedFormMixin, forms.ModelForm):
    """Descriptive fields of a case. The status is changed only through the workflow form. The
    form only parses: the rules live in Case.clean() and cases.services (consent to sharing)."""

    class Meta:
        model = Case
        fields = list(CASE_FIELDS)
        widgets = {
            "crime_types": forms.CheckboxSelectMultiple,
            "incident_date": DateInput,
            "reported_on": DateInput,
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assistant"]).queryset = case_assignable_users(user)
        self.fields["assistant"].initial = user.pk
        # Unknown or retired crime types are refused by the field itself (not among the choices).
        active = CrimeType.objects.filter(is_active=True)
        if self.instance.pk:
            active = CrimeType.objects.filter(pk__in=active) | self.instance.crime_types.all()
        cast(forms.ModelChoiceField, self.fields["crime_types"]).queryset = active.distinct().order_by("name")
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.select_related("municipality")
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = Region.objects.all()
        self.fields["incident_date"].validators.append(validate_not_in_future)
        self.fields["reported_on"].validators.append(validate_not_in_future)


class TransitionForm(forms.Form):
    """A status change. The field accepts any status, so that a move the workflow refuses gets the
    workflow's own message from the service; the select offers only the moves allowed from the
    current status (`allowed`)."""

    to_status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=500, required=False, help_text=_("Required when closing the case.")
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, allowed: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].widget.choices = [(s, _offered_label(s)) for s in allowed]


def _offered_label(status: str) -> StrOrPromise:
    if status == CaseStatus.CLOSING_PROPOSED:
        return _("Propose closing (the coordinator approves it)")
    return CaseStatus(status).label


class ClosingDecisionForm(forms.Form):
    """The coordinator's answer to a proposed closing."""

    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve closing")), (RETURN, _("Return to the assistant"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Required when returning: say what is missing."),
    )


class RightsForm(forms.Form):
    rights = forms.MultipleChoiceField(
        label=_("Rights the client was told about"), choices=VictimRight.choices, widget=forms.CheckboxSelectMultiple
    )
    informed_on = forms.DateField(
        label=_("Told on"), widget=DateInput, initial=timezone.localdate, validators=[validate_not_in_future]
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        done = set(case.rights_information.values_list("right", flat=True))
        cast(forms.ChoiceField, self.fields["rights"]).choices = [
            (value, label)
            for value, label in VictimRight.choices
            if value not in done and (case.particularly_vulnerable or value not in VictimRight.vulnerable_only())
        ]


def _offer_sharing_only_when_allowed(field: forms.Field, case: Case) -> None:
    """A note or an attachment can be shared only on a case the police may see; otherwise the box
    is disabled, so whatever is posted it stays internal (the service checks again)."""
    if case_is_visible_to_police(case):
        field.help_text = _("The police liaison officer of the region will see it.")
    else:
        field.disabled = True
        field.help_text = _("The case is not shared with the police (or the client has no active consent to it).")


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["text", "shared_with_police"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_sharing_only_when_allowed(self.fields["shared_with_police"], case)


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "due_on", "assignee"]
        widgets = {"due_on": DateInput}

    def __init__(self, *args, user: User, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = case_assignable_users(user)
        self.fields["assignee"].initial = case.assistant_id

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on


class HearingForm(forms.ModelForm):
    """A hearing or an appointment; the rules of a plausible time and place are in cases.hearings."""

    class Meta:
        model = Hearing
        fields = ["kind", "starts_at", "place", "accompanied", "note"]
        # A local time on the nights the clocks change: an occurrence to choose, or a clear refusal.
        field_classes = {"starts_at": LocalDateTimeField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"note": _("Internal: the police never see it.")}


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["service", "provider", "proposed_on"]
        widgets = {"proposed_on": DateInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_on"].initial = timezone.localdate
        self.fields["proposed_on"].validators.append(validate_not_in_future)


class ReferralStateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("New state"), choices=[c for c in ReferralState.choices if c[0] != ReferralState.PROPOSED]
    )
    on = forms.DateField(
        label=_("On"), widget=DateInput, initial=timezone.localdate, validators=[validate_not_in_future]
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPEG, DOCX, XLSX or ODT."))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    shared_with_police = forms.BooleanField(label=_("Shared with the police"), required=False)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_sharing_only_when_allowed(self.fields["shared_with_police"], case)

    def clean_file(self):
        return attachments.check_upload(self.cleaned_data["file"])


class PoliceFeedbackForm(forms.ModelForm):
    class Meta:
        model = PoliceFeedback
        fields = ["text", "marks_reviewed"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"marks_reviewed": _("Mark the case as reviewed")}
