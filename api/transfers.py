"""The API of client transfers: the same scoping, rules, summary and audit as their pages
(cases.transfer_views). Coordinators only; everyone else gets 403."""

from functools import partial
from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id
from cases import transfers
from cases.models import Case, ClientTransfer, TransferState
from cases.selectors import transfer_destinations, transfer_summary, transfers_for_list, visible_cases
from clients.models import Client
from clients.selectors import visible_clients
from common.filters import column_range

from .permissions import role_can
from .serializers import _service_call
from .validation import _DIGITS, RangeCheckedLookupMixin
from .views import AuditedListMixin, AuditedRetrieveMixin, _is_schema_generation


class TransferSerializer(serializers.ModelSerializer):
    """What both coordinators see of a transfer: the client's summary, never the client file.
    `client` is the client's id only for the organisation that holds the file."""

    client = serializers.SerializerMethodField()
    client_initials = serializers.SerializerMethodField()
    client_birth_year = serializers.SerializerMethodField()
    client_sex = serializers.SerializerMethodField()
    from_organisation: serializers.StringRelatedField[Organisation] = serializers.StringRelatedField()
    to_organisation: serializers.StringRelatedField[Organisation] = serializers.StringRelatedField()
    case_count = serializers.IntegerField(read_only=True)
    requested_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    decided_by: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = ClientTransfer
        fields = [
            "id",
            "state",
            "client",
            "client_initials",
            "client_birth_year",
            "client_sex",
            "from_organisation",
            "to_organisation",
            "case_count",
            "note",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "reason",
        ]
        read_only_fields = fields

    def get_client(self, transfer: ClientTransfer) -> int | None:
        user = self.context["request"].user
        return transfer.client_id if transfer.client.organisation_id == client_work_organisation_id(user) else None

    def get_client_initials(self, transfer: ClientTransfer) -> str:
        return str(transfer_summary(transfer)["initials"])

    def get_client_birth_year(self, transfer: ClientTransfer) -> int | None:
        return transfer.client.birth_year

    def get_client_sex(self, transfer: ClientTransfer) -> str:
        return transfer.client.sex


class TransferRequestSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    to_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    cases = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Case.objects.none())
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # (The stubs type RelatedField.queryset so that assigning a QuerySet is refused.)
            cast(serializers.RelatedField, self.fields["client"]).queryset = visible_clients(user)  # type: ignore[arg-type]
            destinations = transfer_destinations(user)
            cast(serializers.RelatedField, self.fields["to_organisation"]).queryset = destinations  # type: ignore[arg-type]
            cases = cast(serializers.ManyRelatedField, self.fields["cases"]).child_relation
            cases.queryset = visible_cases(user)  # type: ignore[arg-type]


class TransferRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TransferViewSet(
    RangeCheckedLookupMixin,
    AuditedListMixin,
    AuditedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Transfers from and to the coordinator's organisation; `?state=pending` for those waiting."""

    serializer_class = TransferSerializer
    permission_classes = [IsAuthenticated, role_can(Role.can_supervise)]

    def get_queryset(self):
        if _is_schema_generation(self):
            return ClientTransfer.objects.none()
        return transfers_for_list(self.request.user)

    def filter_queryset(self, queryset):
        state = self.request.query_params.get("state")
        if self.action != "list" or state is None:
            return queryset
        if state not in TransferState.values:
            raise serializers.ValidationError(
                {"state": [_("Choose one of: %(states)s.") % {"states": ", ".join(TransferState.values)}]}
            )
        return queryset.filter(state=state)

    @extend_schema(parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=TransferState.values, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # A bad id in the path is a 404 before a 405 for the method (the actions take POST only).
        value = str(kwargs.get("pk", "1"))
        low, high = column_range(ClientTransfer._meta.pk)
        if not _DIGITS.fullmatch(value) or not low <= int(value) <= high:
            raise NotFound

    def _answer(self, transfer: ClientTransfer, code: int = status.HTTP_200_OK) -> Response:
        transfer = self.get_queryset().get(pk=transfer.pk)
        return Response(self.get_serializer(transfer).data, status=code)

    @extend_schema(request=TransferRequestSerializer, responses={201: TransferSerializer})
    def create(self, request):
        """Ask another organisation to take over the client with the chosen cases (the client's
        consent to the transfer must be recorded)."""
        incoming = TransferRequestSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        transfer = _service_call(
            partial(transfers.transfer_request, by=request.user, request=request, **incoming.validated_data)
        )
        return self._answer(transfer, status.HTTP_201_CREATED)

    def _own(self, organisation_field: str) -> ClientTransfer:
        """A transfer to (or from) the user's organisation; any other is 404."""
        transfer = self.get_object()
        if getattr(transfer, organisation_field) != client_work_organisation_id(self.request.user):
            raise NotFound
        return transfer

    @extend_schema(request=None, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The receiving coordinator takes over the client file and the transferred cases."""
        transfer = self._own("to_organisation_id")
        _service_call(partial(transfers.transfer_accept, by=request.user, transfer=transfer, request=request))
        return self._answer(transfer)

    @extend_schema(request=TransferRejectSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The receiving coordinator declines, with a reason; nothing else changes."""
        transfer = self._own("to_organisation_id")
        incoming = TransferRejectSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        _service_call(
            partial(
                transfers.transfer_reject,
                by=request.user,
                transfer=transfer,
                reason=incoming.validated_data["reason"],
                request=request,
            )
        )
        return self._answer(transfer)

    @extend_schema(request=None, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The sending coordinator withdraws a transfer not decided yet."""
        transfer = self._own("from_organisation_id")
        _service_call(partial(transfers.transfer_cancel, by=request.user, transfer=transfer, request=request))
        return self._answer(transfer)
