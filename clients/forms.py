from typing import cast

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Locality
from common.forms import DateInput, validate_not_in_future
from common.versioning import VersionedFormMixin
from programmes.models import Service
from programmes.vocabulary import PERSON_TARGET_GROUPS

from .models import EARLIEST_REFUSAL_YEAR, Client, Consent, RefusalReason, RefusedApplicant, Sex
from .participation import PARTICIPANT_QUESTIONS, EndReason
from .services import CLIENT_FIELDS, participant_answers


def district_choices() -> list:
    """The districts grouped by region (one option group per region), in one query."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, name, region in District.objects.order_by("region__name", "name").values_list("pk", "name", "region__name"):
        groups.setdefault(region, []).append((pk, name))
    return [("", _("– not known –")), *groups.items()]


class ClientForm(VersionedFormMixin, forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=capfirst(_("target groups")),
        choices=PERSON_TARGET_GROUPS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("As the MPSV code list names them. No ethnic group is ever recorded for a person."),
    )
    # The ESF+ / OPZ+ monitoring sheet: an empty answer means the question was not asked,
    # "declined to say" is an answer of its own.
    labour_market_status = forms.ChoiceField(label=capfirst(_("labour-market status")), required=False)
    education = forms.ChoiceField(label=capfirst(_("highest education (ISCED)")), required=False)
    housing_exclusion = forms.ChoiceField(label=capfirst(_("housing exclusion")), required=False)
    disadvantage = forms.ChoiceField(label=capfirst(_("disadvantage")), required=False)

    class Meta:
        model = Client
        fields = list(CLIENT_FIELDS)
        widgets = {
            "identity": forms.RadioSelect,
            "sex": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "birth_year": _("Required for a pseudonym; for a named client it may be left out."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.select_related("municipality")
        district = cast(forms.ModelChoiceField, self.fields["district"])
        district.choices = district_choices()
        self.fields["birth_year"].widget.attrs.update({"min": 1900, "max": timezone.localdate().year})
        self.fields["sex"].required = False  # nothing chosen is "not stated"
        for name, answers in PARTICIPANT_QUESTIONS.items():
            cast(forms.ChoiceField, self.fields[name]).choices = [("", _("– not asked –")), *answers.choices]
        if self.instance.pk:
            for name, value in participant_answers(self.instance).items():
                self.initial.setdefault(name, value)

    def clean_sex(self) -> str:
        return self.cleaned_data["sex"] or Sex.UNSTATED

    def participant_sheet_filled(self) -> bool:
        """Whether the monitoring sheet's section opens: it has answers or errors."""
        names = tuple(PARTICIPANT_QUESTIONS)
        if any(self.errors.get(name) for name in names):
            return True
        return any(self[name].value() for name in names)

    def participant_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PARTICIPANT_QUESTIONS]


class NewClientForm(ClientForm):
    """The form of a new client: when the person resembles a client already recorded, the
    page lists them and saves only once the user confirms that this is somebody else."""

    different_person = forms.BooleanField(
        label=_("It is a different person: save the new client file anyway"), required=False
    )

    def client_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("version", "different_person")}


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "given_on", "valid_until", "note"]
        widgets = {"given_on": DateInput, "valid_until": DateInput}

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


class ServiceUseStartForm(forms.Form):
    """The client became a user of one of the services of their organisation."""

    service = forms.ModelChoiceField(label=_("service"), queryset=Service.objects.none())
    started_on = forms.DateField(
        label=_("user of the service since"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_not_in_future],
    )
    note = forms.CharField(label=_("note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, services, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["service"])
        field.queryset = services
        if len(field.queryset) == 1:
            field.initial = field.queryset[0].pk


class ServiceUseEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("stopped using the service on"),
        widget=DateInput,
        initial=timezone.localdate,
        validators=[validate_not_in_future],
    )
    end_reason = forms.ChoiceField(
        label=_("reason for ending"),
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the client stopped using the service.")},
    )
    note = forms.CharField(label=_("note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
