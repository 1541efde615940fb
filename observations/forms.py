from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality
from common.forms import DateInput

from .models import Observation, PoliceReply
from .services import OBSERVATION_FIELDS


class ObservationForm(forms.ModelForm):
    """An observation about a place. The form only parses; the rules live in the model and
    observations.services."""

    class Meta:
        model = Observation
        fields = list(OBSERVATION_FIELDS)
        widgets = {
            "observed_on": DateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.select_related("municipality")
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("observed_on", timezone.localdate())


class PoliceReplyForm(forms.ModelForm):
    class Meta:
        model = PoliceReply
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Your reply")}
