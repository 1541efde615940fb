from typing import cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Locality, User
from cases.models import Case
from cases.selectors import visible_cases
from clients.selectors import visible_clients
from common.forms import DateInput, LocalDateTimeField
from common.versioning import VersionedFormMixin
from programmes.models import ActivityType
from programmes.selectors import assignment_on, visible_projects, visible_services

from .models import MAX_DURATION_MINUTES, Activity, Authority, Contact, Topic
from .services import CONTACT_FIELDS, ActivityInput
from .widgets import ActivityTypeChoices, ActivityTypeSelect, ClientPicker

ADD_ACTIVITY_KEY = "Alt+A"  # the quick entry's shortcut for another activity (static/js/liaison.js)


class CaseChoiceField(forms.ModelChoiceField):
    """Many cases share a title ("Lichva – nevýhodná půjčka"): each choice names the client and
    the day the case was opened too."""

    def label_from_instance(self, obj: Case) -> str:
        opened = date_format(timezone.localtime(obj.opened_at).date(), "SHORT_DATE_FORMAT")
        # A closed case left behind when its client was transferred names the client no more.
        moved = obj.client.organisation_id != obj.organisation_id
        name = _("a client transferred to another organisation") if moved else obj.client.display_name
        return f"{name} – {obj.title} ({opened})"


class ContactForm(VersionedFormMixin, forms.ModelForm):
    """Quick entry of a contact; every choice is limited to what the user may see. The form
    only parses: the rules live in Contact.clean() and contacts.services, shared with the API.

    The service and the project are offered only when the organisation has several in use;
    otherwise the fields are left out and the work belongs where the assistant's assignment says
    (a new record) or stays where it was (an edit)."""

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
        field_classes = {"occurred_at": LocalDateTimeField, "case": CaseChoiceField}
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
        self.fields["authority"].help_text = _("The police or the office dealt with, if any.")
        # One clear message for every out-of-range number, from Contact.clean().
        self.fields["duration_minutes"].validators = []
        self.fields["anonymous_persons"].validators = []
        self.fields["duration_minutes"].widget.attrs.update(
            {"min": 1, "max": MAX_DURATION_MINUTES, "step": 5, "data-duration": ""}
        )
        self.fields["duration_minutes"].help_text = _("The sum of the activities' minutes.")
        self.fields["anonymous_persons"].widget.attrs.update({"min": 0, "max": 500})
        self._offer_service_and_project()
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("duration_minutes", 30)

    def _get_validation_exclusions(self) -> set[str]:
        # Contact.clean() gives the one message for a duration or a head count out of range; the
        # model fields' own validators would add a contradicting one ("at least 0").
        # (A ModelForm hook that the stubs leave out.)
        return {*super()._get_validation_exclusions(), "duration_minutes", "anonymous_persons"}  # type: ignore[misc]

    def _offer_service_and_project(self) -> None:
        own = Q(pk=self.instance.service_id) if self.instance.pk else Q(pk__in=[])
        services = visible_services(self.user).filter(
            Q(organisation_id=self.user.organisation_id, is_active=True) | own
        )
        own_project = Q(pk=self.instance.project_id) if self.instance.pk and self.instance.project_id else Q(pk__in=[])
        projects = visible_projects(self.user).filter(
            Q(organisation_id=self.user.organisation_id, is_active=True) | own_project
        )
        service_ids = list(services.values_list("pk", flat=True))
        project_ids = list(projects.values_list("pk", flat=True))
        if len(service_ids) > 1:
            service_field = cast(forms.ModelChoiceField, self.fields["service"])
            service_field.queryset = services
            service_field.empty_label = None
            service_field.widget.attrs["data-service-select"] = ""
            if not self.instance.pk:
                assignment = assignment_on(self.user)
                if assignment is not None and assignment.service_id in service_ids:
                    self.initial.setdefault("service", assignment.service_id)
                    if assignment.project_id in project_ids:
                        self.initial.setdefault("project", assignment.project_id)
        else:
            del self.fields["service"]
        if len(project_ids) > 1:
            project_field = cast(forms.ModelChoiceField, self.fields["project"])
            project_field.queryset = projects
            project_field.empty_label = _("No project")
            project_field.help_text = _("The funded project the work belongs to, if any.")
            if not self.instance.pk and "service" not in self.fields:
                assignment = assignment_on(self.user)
                if assignment is not None and assignment.project_id in project_ids:
                    self.initial.setdefault("project", assignment.project_id)
        else:
            del self.fields["project"]

    def activity_types(self) -> QuerySet[ActivityType]:
        """The activity types the rows offer: those in use in the organisation's services in use,
        and those the record already has."""
        kept = Q(pk__in=self.instance.activities.values("activity_type_id")) if self.instance.pk else Q(pk__in=[])
        return (
            ActivityType.objects.filter(
                Q(service__organisation_id=self.user.organisation_id, service__is_active=True, is_active=True) | kept
            )
            .select_related("service")
            .order_by("service__name", "service_id", "ordering", "name")
        )


class ActivityForm(forms.Form):
    """One activity (výkon) of the record: its type, its minutes, direct work or on the client's behalf."""

    activity_type = forms.ModelChoiceField(
        label=_("Activity type"), queryset=ActivityType.objects.none(), widget=ActivityTypeSelect
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        error_messages={
            "min_value": _("Each activity takes at least one minute."),
            "max_value": _("An activity cannot last longer than 24 hours."),
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_DURATION_MINUTES, "step": 5, "data-minutes": ""}),
    )
    work = forms.ChoiceField(label=_("Kind of work"), choices=Activity.Work.choices, initial=Activity.Work.DIRECT)

    def __init__(self, *args, activity_types: QuerySet[ActivityType], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["activity_type"])
        field.iterator = ActivityTypeChoices
        field.queryset = activity_types  # (gives the widget its choices, named by the iterator)
        field.widget.attrs["data-activity-type"] = ""


ActivityFormSet = forms.formset_factory(ActivityForm, extra=0, min_num=1, max_num=20, validate_max=True)

ACTIVITY_PREFIX = "activities"


def activity_formset(data, *, contact_form: ContactForm) -> forms.BaseFormSet:
    """The rows of activities: one empty row for a new record, the record's own for an edit."""
    contact = contact_form.instance
    initial = None
    if contact.pk:
        initial = [
            {"activity_type": a.activity_type_id, "minutes": a.minutes, "work": a.work}
            for a in contact.activities.all()
        ]
    else:
        initial = [{"minutes": contact_form.initial.get("duration_minutes"), "work": Activity.Work.DIRECT}]
    return ActivityFormSet(
        data,
        prefix=ACTIVITY_PREFIX,
        initial=initial,
        form_kwargs={"activity_types": contact_form.activity_types()},
    )


def activity_inputs(formset: forms.BaseFormSet) -> list[ActivityInput]:
    """The activities of a valid formset, rows left empty skipped."""
    return [
        ActivityInput(activity_type=row["activity_type"], minutes=row["minutes"], work=row["work"])
        for row in formset.cleaned_data
        if row
    ]
