from django.urls import path

from . import views

app_name = "groupwork"

urlpatterns = [
    path("", views.group_activity_list, name="list"),
    path("new/", views.group_activity_create, name="create"),
    path("<int:pk>/", views.group_activity_detail_view, name="detail"),
    path("<int:pk>/edit/", views.group_activity_edit, name="edit"),
    path("<int:pk>/delete/", views.group_activity_delete, name="delete"),
]
