"""API views. Every queryset comes from the same scoping selectors as the pages."""

from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Prefetch
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import District, Locality, Region
from accounts.roles import Role
from audit.services import record_list, record_view
from cases.models import Case, CrimeType
from cases.selectors import police_cases_for_list, visible_attachments, visible_cases
from cases.timeline import case_timeline, police_timeline
from clients.models import Client
from clients.selectors import visible_clients
from common.http import AuthenticatedRequest
from contacts.filters import ContactFilter
from contacts.models import Authority, Contact, Topic
from contacts.selectors import contacts_for_list

from . import serializers
from .idempotency import IdempotentCreateMixin
from .permissions import role_can
from .validation import RangeCheckedFilterBackend, RangeCheckedLookupMixin

if TYPE_CHECKING:
    # The mixins below are only ever mixed into a GenericViewSet.
    from rest_framework.generics import GenericAPIView as _GenericView
else:
    _GenericView = object


def _is_schema_generation(view) -> bool:
    return getattr(view, "swagger_fake_view", False)


class AuditedRetrieveMixin(_GenericView):
    """Every read of one record's detail is a row in the audit trail, as on the pages."""

    request: AuthenticatedRequest  # behind IsAuthenticated

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        record_view(request, instance)
        return Response(self.get_serializer(instance).data)


class AuditedListMixin(_GenericView):
    """Every page of a list is ONE row in the audit trail naming the records on it, as on the pages."""

    request: AuthenticatedRequest  # behind IsAuthenticated

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(queryset if page is None else page)
        record_list(request, queryset.model, rows)
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)


class NamedSearchFilter(SearchFilter):
    """DRF's search, whose refusal of a search (a null character in it) names the parameter as
    every other 400 of the API does ({"search": [...]}, not a bare list)."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as error:
            raise ValidationError({self.search_param: error.detail}) from None


class ClientViewSet(
    IdempotentCreateMixin,
    RangeCheckedLookupMixin,
    AuditedListMixin,
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
    filter_backends = [NamedSearchFilter]
    search_fields = ["first_name", "last_name", "nickname"]

    def get_queryset(self):
        if _is_schema_generation(self):
            return Client.objects.none()
        return (
            visible_clients(self.request.user)
            .select_related("participant_sheet")
            .prefetch_related("consents", "service_uses__service")
            .order_by("last_name", "first_name", "id")
        )

    # Creating and updating go through ClientSerializer.create()/update(), which call the client
    # services of the pages (the organisation and author come from the signed-in user).


class ContactViewSet(
    IdempotentCreateMixin,
    RangeCheckedLookupMixin,
    AuditedListMixin,
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

    # Creating and updating go through ContactSerializer.create()/update(), which call the
    # contact services of the quick-entry page (the author, the organisation and the rules).


class CaseShapes(NamedTuple):
    list: type[BaseSerializer]
    detail: type[BaseSerializer]


# One shape of a case per audience, for a list row and for one case. A role missing here
# gets nothing (403), even if it is later given the ability to see cases: its shape must be
# decided first. The police's shapes are their pages' (tests/test_api_police.py).
CASE_SHAPES: dict[str, CaseShapes] = {
    Role.ASSISTANT: CaseShapes(serializers.CaseSerializer, serializers.CaseSerializer),
    Role.COORDINATOR: CaseShapes(serializers.CaseSerializer, serializers.CaseSerializer),
    Role.POLICE: CaseShapes(serializers.PoliceCaseRowSerializer, serializers.PoliceCaseSerializer),
}


@extend_schema_view(
    list=extend_schema(
        description="Assistants and coordinators get `Case` rows; police liaison officers get "
        "`PoliceCaseRow` rows, the columns of their list page.",
        responses=PolymorphicProxySerializer(
            component_name="CaseListItemForRole",
            serializers=[serializers.CaseSerializer, serializers.PoliceCaseRowSerializer],
            resource_type_field_name=None,
            many=True,
        ),
    ),
    retrieve=extend_schema(
        description="Assistants and coordinators get `Case`; police liaison officers get `PoliceCase`, "
        "the facts of their case page (the victim by name, no client or assistant id, no outcome).",
        responses=PolymorphicProxySerializer(
            component_name="CaseForRole",
            serializers=[serializers.CaseSerializer, serializers.PoliceCaseSerializer],
            resource_type_field_name=None,
        ),
    ),
)
class CaseViewSet(RangeCheckedLookupMixin, AuditedListMixin, AuditedRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Cases: the organisation's for assistants and coordinators, shared ones of the region for police."""

    permission_classes = [IsAuthenticated, role_can(Role.can_see_cases)]
    filter_backends = [RangeCheckedFilterBackend]
    filterset_fields = ["status", "crime_types", "locality", "risk_level"]

    def get_serializer_class(self):
        if _is_schema_generation(self):
            return serializers.CaseSerializer
        shapes = CASE_SHAPES.get(self.request.user.role)
        if shapes is None:
            raise PermissionDenied
        return shapes.list if self.action == "list" else shapes.detail

    def get_queryset(self):
        if _is_schema_generation(self):
            return Case.objects.none()
        serializer_class = self.get_serializer_class()
        if serializer_class is serializers.PoliceCaseRowSerializer:
            return police_cases_for_list(self.request.user)  # the police list page's rows
        cases = visible_cases(self.request.user).prefetch_related("crime_types")
        if serializer_class is serializers.PoliceCaseSerializer:
            shared = visible_attachments(self.request.user)
            cases = cases.select_related("client", "organisation", "region", "locality__municipality").prefetch_related(
                Prefetch("attachments", queryset=shared, to_attr="shared_attachments")
            )
        return cases

    @extend_schema(responses={200: serializers.TimelineEntrySerializer(many=True)})
    # A case's whole timeline, unpaged; the list's filters do not apply to one case.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """The case's events in time order; a police officer gets the shared parts only."""
        case = self.get_object()
        record_view(request, case)
        # Like the serializer: the police get their own shape, anyone else not listed nothing.
        if self.get_serializer_class() is serializers.PoliceCaseSerializer:
            entries = police_timeline(case, viewer=request.user)
        else:
            entries = case_timeline(case)
        return Response(serializers.TimelineEntrySerializer(entries, many=True).data)


@extend_schema(tags=["reference data"])
class RegionViewSet(RangeCheckedLookupMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    pagination_class = None


@extend_schema(tags=["reference data"])
class DistrictViewSet(RangeCheckedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Districts (okresy) where clients live, each in its region."""

    queryset = District.objects.all()
    serializer_class = serializers.DistrictSerializer
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
