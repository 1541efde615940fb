from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User


class DigestForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["daily_digest", "language"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("daily_digest") and not self.instance.email:
            self.add_error(
                "daily_digest",
                _("Your account has no e-mail address; ask the administrator to add one first."),
            )
        return cleaned


class NoContactDaysForm(forms.ModelForm):
    """The coordinator's setting of the organisation (administrators set it in the administration)."""

    class Meta:
        model = Organisation
        fields = ["no_contact_days"]
        error_messages = {
            "no_contact_days": {
                "min_value": _("Enter a number of days from 1 to 365."),
                "max_value": _("Enter a number of days from 1 to 365."),
                "invalid": _("Enter a whole number of days."),
                "required": _("Enter a number of days from 1 to 365."),
            }
        }
