from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("case/<int:pk>/<str:kind>/", views.case_document, name="case_document"),
    path("client/<int:pk>/<str:kind>/", views.client_document, name="client_document"),
    path("pdf/<int:pk>/", views.pdf_detail, name="pdf_detail"),
    path("pdf/<int:pk>/progress/", views.pdf_progress, name="pdf_progress"),
    path("pdf/<int:pk>/download/", views.pdf_download, name="pdf_download"),
    path("pdf/<int:pk>/attach/", views.pdf_attach, name="pdf_attach"),
    path("fields/", views.field_list, name="field_list"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<str:kind>/upload/", views.template_upload, name="template_upload"),
    path("templates/<str:kind>/download/", views.template_download, name="template_download"),
    path("templates/<str:kind>/remove/", views.template_remove, name="template_remove"),
]
