from django.urls import path

from . import views

app_name = "gdpr"

urlpatterns = [
    path("clients/<int:pk>/export.json", views.access_export_json, name="access_export_json"),
    path("clients/<int:pk>/export.pdf", views.access_export_pdf_view, name="access_export_pdf"),
    path("clients/<int:pk>/erase/", views.client_erase, name="client_erase"),
]
