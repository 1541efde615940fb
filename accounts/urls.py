from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import otp_views, views

app_name = "accounts"


urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", otp_views.otp_verify, name="otp_verify"),
    path("two-factor/setup/", otp_views.otp_setup, name="otp_setup"),
    path("two-factor/settings/", otp_views.two_factor, name="two_factor"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("session/left/", views.session_left, name="session_left"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        login_not_required(auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")),
        name="password_reset_done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/complete/",
        login_not_required(
            auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
        ),
        name="password_reset_complete",
    ),
    path("assistants/", views.assistant_directory, name="directory"),
]
