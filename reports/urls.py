from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("new/<str:report_type>/", views.job_create, name="create"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/download/", views.job_download, name="download"),
]
