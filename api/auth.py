"""Token sign-in for API clients: username and password, plus a TOTP code where two factors
are required. Tokens are knox tokens: stored hashed, with an expiry."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts import services as account_services


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, trim_whitespace=False, style={"input_type": "password"})
    otp_token = serializers.RegexField(
        r"^\d{6,8}$", required=False, help_text=_("The current code of the authenticator app.")
    )


def two_factors_required() -> bool:
    return getattr(settings, "LIAISON_REQUIRE_2FA", not settings.DEBUG)


def verify_second_factor(user, token: str | None) -> bool:
    """True when the code matches one of the user's confirmed devices (and is then used up)."""
    if not token:
        return False
    from django_otp import match_token

    return match_token(user, token) is not None


class ObtainTokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    def get_authenticate_header(self, request) -> str:
        # Failed credentials answer 401 with a challenge, not 403.
        return "Token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
            ),
        },
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong username or password."))
        if two_factors_required() and not verify_second_factor(user, data.validated_data.get("otp_token")):
            raise AuthenticationFailed(_("A valid code from the authenticator app is required."))
        instance, token = account_services.issue_token(user=user, request=request)
        return Response({"token": token, "expiry": instance.expiry}, status=status.HTTP_200_OK)
