from django.urls import path

from . import import_views, merge_views, views
from .imports import CLIENTS

IMPORTER = {"importer": CLIENTS}

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("new/draft/", views.client_draft_new, name="draft_new"),
    path("import/", import_views.import_start, IMPORTER, name="import_start"),
    path("import/template.xlsx", import_views.import_template, IMPORTER, name="import_template"),
    path("import/<int:pk>/", import_views.import_check, IMPORTER, name="import_check"),
    path("import/<int:pk>/rejected.xlsx", import_views.import_rejected, IMPORTER, name="import_rejected"),
    path("import/jobs/<int:pk>/", import_views.import_job, IMPORTER, name="import_job"),
    path("pick/", views.client_pick, name="pick"),
    path("refused/", views.refused_list, name="refused_list"),
    path("refused/new/", views.refused_create, name="refused_create"),
    path("refused/<int:pk>/", views.refused_detail, name="refused_detail"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/draft/", views.client_draft, name="draft"),
    path("<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/services/new/", views.service_use_add, name="service_use_add"),
    path("<int:pk>/services/<int:use_pk>/end/", views.service_use_end, name="service_use_end"),
    path("<int:pk>/merge/", merge_views.merge_choose, name="merge_choose"),
    path("<int:pk>/merge/<int:other_pk>/", merge_views.merge_confirm, name="merge_confirm"),
]
