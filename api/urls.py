from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import auth, groupwork, logout, reports, transfers, views

router = DefaultRouter()
router.register("clients", views.ClientViewSet, basename="client")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("cases", views.CaseViewSet, basename="case")
router.register("transfers", transfers.TransferViewSet, basename="transfer")
router.register("group-activities", groupwork.GroupActivityViewSet, basename="groupactivity")
router.register("report-jobs", reports.ReportJobViewSet, basename="reportjob")
router.register("reference/regions", views.RegionViewSet, basename="region")
router.register("reference/districts", views.DistrictViewSet, basename="district")
router.register("reference/localities", views.LocalityViewSet, basename="locality")
router.register("reference/authorities", views.AuthorityViewSet, basename="authority")
router.register("reference/topics", views.TopicViewSet, basename="topic")
router.register("reference/crime-types", views.CrimeTypeViewSet, basename="crimetype")

app_name = "api"

urlpatterns = [
    path("v1/auth/token/", auth.ObtainTokenView.as_view(), name="token"),
    path("v1/auth/logout/", logout.LogoutView.as_view(), name="logout"),
    path("v1/auth/logout-all/", logout.LogoutAllView.as_view(), name="logout-all"),
    path("v1/statistics/national/", reports.NationalStatisticsView.as_view(), name="national-statistics"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]


def _api_handles_its_own_authentication(patterns) -> None:
    """The API answers 401 itself; the site's sign-in redirect must not catch it."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _api_handles_its_own_authentication(pattern.url_patterns)
        elif pattern.callback is not None:
            pattern.callback.login_required = False


_api_handles_its_own_authentication(urlpatterns)
