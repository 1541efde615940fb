"""Serializers. Choice querysets come from the scoping selectors of the requesting user,
so an id of another organisation's record is refused as an invalid choice."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from rest_framework import serializers

from accounts.models import Locality, Region
from cases.models import Case, CrimeType
from cases.selectors import visible_cases
from clients.models import Client, Consent
from clients.selectors import visible_clients
from contacts.models import Authority, Contact, Topic

from .validation import ColumnRangeSerializerMixin


class ModelCleanMixin:
    """Run the model's clean() (the rules the forms use) and report its errors per field."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
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
        fields = ["id", "purpose", "given_on", "withdrawn_on", "is_active"]
        read_only_fields = fields


class ClientSerializer(ColumnRangeSerializerMixin, ModelCleanMixin, serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)

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
            "locality",
            "phone",
            "email",
            "address",
            "note",
            "consents",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ContactSerializer(ColumnRangeSerializerMixin, ModelCleanMixin, serializers.ModelSerializer):
    clients = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Client.objects.none())
    case = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Case.objects.none())
    authority = serializers.PrimaryKeyRelatedField(queryset=Authority.objects.filter(is_active=True))
    topics = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Topic.objects.filter(is_active=True)
    )
    assistant = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "occurred_at",
            "duration_minutes",
            "assistant",
            "authority",
            "form_of_work",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.fields["clients"].child_relation.queryset = visible_clients(user)
            self.fields["case"].queryset = visible_cases(user)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        case = attrs.get("case", getattr(self.instance, "case", None))
        clients = attrs.get("clients")
        if case is not None and clients and case.client not in clients:
            raise serializers.ValidationError(
                {"case": [gettext("The case belongs to a client who is not among this contact's clients.")]}
            )
        return attrs


class CaseSerializer(serializers.ModelSerializer):
    crime_types = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

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


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField()
    who = serializers.CharField()
    shared_with_police = serializers.BooleanField()
