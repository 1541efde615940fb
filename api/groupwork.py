"""The API of group activities: the same scoping, rules and audit as their pages."""

from collections import Counter
from functools import partial
from typing import Any, cast

from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from accounts.roles import Role
from clients.models import Client
from clients.selectors import visible_clients
from groupwork import services as groupwork_services
from groupwork.filters import GroupActivityFilter
from groupwork.models import MAX_HEAD_COUNT, AgeBand, GroupActivity, Sex
from groupwork.selectors import group_activities_for_list
from programmes.models import ActivityType, Project, Service
from programmes.selectors import visible_projects, visible_services

from .permissions import role_can
from .serializers import ModelCleanMixin, _service_call
from .validation import ColumnRangeSerializerMixin, RangeCheckedFilterBackend, RangeCheckedLookupMixin
from .views import AuditedListMixin, AuditedRetrieveMixin, _is_schema_generation


class AnonymousAttendanceSerializer(serializers.Serializer):
    sex = serializers.ChoiceField(choices=Sex.choices)
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    count = serializers.IntegerField(min_value=0, max_value=MAX_HEAD_COUNT)


class GroupActivitySerializer(ColumnRangeSerializerMixin, ModelCleanMixin, serializers.ModelSerializer):
    participants = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Client.objects.none())
    service = serializers.PrimaryKeyRelatedField(
        required=False,
        queryset=Service.objects.none(),
        help_text="Without it, the service (and project) of the author's assignment on the day.",
    )
    project = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Project.objects.none())
    activity_type = serializers.PrimaryKeyRelatedField(queryset=ActivityType.objects.none())
    anonymous_attendance = AnonymousAttendanceSerializer(
        many=True, required=False, help_text="The anonymous head count: persons by sex and age band."
    )
    author: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = GroupActivity
        fields = [
            "id",
            "occurred_at",
            "minutes",
            "service",
            "project",
            "activity_type",
            "locality",
            "topic",
            "description",
            "participants",
            "anonymous_attendance",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # (The stubs type RelatedField.queryset so that assigning a QuerySet is refused.)
            participants = cast(serializers.ManyRelatedField, self.fields["participants"]).child_relation
            participants.queryset = visible_clients(user)  # type: ignore[arg-type]
            services = visible_services(user)
            cast(serializers.RelatedField, self.fields["service"]).queryset = services  # type: ignore[arg-type]
            projects = visible_projects(user)
            cast(serializers.RelatedField, self.fields["project"]).queryset = projects  # type: ignore[arg-type]
            types = ActivityType.objects.filter(service__in=services)
            cast(serializers.RelatedField, self.fields["activity_type"]).queryset = types  # type: ignore[arg-type]

    def validate_anonymous_attendance(self, cells: list[dict]) -> list[dict]:
        repeated = [cell for cell, n in Counter((c["sex"], c["age_band"]) for c in cells).items() if n > 1]
        if repeated:
            raise serializers.ValidationError("Give each sex and age band once.")
        return cells

    def _values(self, validated_data: dict) -> dict:
        """Every writable field, from the request or (a partial update) from the stored record."""
        values = dict(validated_data)
        if self.instance is not None:
            stored = self.instance
            for name in ("occurred_at", "minutes", "service", "project", "activity_type", "locality", "topic"):
                values.setdefault(name, getattr(stored, name))
            values.setdefault("description", stored.description)
            values.setdefault("participants", list(stored.participants.all()))
            if "anonymous_attendance" not in values:
                values["head_count"] = groupwork_services.head_count_of(stored)
        if "anonymous_attendance" in values:
            cells = values.pop("anonymous_attendance")
            values["head_count"] = {(c["sex"], c["age_band"]): c["count"] for c in cells}
        return values

    def create(self, validated_data):
        # The same service as the page: one set of rules for both routes.
        user = self.context["request"].user
        # (Bound first: `_service_call` takes its own first argument by the name "service".)
        return _service_call(partial(groupwork_services.group_activity_create, by=user, **self._values(validated_data)))

    def update(self, instance, validated_data):
        user = self.context["request"].user
        values = self._values(validated_data)
        values.setdefault("head_count", {})
        return _service_call(
            partial(groupwork_services.group_activity_update, by=user, group_activity=instance, **values)
        )


class GroupActivityViewSet(
    RangeCheckedLookupMixin,
    AuditedListMixin,
    AuditedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's group activities; filters as on the list page."""

    serializer_class = GroupActivitySerializer
    permission_classes = [IsAuthenticated, role_can(Role.can_work_with_clients)]
    filter_backends = [RangeCheckedFilterBackend]
    filterset_class = GroupActivityFilter

    def get_queryset(self):
        if _is_schema_generation(self):
            return GroupActivity.objects.none()
        return group_activities_for_list(self.request.user).prefetch_related("anonymous_attendance")
