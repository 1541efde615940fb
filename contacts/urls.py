from django.urls import path

from clients import import_views

from . import views
from .imports import CONTACTS

IMPORTER = {"importer": CONTACTS}

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("new/draft/", views.contact_draft_new, name="draft_new"),
    path("import/", import_views.import_start, IMPORTER, name="import_start"),
    path("import/template.xlsx", import_views.import_template, IMPORTER, name="import_template"),
    path("import/<int:pk>/", import_views.import_check, IMPORTER, name="import_check"),
    path("import/<int:pk>/rejected.xlsx", import_views.import_rejected, IMPORTER, name="import_rejected"),
    path("import/jobs/<int:pk>/", import_views.import_job, IMPORTER, name="import_job"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/draft/", views.contact_draft, name="draft"),
]
