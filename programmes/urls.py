from django.urls import path

from . import deadline_views, staff_time_views, views

app_name = "programmes"

urlpatterns = [
    # The organisation's services and their activity types (výkony): the coordinator's.
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/activity-types/new/", views.activity_type_create, name="activity_type_create"),
    path("activity-types/<int:pk>/edit/", views.activity_type_edit, name="activity_type_edit"),
    path("activity-types/<int:pk>/move/", views.activity_type_move, name="activity_type_move"),
    path("activity-types/<int:pk>/delete/", views.activity_type_delete, name="activity_type_delete"),
    # Projects, their funders, and where each assistant's work belongs.
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    # Reports owed to funders and the ministry, and when.
    path("deadlines/", deadline_views.deadline_list, name="deadline_list"),
    path("deadlines/new/", deadline_views.deadline_create, name="deadline_create"),
    path("deadlines/<int:pk>/edit/", deadline_views.deadline_edit, name="deadline_edit"),
    path("deadlines/<int:pk>/submit/", deadline_views.deadline_submit, name="deadline_submit"),
    path("funders/new/", views.funder_create, name="funder_create"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    # Staff time: assistants their own, the coordinator the organisation's.
    path("staff-time/", staff_time_views.staff_time_list, name="staff_time_list"),
    path("staff-time/new/", staff_time_views.staff_time_create, name="staff_time_create"),
    path("staff-time/<int:pk>/edit/", staff_time_views.staff_time_edit, name="staff_time_edit"),
    path("staff-time/import/", staff_time_views.staff_time_import_view, name="staff_time_import"),
    path("staff-time/summary/", views.work_summary, name="work_summary"),
]
