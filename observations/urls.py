from django.urls import path

from . import views

app_name = "observations"

urlpatterns = [
    path("", views.observation_list, name="list"),
    path("new/", views.observation_create, name="create"),
    path("<int:pk>/", views.observation_detail, name="detail"),
    path("<int:pk>/edit/", views.observation_edit, name="edit"),
    # The police liaison officer's view: observations passed to the police of the region.
    path("police/", views.police_observation_list, name="police_list"),
    path("police/<int:pk>/", views.police_observation_detail, name="police_detail"),
]
