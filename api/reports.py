"""Report jobs (create, poll, download) and the ministry's national statistics, suppressed and
perturbed exactly as in the exported files (docs/statistical-disclosure.md)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from audit.models import AuditAction
from audit.services import record_event
from common.http import AuthenticatedRequest
from reports import selectors as report_selectors
from reports import services as report_services
from reports.disclosure import ROUNDING_BASE
from reports.models import ReportJob, ReportType
from reports.parameters import fixed_period_name, parse_parameters
from reports.statistics import national_statistics_sheets
from reports.views import job_file_response
from reports.writers import CONTENT_TYPES

from .permissions import role_can
from .validation import RangeCheckedLookupMixin


def _validation_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


class ReportJobSerializer(serializers.ModelSerializer):
    file_format = serializers.CharField(read_only=True)
    downloadable = serializers.BooleanField(source="is_downloadable", read_only=True)

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "report_type",
            "parameters",
            "state",
            "progress",
            "error_message",
            "file_format",
            "downloadable",
            "created_at",
            "finished_at",
            "expires_at",
        ]
        read_only_fields = fields


PERIOD_HELP = (
    "National statistics exist for a calendar month, quarter or year only: give `period` "
    '("2026-11", "2026-Q4" or "2026"), or `start` and `end` that are exactly such a period '
    "(anything else is answered 400). Other reports take any `start` and `end`."
)


class ReportJobRequestSerializer(serializers.Serializer):
    report_type = serializers.ChoiceField(choices=ReportType.choices)
    period = serializers.CharField(max_length=10, required=False, help_text=PERIOD_HELP)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    breakdown = serializers.CharField(max_length=50, default="all")
    format = serializers.CharField(max_length=10, default="xlsx")


class ReportJobViewSet(
    RangeCheckedLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The user's report jobs. POST creates one and answers at once; poll it until `downloadable`."""

    serializer_class = ReportJobSerializer
    permission_classes = [IsAuthenticated, role_can(Role.can_request_reports)]
    request: AuthenticatedRequest  # behind IsAuthenticated

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReportJob.objects.none()
        return report_selectors.visible_report_jobs(self.request.user)

    @extend_schema(request=ReportJobRequestSerializer, responses={201: ReportJobSerializer})
    def create(self, request):
        data = ReportJobRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        report_type = values.pop("report_type")
        try:
            job = report_services.report_job_request(by=request.user, report_type=report_type, raw_parameters=values)
        except DjangoPermissionDenied as error:
            raise PermissionDenied from error
        except DjangoValidationError as error:
            raise ValidationError(_validation_errors(error)) from error
        record_event(request=request, action=AuditAction.EXPORT, obj=job)
        return Response(ReportJobSerializer(job).data, status=201)

    @extend_schema(
        responses={(200, content_type.split(";")[0]): OpenApiTypes.BINARY for content_type in CONTENT_TYPES.values()}
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return job_file_response(request, self.get_object())


class NationalStatisticsView(APIView):
    """National statistics as JSON tables, protected as the files are: small counts suppressed,
    every count randomly rounded to a multiple of `rounding_base` by the cell-key method (the
    same records always give the same number, in every table and period)."""

    permission_classes = [IsAuthenticated, role_can(Role.can_see_national_statistics)]

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, required=False, description=PERIOD_HELP),
            OpenApiParameter("start", OpenApiTypes.DATE, required=False, description=PERIOD_HELP),
            OpenApiParameter("end", OpenApiTypes.DATE, required=False, description=PERIOD_HELP),
            OpenApiParameter("breakdown", OpenApiTypes.STR, required=False),
        ],
        responses={
            200: inline_serializer(
                "NationalStatistics",
                {
                    "suppression_threshold": serializers.IntegerField(),
                    "rounding_base": serializers.IntegerField(),
                    "period": serializers.CharField(),
                    "tables": inline_serializer(
                        "StatisticsTable",
                        {
                            "title": serializers.CharField(),
                            "header": serializers.ListField(child=serializers.CharField()),
                            "rows": serializers.ListField(child=serializers.ListField()),
                            "notes": serializers.ListField(child=serializers.CharField()),
                        },
                        many=True,
                    ),
                },
            )
        },
    )
    def get(self, request):
        raw = {
            "period": request.query_params.get("period", ""),
            "start": request.query_params.get("start", ""),
            "end": request.query_params.get("end", ""),
            "breakdown": request.query_params.get("breakdown", "all"),
            "format": "csv",
        }
        try:
            params = parse_parameters(ReportType.NATIONAL_STATISTICS, raw)
        except DjangoValidationError as error:
            raise ValidationError(_validation_errors(error)) from error
        threshold = settings.REPORTS_SUPPRESSION_THRESHOLD
        sheets = national_statistics_sheets(params)
        tables = [
            {
                "title": str(sheet.title),
                "header": [str(h) for h in sheet.header],
                "rows": [[cell if isinstance(cell, int | None) else str(cell) for cell in row] for row in sheet.rows],
                "notes": [str(n) for n in sheet.notes],
            }
            for sheet in sheets
        ]
        record_event(request=request, action=AuditAction.EXPORT)
        return Response(
            {
                "suppression_threshold": threshold,
                "rounding_base": ROUNDING_BASE,
                "period": fixed_period_name(params.start, params.end),
                "tables": tables,
            }
        )
