from django.urls import path

from . import transfer_views as views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("new/<int:client_pk>/", views.transfer_create, name="create"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/accept/", views.transfer_accept, name="accept"),
    path("<int:pk>/reject/", views.transfer_reject, name="reject"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="cancel"),
]
