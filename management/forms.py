"""Forms of the management area. They only parse; the rules live in management/services.py."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region, User
from accounts.roles import Role
from cases.models import CrimeType
from common.forms import DateInput
from contacts.models import Authority, Topic
from programmes.models import Project, Service

from .selectors import localities, managed_organisations, municipalities

EMPTY = "---------"


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class OfOrganisationChoiceField(forms.ModelChoiceField):
    """A service or project named with its organisation (an administrator chooses among all)."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.organisation} – {obj}"


class UserForm(forms.Form):
    """One form for a new user: account, role, organisation, assistant profile and funding."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; the user signs in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The invitation with the link to set a password goes here.")
    )
    # No default: the role is always chosen.
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    municipality = forms.ModelChoiceField(
        label=_("Municipality where the assistant works"),
        queryset=municipalities(),
        required=False,
        help_text=_("Needed for an assistant; a coordinator who also works in the field may have it."),
    )
    localities = forms.ModelMultipleChoiceField(
        label=_("Localities served"),
        queryset=localities(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    employed_from = forms.DateField(label=_("Employed from"), required=False, widget=DateInput)
    employed_until = forms.DateField(label=_("Employed until"), required=False, widget=DateInput)
    service = OfOrganisationChoiceField(
        label=_("Service the work belongs to"), queryset=Service.objects.none(), required=False
    )
    project = OfOrganisationChoiceField(
        label=_("Project that pays for the work"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("Leave empty when no project pays for this work."),
    )
    funded_from = forms.DateField(
        label=_("Funded from"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: from the start of employment."),
    )

    def __init__(self, *args, actor: User, user: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.user = actor, user
        roles = Role(actor.role).grantable_roles()
        if user is not None and user.role not in roles:
            roles.append(Role(user.role))  # shown as it is; changing it is refused by the service
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", EMPTY)] + [
            (role.value, role.label) for role in roles
        ]
        organisations = managed_organisations(actor)
        _model_choice(self, "organisation").queryset = organisations
        services = Service.objects.filter(organisation__in=organisations, is_active=True).select_related("organisation")
        projects = Project.objects.filter(organisation__in=organisations, is_active=True).select_related("organisation")
        _model_choice(self, "service").queryset = services.order_by("organisation__name", "name")
        _model_choice(self, "project").queryset = projects.order_by("organisation__name", "name")
        if Role(actor.role) != Role.ADMIN:
            # A coordinator's users belong to the coordinator's organisation.
            self.fields["organisation"].disabled = True
            self.fields["organisation"].initial = actor.organisation_id
        if user is not None:
            del self.fields["username"]
            for name in ("service", "project", "funded_from"):
                del self.fields[name]  # funding of an existing user: the programme's assignments
            profile = getattr(user, "assistant_profile", None)
            self.initial.update(
                {
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "email": user.email,
                    "role": user.role,
                    "organisation": user.organisation_id,
                }
            )
            if profile is not None:
                self.initial.update(
                    {
                        "municipality": profile.municipality_id,
                        "localities": list(profile.localities.values_list("pk", flat=True)),
                        "employed_from": profile.employed_from,
                        "employed_until": profile.employed_until,
                    }
                )
        elif not self.is_bound:
            self.initial.setdefault("employed_from", timezone.localdate())

    def clean(self):
        data = super().clean() or {}
        if data.get("role") == Role.ASSISTANT:
            if not data.get("municipality"):
                self.add_error("municipality", _("An assistant needs the municipality where they work."))
            if not data.get("employed_from"):
                self.add_error("employed_from", _("An assistant needs the start of employment."))
        if data.get("municipality") and not data.get("employed_from"):
            self.add_error("employed_from", _("Enter the start of employment."))
        start, end = data.get("employed_from"), data.get("employed_until")
        if start and end and end < start:
            self.add_error("employed_until", _("The end of employment cannot be before its start."))
        return data


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "no_contact_days", "founded_on"]
        widgets = {"founded_on": DateInput}
        help_texts = {"region": _("For a police regional directorate: the region whose shared cases it reviews.")}

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "region").queryset = Region.objects.order_by("name")
        if Role(actor.role) != Role.ADMIN:
            # The name, kind and region are the administrator's; a coordinator sets the working rules.
            for name in ("name", "kind", "region"):
                del self.fields[name]
        else:
            cast(forms.ChoiceField, self.fields["kind"]).choices = [("", EMPTY), *Organisation.Kind.choices]

    def validate_unique(self) -> None:
        """Names are checked by management.services with a message of its own."""


class ReferenceItemForm(forms.ModelForm):
    def validate_unique(self) -> None:
        """Checked by management.services with a message of its own."""


class AuthorityForm(ReferenceItemForm):
    class Meta:
        model = Authority
        fields = ["name", "kind", "is_active"]


class TopicForm(ReferenceItemForm):
    class Meta:
        model = Topic
        fields = ["name", "is_active"]


class CrimeTypeForm(ReferenceItemForm):
    class Meta:
        model = CrimeType
        fields = ["section", "name", "is_active"]


REFERENCE_FORMS: dict[str, type[ReferenceItemForm]] = {
    "authorities": AuthorityForm,
    "topics": TopicForm,
    "crime_types": CrimeTypeForm,
}


class MunicipalityForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"))
    name = forms.CharField(label=_("Name of the municipality"), max_length=100)


class LocalityForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=municipalities(),
    )
    name = forms.CharField(
        label=_("Name of the locality"),
        max_length=150,
        help_text=_("As the assistants and the municipality call it, e.g. a street or a housing estate."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["municipality"])
        field.label_from_instance = lambda obj: f"{obj.name} ({obj.region.name})"  # type: ignore[method-assign]
