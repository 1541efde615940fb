from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the client's written request of a given date. Do not write the client's name."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the client's personal data will be removed for good and cannot be restored."),
        required=True,
    )
