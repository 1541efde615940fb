from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality
from common.forms import DateInput, validate_not_in_future

from .models import Client, Consent
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
