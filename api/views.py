"""API views. Every queryset comes from the same scoping selectors as the pages."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import SearchFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Locality, Region
from accounts.roles import Role
from audit.services import record_view
from cases.models import Case, CrimeType
from cases.selectors import visible_cases
from cases.timeline import case_timeline, police_timeline
from clients import services as client_services
from clients.models import Client
from clients.selectors import visible_clients
from contacts.filters import ContactFilter
from contacts.models import Authority, Contact, Topic
from contacts.selectors import contacts_for_list
from contacts.views import can_edit_contact

from . import serializers
from .permissions import role_can
from .validation import RangeCheckedFilterBackend, RangeCheckedLookupMixin


def _is_schema_generation(view) -> bool:
    return getattr(view, "swagger_fake_view", False)


class AuditedRetrieveMixin:
    """Every read of one record's detail is a row in the audit trail, as on the pages."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        record_view(request, instance)
        return Response(self.get_serializer(instance).data)


class ClientViewSet(
    RangeCheckedLookupMixin,
    AuditedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's clients (assistants and coordinators only)."""

    serializer_class = serializers.ClientSerializer
    permission_classes = [IsAuthenticated, role_can(Role.can_work_with_clients)]
    filter_backends = [SearchFilter]
    search_fields = ["first_name", "last_name", "nickname"]

    def get_queryset(self):
        if _is_schema_generation(self):
            return Client.objects.none()
        return visible_clients(self.request.user).prefetch_related("consents").order_by("last_name", "first_name", "id")

    def perform_create(self, serializer):
        # The organisation and author come from the signed-in user, never from the request body.
        client = Client(**serializer.validated_data)
        serializer.instance = client_services.client_create(created_by=self.request.user, client=client)


class ContactViewSet(
    RangeCheckedLookupMixin,
    AuditedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's contact records; filters as on the contact list page."""

    serializer_class = serializers.ContactSerializer
    permission_classes = [IsAuthenticated, role_can(Role.can_work_with_clients)]
    filter_backends = [RangeCheckedFilterBackend]
    filterset_class = ContactFilter

    def get_queryset(self):
        if _is_schema_generation(self):
            return Contact.objects.none()
        return contacts_for_list(self.request.user).prefetch_related("topics")

    @transaction.atomic
    def perform_create(self, serializer):
        user = self.request.user
        serializer.save(assistant=user, organisation_id=user.organisation_id)

    @transaction.atomic
    def perform_update(self, serializer):
        if not can_edit_contact(self.request.user, serializer.instance):
            raise PermissionDenied
        serializer.save()


class CaseViewSet(RangeCheckedLookupMixin, AuditedRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Cases: the organisation's for assistants and coordinators, shared ones of the region for police."""

    serializer_class = serializers.CaseSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [RangeCheckedFilterBackend]
    filterset_fields = ["status", "crime_types", "locality", "risk_level"]

    def get_queryset(self):
        if _is_schema_generation(self):
            return Case.objects.none()
        return visible_cases(self.request.user).prefetch_related("crime_types")

    @extend_schema(responses={200: serializers.TimelineEntrySerializer(many=True)})
    # A case's whole timeline, unpaged; the list's filters do not apply to one case.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """The case's events in time order; a police officer gets the shared parts only."""
        case = self.get_object()
        record_view(request, case)
        if Role(request.user.role).can_review_shared_cases():
            entries = police_timeline(case)
        else:
            entries = case_timeline(case)
        return Response(serializers.TimelineEntrySerializer(entries, many=True).data)


@extend_schema(tags=["reference data"])
class RegionViewSet(RangeCheckedLookupMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    pagination_class = None


@extend_schema(tags=["reference data"])
class LocalityViewSet(RangeCheckedLookupMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Locality.objects.select_related("municipality")
    serializer_class = serializers.LocalitySerializer
    pagination_class = None


@extend_schema(tags=["reference data"])
class AuthorityViewSet(RangeCheckedLookupMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Authority.objects.all()
    serializer_class = serializers.AuthoritySerializer
    pagination_class = None


@extend_schema(tags=["reference data"])
class TopicViewSet(RangeCheckedLookupMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Topic.objects.all()
    serializer_class = serializers.TopicSerializer
    pagination_class = None


@extend_schema(tags=["reference data"])
class CrimeTypeViewSet(RangeCheckedLookupMixin, viewsets.ReadOnlyModelViewSet):
    queryset = CrimeType.objects.all()
    serializer_class = serializers.CrimeTypeSerializer
    pagination_class = None
