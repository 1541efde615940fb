from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Locality, User
from clients.selectors import visible_clients
from common.forms import ClientPicker, LocalDateTimeField
from programmes.models import ActivityType, Service
from programmes.selectors import assignment_on, visible_projects, visible_services
from programmes.vocabulary import ActivityCategory

from .models import HEAD_COUNT_CELLS, MAX_HEAD_COUNT, MAX_MINUTES, AgeBand, GroupActivity, Sex

# The fields an author fills in, on the page (participants and the head count aside).
GROUP_ACTIVITY_FIELDS = (
    "occurred_at",
    "minutes",
    "service",
    "project",
    "activity_type",
    "locality",
    "topic",
    "description",
)


def head_count_field_name(sex: str, band: str) -> str:
    return f"anon_{sex}_{band.replace('-', '_').replace('+', '')}"


class ActivityTypeChoiceField(forms.ModelChoiceField):
    """An activity type, with its service's name when the organisation runs more than one."""

    several_services = False

    def label_from_instance(self, obj: ActivityType) -> str:
        return f"{obj.service.name}: {obj.name}" if self.several_services else obj.name


class GroupActivityForm(forms.ModelForm):
    """A group activity with its participants and anonymous head count. The form only parses:
    the rules live in GroupActivity.clean() and groupwork.services, shared with the API."""

    # Named `clients`: the picker's search results are check boxes of that name.
    clients: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("group activity", "Participants"),
        queryset=None,
        required=False,
        widget=ClientPicker,
        help_text=_("Clients who took part: type a name to find a client, then tick it."),
    )

    class Meta:
        model = GroupActivity
        fields = list(GROUP_ACTIVITY_FIELDS)
        # A local time on the nights the clocks change: an occurrence to choose, or a clear refusal.
        field_classes = {"activity_type": ActivityTypeChoiceField, "occurred_at": LocalDateTimeField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        clients = visible_clients(user)
        cast(forms.ModelChoiceField, self.fields["clients"]).queryset = clients
        self.fields["clients"].widget.queryset = clients
        services = visible_services(user).filter(is_active=True)
        if self.instance.pk:
            services = services | visible_services(user).filter(pk=self.instance.service_id)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = services
        projects = visible_projects(user).filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["project"]).queryset = projects
        in_use = Q(is_active=True)
        if self.instance.pk:
            in_use |= Q(pk=self.instance.activity_type_id)  # switched off since, still this record's
        types = (
            ActivityType.objects.filter(service__in=services)
            .filter(in_use)
            .select_related("service")
            .order_by("service__name", "ordering", "name")
        )
        type_field = cast(ActivityTypeChoiceField, self.fields["activity_type"])
        type_field.queryset = types
        type_field.several_services = services.count() > 1
        cast(forms.ModelChoiceField, self.fields["locality"]).queryset = Locality.objects.select_related("municipality")
        # One clear message for every out-of-range number, from GroupActivity.clean().
        self.fields["minutes"].validators = []
        self.fields["minutes"].widget.attrs.update({"min": 1, "max": MAX_MINUTES, "step": 5})
        for sex, band in HEAD_COUNT_CELLS:
            self.fields[head_count_field_name(sex, band)] = forms.IntegerField(
                label=_("%(sex)s, %(band)s years") % {"sex": Sex(sex).label, "band": AgeBand(band).label},
                required=False,
                min_value=0,
                max_value=MAX_HEAD_COUNT,
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": MAX_HEAD_COUNT, "class": "form-control form-control-sm head-count"}
                ),
                error_messages={
                    "min_value": _("Enter from 0 to %(max)s persons.") % {"max": MAX_HEAD_COUNT},
                    "max_value": _("Enter from 0 to %(max)s persons.") % {"max": MAX_HEAD_COUNT},
                },
            )
        if not self.instance.pk and not self.is_bound:
            self._set_defaults()

    def _get_validation_exclusions(self) -> set[str]:
        # GroupActivity.clean() gives the one message for a duration out of range; the model
        # field's own validator would add a contradicting one ("at least 0").
        # (A ModelForm hook that the stubs leave out.)
        return {*super()._get_validation_exclusions(), "minutes"}  # type: ignore[misc]

    def _set_defaults(self) -> None:
        self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        self.initial.setdefault("minutes", 60)
        services = cast(QuerySet[Service], cast(forms.ModelChoiceField, self.fields["service"]).queryset)
        assignment = assignment_on(self.user)
        service = (
            assignment.service
            if assignment is not None and services.filter(pk=assignment.service_id).exists()
            else services.order_by("id").first()
        )
        if service is None:
            return
        self.initial.setdefault("service", service.pk)
        if assignment is not None and assignment.service_id == service.pk and assignment.project_id:
            self.initial.setdefault("project", assignment.project_id)
        group_type = (
            ActivityType.objects.filter(service=service, is_active=True, category=ActivityCategory.GROUP)
            .order_by("ordering")
            .first()
        )
        if group_type is not None:
            self.initial.setdefault("activity_type", group_type.pk)

    def head_count_bands(self) -> list[str]:
        return [str(label) for label in AgeBand.labels]

    def head_count_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The grid of the template: one row per sex, one column per age band."""
        return [
            (str(label), [self[head_count_field_name(sex, band)] for band in AgeBand.values])
            for sex, label in Sex.choices
        ]

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the groupwork services take it."""
        data = {name: self.cleaned_data[name] for name in GROUP_ACTIVITY_FIELDS}
        data["participants"] = list(self.cleaned_data["clients"])
        data["head_count"] = {
            (sex, band): self.cleaned_data.get(head_count_field_name(sex, band)) or 0 for sex, band in HEAD_COUNT_CELLS
        }
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """A refusal of the service, on the field the page shows it by."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = {"participants": "clients", "anonymous_attendance": None}.get(name, name)
            self.add_error(field if field in self.fields else None, errors)


def head_count_initial(group_activity: GroupActivity) -> dict[str, int]:
    """The form's head-count boxes filled from a stored group activity."""
    return {
        head_count_field_name(cell.sex, cell.age_band): cell.count for cell in group_activity.anonymous_attendance.all()
    }
