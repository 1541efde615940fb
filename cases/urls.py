from django.urls import path

from clients import import_views

from . import hearing_views, views
from .imports import CASES

IMPORTER = {"importer": CASES}

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("import/", import_views.import_start, IMPORTER, name="import_start"),
    path("import/template.xlsx", import_views.import_template, IMPORTER, name="import_template"),
    path("import/<int:pk>/", import_views.import_check, IMPORTER, name="import_check"),
    path("import/<int:pk>/rejected.xlsx", import_views.import_rejected, IMPORTER, name="import_rejected"),
    path("import/jobs/<int:pk>/", import_views.import_job, IMPORTER, name="import_job"),
    path("new/<int:client_pk>/", views.case_create, name="create"),
    path("new/<int:client_pk>/draft/", views.case_draft_new, name="draft_new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/draft/", views.case_draft, name="draft"),
    path("<int:pk>/status/", views.case_transition, name="transition"),
    path("<int:pk>/closing/", views.closing_decide, name="closing_decide"),
    path("<int:pk>/rights/", views.rights_record, name="rights"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/tasks/", views.task_add, name="task_add"),
    path("<int:pk>/referrals/", views.referral_add, name="referral_add"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/hearings/", hearing_views.hearing_add, name="hearing_add"),
    path("hearings/<int:hearing_pk>/edit/", hearing_views.hearing_edit, name="hearing_edit"),
    path("hearings/<int:hearing_pk>/delete/", hearing_views.hearing_delete, name="hearing_delete"),
    path("tasks/<int:task_pk>/toggle/", views.task_toggle, name="task_toggle"),
    path("referrals/<int:referral_pk>/state/", views.referral_state, name="referral_state"),
    path("attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
]
