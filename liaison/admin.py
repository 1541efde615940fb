"""Which third-party models the admin shows. Administrators manage accounts, organisations and
reference data; what else they need is kept, the rest is not registered.

- Second-factor devices (django-otp) are never readable nor filterable by anyone: a list that can
  be filtered on a key gives the key away. A lost phone is handled by the "Remove second-factor
  devices" action on users (accounts/admin.py).
- API tokens (knox): a token's primary key is its digest, which would be in every URL of the
  admin. Tokens expire; deactivating the account ends them at once (knox refuses inactive users).
- Groups: roles (accounts/roles.py) decide what a user may do, groups are not used.
- Sign-in attempts and lockouts (axes) stay: an administrator lifts a lockout there. Its list of
  attempts gets a Czech column of the attempts left (django-axes leaves it unnamed).
"""

from axes.admin import AccessAttemptAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

for model in (TOTPDevice, StaticDevice, AuthToken, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class SignInAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("State"))
    def status(self, obj: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return str(_("Locked Out"))
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SignInAttemptAdmin)
