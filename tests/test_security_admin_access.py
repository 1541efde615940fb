"""Who reaches the Django admin: a verified administrator only, through the application's sign-in
and second factor; the admin holds no client data and shows no second-factor secrets."""

import pytest
from django.test import Client
from django.urls import reverse


def test_admin_needs_an_administrator_with_two_factors(administrator, alice, real_two_factors, settings):
    settings.LIAISON_REQUIRE_2FA = False  # even where the demo relaxes it, the admin does not
    browser = Client()
    browser.force_login(administrator)
    response = browser.get("/admin/")
    assert response.status_code == 302
    browser = Client()
    browser.force_login(alice)
    assert browser.get("/admin/").status_code == 302


def test_admin_holds_no_client_contact_or_case_data():
    from django.contrib import admin

    allowed = {
        ("cases", "crimetype"),
        ("contacts", "authority"),
        ("contacts", "topic"),
    }
    for model in admin.site._registry:
        label = (model._meta.app_label, model._meta.model_name)
        if label[0] in {"clients", "contacts", "cases"}:
            assert label in allowed, f"{label} must not be in the admin: it holds client data"


@pytest.mark.parametrize("path", ["/admin/login/"])
def test_admin_sign_in_goes_through_the_application(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_admin_never_shows_second_factor_secrets(client, administrator, alice):
    # The device admins are not registered at all (tests/test_security_admin.py has the rest).
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    codes = StaticDevice.objects.create(user=alice, name="recovery", confirmed=True)
    StaticToken.objects.create(device=codes, token="zzsecret9")
    client.force_login(administrator)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 404
    assert client.get(f"/admin/otp_static/staticdevice/{codes.pk}/change/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert "zzsecret9" not in client.get("/admin/").content.decode()


def test_admin_without_the_second_factor_is_sent_to_enrol_not_in_a_loop(client, administrator, real_two_factors):
    client.force_login(administrator)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    assert len(response.redirect_chain) <= 3


def test_signed_in_non_administrator_gets_403_from_the_admin(client, alice):
    client.force_login(alice)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
