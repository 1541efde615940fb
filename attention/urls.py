from django.urls import path

from . import views

app_name = "attention"

urlpatterns = [
    path("count/", views.attention_count, name="count"),
    path("settings/", views.notification_settings, name="settings"),
    # Signed in by the secret in the address (calendar programs have no session).
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
