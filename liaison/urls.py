from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views
from .security import healthz

# The 503 page when the database is down, also when the failure is outside a view.
handler500 = "liaison.security.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("clients/", include("clients.urls")),
    path("contacts/", include("contacts.urls")),
    path("observations/", include("observations.urls")),
    path("programme/", include("programmes.urls")),
    path("group-activities/", include("groupwork.urls")),
    path("audit/", include("audit.urls")),
    path("gdpr/", include("gdpr.urls")),
    path("cases/", include("cases.urls")),
    path("police/", include("cases.police_urls")),
    path("transfers/", include("cases.transfer_urls")),
    path("reports/", include("reports.urls")),
    path("documents/", include("documents.urls")),
    path("attention/", include("attention.urls")),
    path("manage/", include("management.urls")),
    # The language switch works on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
