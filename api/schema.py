"""The OpenAPI schema: every operation documents the error answers it can give.

One place (the schema class of every API view, REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) rather
than a decorator per view, so that a new endpoint is documented as completely as the others.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


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
