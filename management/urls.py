from django.urls import path

from . import place_views, views

app_name = "management"

urlpatterns = [
    path("", views.index, name="index"),
    # Users: one form with role, organisation, assistant profile and funding; the invitation.
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/invite/", views.user_invite, name="user_invite"),
    # The link in the invitation mail: public, the secret in the address.
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Organisations with their services, projects and funders.
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/services/new/", views.organisation_service_create, name="organisation_service_create"),
    # Reference lists: authorities, topics, crime types.
    path("lists/<slug:kind>/", views.reference_list, name="reference_list"),
    path("lists/<slug:kind>/new/", views.reference_create, name="reference_create"),
    path("lists/<slug:kind>/<int:pk>/edit/", views.reference_edit, name="reference_edit"),
    path("lists/<slug:kind>/<int:pk>/move/", views.reference_move, name="reference_move"),
    path("lists/<slug:kind>/<int:pk>/toggle/", views.reference_toggle, name="reference_toggle"),
    path("lists/<slug:kind>/<int:pk>/delete/", views.reference_delete, name="reference_delete"),
    # Municipalities and their socially excluded localities (a shared list).
    path("places/", place_views.place_list, name="place_list"),
    path("places/municipalities/new/", place_views.municipality_create, name="municipality_create"),
    path("places/municipalities/<int:pk>/edit/", place_views.municipality_edit, name="municipality_edit"),
    path("places/municipalities/<int:pk>/delete/", place_views.municipality_delete, name="municipality_delete"),
    path("places/localities/new/", place_views.locality_create, name="locality_create"),
    path("places/localities/<int:pk>/edit/", place_views.locality_edit, name="locality_edit"),
    path("places/localities/<int:pk>/delete/", place_views.locality_delete, name="locality_delete"),
]
