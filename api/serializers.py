"""Serializers. Choice querysets come from the scoping selectors of the requesting user,
so an id of another organisation's record is refused as an invalid choice."""

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import District, Locality, Region
from cases.models import Attachment, Case, CrimeType
from cases.selectors import visible_cases
from clients import services as client_services
from clients.models import Client, Consent, ParticipantSheet, ServiceUse
from clients.selectors import visible_clients
from contacts import services as contact_services
from contacts.models import MAX_DURATION_MINUTES, Activity, Authority, Contact, Topic
from programmes.models import ActivityType, Project, Service
from programmes.selectors import visible_projects, visible_services

from .validation import ColumnRangeSerializerMixin

if TYPE_CHECKING:
    # ModelCleanMixin is only ever mixed into a ModelSerializer.
    _ModelSerializer = serializers.ModelSerializer[Any]
else:
    _ModelSerializer = object


def _service_call(write, /, **kwargs):
    """Call a write service; its refusals (ValidationError by field) become a 400 answer."""
    try:
        return write(**kwargs)
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise serializers.ValidationError(error.message_dict) from error
        raise serializers.ValidationError({"non_field_errors": error.messages}) from error


class ModelCleanMixin(_ModelSerializer):
    """Run the model's clean() (the rules the forms use) and report its errors per field."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model: type[Model] = self.Meta.model
        concrete = {f.name for f in model._meta.concrete_fields}
        instance = self.instance or model()
        for name, value in attrs.items():
            if name in concrete:
                setattr(instance, name, value)
        try:
            instance.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        # clean() may normalise values (an anonymous client keeps nothing identifying).
        for name in attrs:
            if name in concrete:
                attrs[name] = getattr(instance, name)
        return attrs


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name", "region"]


class LocalitySerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.name", read_only=True)
    region = serializers.IntegerField(source="municipality.region_id", read_only=True)

    class Meta:
        model = Locality
        fields = ["id", "name", "municipality", "region"]


class AuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Authority
        fields = ["id", "name", "kind", "is_active"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "is_active"]


class CrimeTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CrimeType
        fields = ["id", "section", "name", "is_active"]


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "purpose", "given_on", "valid_until", "withdrawn_on", "is_active"]
        read_only_fields = fields


class ServiceUseSerializer(serializers.ModelSerializer):
    """A period of use of a service; recorded on the client's page, read here."""

    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = ServiceUse
        fields = ["id", "service", "service_name", "started_on", "ended_on", "end_reason"]
        read_only_fields = fields


class ParticipantSheetSerializer(serializers.ModelSerializer):
    """The ESF+ / OPZ+ monitoring sheet: "" is a question not asked, "declined" an answer."""

    class Meta:
        model = ParticipantSheet
        fields = list(client_services.PARTICIPANT_FIELDS)


class ClientSerializer(ColumnRangeSerializerMixin, ModelCleanMixin, serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)
    district = serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(), required=False, allow_null=True, default=None
    )
    participant_sheet = ParticipantSheetSerializer(required=False, allow_null=True)
    service_uses = ServiceUseSerializer(many=True, read_only=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "identity",
            "display_name",
            "first_name",
            "last_name",
            "nickname",
            "birth_year",
            "sex",
            "locality",
            "district",
            "target_groups",
            "phone",
            "email",
            "address",
            "note",
            "consents",
            "service_uses",
            "participant_sheet",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        answers = validated_data.pop("participant_sheet", None) or {}
        return _service_call(client_services.client_create, by=user, **validated_data, **answers)

    def update(self, instance, validated_data):
        values = {name: getattr(instance, name) for name in client_services.CLIENT_FIELDS}
        values.update(client_services.participant_answers(instance))
        if "participant_sheet" in validated_data:  # null or {} empties the sheet
            sheet = validated_data.pop("participant_sheet") or {}
            values.update({name: sheet.get(name, "") for name in client_services.PARTICIPANT_FIELDS})
        values.update(validated_data)  # a partial update keeps the stored values of the rest
        return _service_call(client_services.client_update, client=instance, **values)


class _OwnActivityTypeField(serializers.PrimaryKeyRelatedField):
    """An activity type of one of the requesting user's organisation's services (the contact
    service checks that it is of the contact's own service and in use)."""

    def get_queryset(self):
        user = self.context["request"].user
        return ActivityType.objects.filter(service__in=visible_services(user)).select_related("service")


class ActivitySerializer(ColumnRangeSerializerMixin, serializers.ModelSerializer):
    """One activity (výkon) of a contact: its type, its minutes, direct work or on the client's behalf."""

    activity_type = _OwnActivityTypeField()
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True)
    category = serializers.CharField(source="activity_type.category", read_only=True)

    class Meta:
        model = Activity
        fields = ["activity_type", "activity_type_name", "category", "minutes", "work"]
        extra_kwargs = {
            "minutes": {
                "min_value": 1,
                "max_value": MAX_DURATION_MINUTES,
                "error_messages": {
                    "min_value": _("Each activity takes at least one minute."),
                    "max_value": _("An activity cannot last longer than 24 hours."),
                },
            }
        }


class ContactSerializer(ColumnRangeSerializerMixin, ModelCleanMixin, serializers.ModelSerializer):
    clients = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Client.objects.none())
    case = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Case.objects.none())
    authority = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=Authority.objects.filter(is_active=True)
    )
    topics = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Topic.objects.filter(is_active=True)
    )
    assistant: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    # Without them a new contact belongs where the assistant's assignment puts the work.
    service = serializers.PrimaryKeyRelatedField(required=False, queryset=Service.objects.none())
    project = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Project.objects.none())
    # At least one; their minutes add up to the duration. An update without them keeps the contact's.
    activities = ActivitySerializer(many=True, required=False)

    class Meta:
        model = Contact
        fields = [
            "id",
            "occurred_at",
            "duration_minutes",
            "assistant",
            "service",
            "project",
            "activities",
            "authority",
            "clients",
            "anonymous_persons",
            "locality",
            "topics",
            "outcome",
            "follow_up_on",
            "note",
            "case",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The same one message as Contact.clean() for a duration below one minute (the column's
        # own range would otherwise say "at least 0").
        extra_kwargs = {
            "duration_minutes": {"error_messages": {"min_value": _("The duration must be at least one minute.")}}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # (The stubs type RelatedField.queryset so that assigning a QuerySet is refused.)
            clients = cast(serializers.ManyRelatedField, self.fields["clients"]).child_relation
            clients.queryset = visible_clients(user)  # type: ignore[arg-type]
            cast(serializers.RelatedField, self.fields["case"]).queryset = visible_cases(user)  # type: ignore[arg-type]
            cast(serializers.RelatedField, self.fields["service"]).queryset = visible_services(user)  # type: ignore[arg-type]
            cast(serializers.RelatedField, self.fields["project"]).queryset = visible_projects(user)  # type: ignore[arg-type]

    def _values(self, validated_data: dict) -> dict:
        """Every writable field, from the request or (a partial update) from the stored record;
        the activities as the services take them."""
        values = dict(validated_data)
        if "activities" in values:
            values["activities"] = [contact_services.ActivityInput(**row) for row in values["activities"]]
        if self.instance is None:
            return values
        contact = self.instance
        current = {
            name: getattr(contact, name)
            for name in contact_services.CONTACT_FIELDS
            if name not in ("clients", "topics")
        }
        current["clients"] = list(contact.clients.all())
        current["topics"] = list(contact.topics.all())
        current["activities"] = [
            contact_services.ActivityInput(activity_type=a.activity_type, minutes=a.minutes, work=a.work)
            for a in contact.activities.all()
        ]
        return {**current, **values}

    def create(self, validated_data):
        # The same service as the quick-entry page: one set of rules for both routes.
        user = self.context["request"].user
        values = self._values(validated_data)
        values.setdefault("activities", [])  # refused by the service with its own message
        return _service_call(contact_services.contact_create, by=user, **values)

    def update(self, instance, validated_data):
        user = self.context["request"].user
        values = self._values(validated_data)
        return _service_call(contact_services.contact_update, by=user, contact=instance, **values)


class CaseSerializer(serializers.ModelSerializer):
    crime_types: serializers.PrimaryKeyRelatedField[CrimeType] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "client",
            "assistant",
            "crime_types",
            "incident_date",
            "region",
            "locality",
            "police_reference",
            "police_unit",
            "particularly_vulnerable",
            "risk_level",
            "shared_with_police",
            "status",
            "outcome",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields


class PoliceVictimSerializer(serializers.Serializer):
    name = serializers.CharField(source="display_name", read_only=True)
    birth_year = serializers.SerializerMethodField()

    def get_birth_year(self, client: Client) -> int | None:
        # As on the page: a named client's year of birth; a pseudonym carries it in its name.
        return client.birth_year if client.identity == Client.Identity.NAMED else None


class SharedAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "size"]
        read_only_fields = fields


# The police case page (cases/police_views.py, templates/cases/police_case_detail.html) is the
# reference: tests/test_api_police.py compares the two field by field, so a fact added to the
# page must be added here, and nothing else may be.
class PoliceCaseSerializer(serializers.ModelSerializer):
    """A shared case as the police liaison officer's page shows it, nothing more: the victim by
    name or pseudonym only, no client or assistant id (an id would link the cases of one
    person), no outcome, no internal dates."""

    victim = PoliceVictimSerializer(source="client", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    crime_types: serializers.StringRelatedField[CrimeType] = serializers.StringRelatedField(many=True, read_only=True)
    region = serializers.CharField(source="region.name", read_only=True)
    locality = serializers.SerializerMethodField()
    # Filled by CaseViewSet's queryset (a prefetch of the shared attachments only).
    shared_attachments = SharedAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "status",
            "victim",
            "organisation",
            "crime_types",
            "incident_date",
            "reported_on",
            "region",
            "locality",
            "police_reference",
            "police_unit",
            "particularly_vulnerable",
            "risk_level",
            "police_reviewed_at",
            "shared_attachments",
        ]
        read_only_fields = fields

    def get_locality(self, case: Case) -> str | None:
        return str(case.locality) if case.locality_id else None


# Likewise the police's list page (templates/cases/police_case_list.html) for a row of the list.
class PoliceCaseRowSerializer(serializers.ModelSerializer):
    """A row of the police's list of shared cases, as their list page shows it: no victim."""

    crime_types: serializers.SlugRelatedField[CrimeType] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    locality = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "title", "status", "crime_types", "locality", "organisation", "police_reviewed_at"]
        read_only_fields = fields

    def get_locality(self, case: Case) -> str | None:
        return str(case.locality) if case.locality_id else None


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    # The metaclass takes declared fields off the class, so this does not replace Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    text = serializers.CharField()
    who = serializers.CharField()
    shared_with_police = serializers.BooleanField()
