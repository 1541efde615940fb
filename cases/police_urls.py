"""The police liaison officer's review of shared cases, under /police/."""

from django.urls import path

from . import police_views

app_name = "police"

urlpatterns = [
    path("cases/", police_views.shared_case_list, name="case_list"),
    path("cases/<int:pk>/", police_views.shared_case_detail, name="case_detail"),
]
