from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality
from liaison.forms import DateInput, validate_not_in_future

from .models import Client, Consent


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "identity",
            "first_name",
            "last_name",
            "nickname",
            "birth_year",
            "locality",
            "phone",
            "email",
            "address",
            "note",
        ]
        widgets = {
            "identity": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = Locality.objects.select_related("municipality")

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None and not (1900 <= year <= timezone.localdate().year):
            raise ValidationError(_("Enter a year between 1900 and this year."), code="birth_year_range")
        return year

    def clean(self) -> dict:
        data = super().clean()
        identity = data.get("identity")
        if identity == Client.Identity.NAMED:
            if not data.get("first_name"):
                self.add_error("first_name", _("A named client needs a first name."))
            if not data.get("last_name"):
                self.add_error("last_name", _("A named client needs a last name."))
        elif identity == Client.Identity.PSEUDONYM:
            if not data.get("nickname"):
                self.add_error("nickname", _("A pseudonymous client needs a nickname."))
            if not data.get("birth_year"):
                self.add_error("birth_year", _("A pseudonymous client needs a year of birth."))
        elif identity == Client.Identity.ANONYMOUS:
            # Nothing identifying is kept about an anonymous client, whatever was typed.
            for field in ("first_name", "last_name", "nickname", "phone", "email", "address"):
                data[field] = ""
            data["birth_year"] = None
        return data


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
