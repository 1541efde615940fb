from typing import cast

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality
from common.forms import DateInput, validate_not_in_future

from .models import EARLIEST_REFUSAL_YEAR, Client, Consent, RefusalReason, RefusedApplicant
from .services import CLIENT_FIELDS


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = list(CLIENT_FIELDS)
        widgets = {
            "identity": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.select_related("municipality")


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "given_on", "note"]
        widgets = {"given_on": DateInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate
        self.fields["given_on"].validators.append(validate_not_in_future)


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("withdrawn on"), widget=DateInput, initial=timezone.localdate, validators=[validate_not_in_future]
    )


REFUSED_APPLICANT_FIELDS = ("requested_on", "requested", "reason", "birth_year", "sex", "locality", "note")


class RefusedApplicantForm(forms.ModelForm):
    class Meta:
        model = RefusedApplicant
        fields = list(REFUSED_APPLICANT_FIELDS)
        widgets = {
            "requested_on": DateInput,
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_on"].initial = timezone.localdate
        # One of the act's reasons must be chosen: no empty radio button.
        cast(forms.ChoiceField, self.fields["reason"]).choices = RefusalReason.choices
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.select_related("municipality")
        self.fields["birth_year"].widget.attrs.update({"min": 1900, "max": timezone.localdate().year})


class RefusalFilterForm(forms.Form):
    """The year counted (the annual statement's period) and, for the list only, one reason."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=EARLIEST_REFUSAL_YEAR)
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", _("All"))] + RefusalReason.choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        year_field = cast(forms.IntegerField, self.fields["year"])
        year_field.max_value = timezone.localdate().year
        year_field.initial = timezone.localdate().year
        year_field.validators.append(MaxValueValidator(timezone.localdate().year))
        year_field.widget.attrs.update({"min": EARLIEST_REFUSAL_YEAR, "max": timezone.localdate().year})

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return timezone.localdate().year

    def chosen_reason(self) -> str:
        return self.cleaned_data["reason"] if self.is_valid() else ""
