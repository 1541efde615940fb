from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, User
from cases.selectors import visible_cases
from clients.selectors import visible_clients
from common.forms import DateInput, LocalDateTimeField

from .models import MAX_DURATION_MINUTES, Authority, Contact, Topic
from .services import CONTACT_FIELDS
from .widgets import ClientPicker


class ContactForm(forms.ModelForm):
    """Quick entry of a contact; every choice is limited to what the user may see. The form
    only parses: the rules live in Contact.clean() and contacts.services, shared with the API."""

    clients: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Clients"),
        queryset=None,
        required=False,
        widget=ClientPicker,
        help_text=_("Type a name to find a client, then tick it. Leave empty for an anonymous contact."),
    )

    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)
        # A local time on the nights the clocks change: an occurrence to choose, or a clear refusal.
        field_classes = {"occurred_at": LocalDateTimeField}
        widgets = {
            "follow_up_on": DateInput,
            "topics": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        clients = visible_clients(user)
        cast(forms.ModelChoiceField, self.fields["clients"]).queryset = clients
        self.fields["clients"].widget.queryset = clients
        cast(forms.ModelChoiceField, self.fields["authority"]).queryset = Authority.objects.filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["topics"]).queryset = Topic.objects.filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.select_related("municipality")
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = visible_cases(user).select_related("client")
        # One clear message for every out-of-range number, from Contact.clean().
        self.fields["duration_minutes"].validators = []
        self.fields["anonymous_persons"].validators = []
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": MAX_DURATION_MINUTES, "step": 5})
        self.fields["anonymous_persons"].widget.attrs.update({"min": 0, "max": 500})
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("duration_minutes", 30)
