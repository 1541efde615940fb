"""Forms of client transfers; they only parse, the rules live in cases.transfers."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client

from .models import Case, CaseStatus
from .selectors import transfer_destinations, visible_cases


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.title} ({obj.get_status_display()})"


class TransferForm(forms.Form):
    to_organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Receiving organisation"),
        queryset=None,
        empty_label=_("Choose the organisation"),
        help_text=_("Only organisations that keep client files and have a coordinator to decide."),
    )
    cases: CaseChoiceField = CaseChoiceField(
        label=_("Cases to transfer"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every open case goes with the client; a closed case not chosen stays with your organisation."),
    )
    note = forms.CharField(
        label=_("Note for the receiving coordinator"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the client moves and what the receiver needs to know to decide."),
    )

    def __init__(self, *args, user: User, client: Client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_organisation"]).queryset = transfer_destinations(user)
        cases = visible_cases(user).filter(client=client).order_by("-opened_at", "-id")
        cast(forms.ModelMultipleChoiceField, self.fields["cases"]).queryset = cases
        self.initial.setdefault("cases", [case.pk for case in cases if case.status != CaseStatus.CLOSED])


class TransferRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The sending coordinator reads it."),
        error_messages={"required": _("Say why the transfer is rejected.")},
    )
