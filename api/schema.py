"""The OpenAPI schema: every operation documents the error answers it can give, and every id
(in the path or a filter) the range it is checked against.

One place (the schema class of every API view, REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) rather
than a decorator per view, so that a new endpoint is documented as completely as the others.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from common.filters import IdChoiceFilter, IdMultipleChoiceFilter, IntegerInRangeFilter, column_range

from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import IdempotentCreateMixin
from .validation import RangeCheckedLookupMixin


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()

    class Meta:
        ref_name = "ErrorDetail"


# What a ValidationError answers: the messages by field name ("non_field_errors" for the whole
# input), or a nested object for nested input; a malformed body answers {"detail": "..."}.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
}

ERROR_RESPONSES = {
    "400": OpenApiResponse(
        response=VALIDATION_ERROR_SCHEMA,
        description=_("Invalid input: the messages by field name."),
    ),
    "401": OpenApiResponse(response=ErrorDetailSerializer, description=_("No valid token or session.")),
    "403": OpenApiResponse(response=ErrorDetailSerializer, description=_("The role may not do this.")),
    "404": OpenApiResponse(
        response=ErrorDetailSerializer,
        description=_("The record does not exist or lies outside the user's scope, or there is no such page."),
    ),
}


class LiaisonAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code, response in ERROR_RESPONSES.items():
                if code not in responses:
                    responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _get_parameters(self):
        parameters = super()._get_parameters()
        ranges = self._number_ranges()
        for parameter in parameters:
            bounds = ranges.get((parameter["in"], parameter["name"]))
            if bounds is None:
                continue
            schema = parameter["schema"]
            if parameter["in"] == "path":
                # The route takes any segment (see RangeCheckedLookupMixin); the id is a number.
                schema.clear()
                schema["type"] = "integer"
            target = schema["items"] if schema.get("type") == "array" else schema
            if target.get("type") == "integer":
                target["minimum"], target["maximum"] = bounds
        if isinstance(self.view, IdempotentCreateMixin) and self.method == "POST":
            parameters.append(
                {
                    "in": "header",
                    "name": IDEMPOTENCY_HEADER,
                    "required": False,
                    "description": str(
                        _(
                            "A key chosen by the client (e.g. a UUID) for this create: sent again, "
                            "it makes no second record and answers the first one."
                        )
                    ),
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
                }
            )
        return parameters

    def _number_ranges(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(location, name) of the numbers the view checks, with their ranges."""
        ranges = {}
        # A view without a queryset (an APIView) has no ids to check.
        get_queryset = getattr(self.view, "get_queryset", None)
        queryset = get_queryset() if get_queryset is not None else None
        model = getattr(queryset, "model", None)
        if isinstance(self.view, RangeCheckedLookupMixin) and model is not None:
            name = "id" if self.view.lookup_field == "pk" else self.view.lookup_field
            field = model._meta.pk if self.view.lookup_field == "pk" else model._meta.get_field(self.view.lookup_field)
            ranges[("path", name)] = column_range(field)
        for backend in getattr(self.view, "filter_backends", []):
            if not hasattr(backend, "get_filterset_class") or model is None:
                continue
            filterset = backend().get_filterset_class(self.view, queryset)
            for name, f in filterset.base_filters.items() if filterset else []:
                # A filter generated from a foreign key always has the queryset of its choices.
                if isinstance(f, IdChoiceFilter | IdMultipleChoiceFilter) and f.queryset is not None:
                    opts, to_field = f.queryset.model._meta, f.extra.get("to_field_name")
                    ranges[("query", name)] = column_range(opts.get_field(to_field) if to_field else opts.pk)
                elif isinstance(f, IntegerInRangeFilter):
                    ranges[("query", name)] = (f.extra["min_value"], f.extra["max_value"])
        return ranges
