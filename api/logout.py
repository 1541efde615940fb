"""Ending API tokens: knox's own views. POST with a token ends that token (`logout/`) or every
token of its user (`logout-all/`). Both send Django's user_logged_out signal, which writes the
sign-out to the audit trail with the path that tells the two apart (audit/signals.py)."""

from drf_spectacular.utils import extend_schema
from knox import views as knox_views


class LogoutView(knox_views.LogoutView):
    """Ends the token that authenticates this request. Only a token can be ended here; a
    browser session signs out on the site."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAllView(knox_views.LogoutAllView):
    """Ends every API token of the user of this token (browser sessions stay; the site's
    "Sign out everywhere" ends both)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)
