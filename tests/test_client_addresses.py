"""X-Forwarded-For is believed only from the configured reverse proxies (PROXY_COUNT): by the API
throttle, django-axes and the audit trail alike; and the Permissions-Policy header."""

from axes.helpers import get_client_ip_address
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import AnonRateThrottle

from api.auth import ObtainTokenView
from common.addresses import client_address

DIRECT_CLIENT = "198.51.100.7"
PROXY = "10.0.0.2"


def _throttle_key(request) -> str:
    key = AnonRateThrottle().get_cache_key(request, ObtainTokenView())
    assert key is not None  # a throttled request always has a key
    return key


def _token_request(remote_addr: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return ObtainTokenView().initialize_request(APIRequestFactory().post("/api/v1/auth/token/", **headers))


def test_no_proxy_is_trusted_by_default():
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert django_settings.AUDIT_TRUSTED_PROXY_COUNT == 0


def test_a_spoofed_forwarded_for_does_not_change_the_throttle_key():
    honest = _throttle_key(_token_request(DIRECT_CLIENT))
    # A direct client that invents a new X-Forwarded-For for every request stays one client.
    assert _throttle_key(_token_request(DIRECT_CLIENT, "203.0.113.1")) == honest
    assert _throttle_key(_token_request(DIRECT_CLIENT, "203.0.113.2, 203.0.113.3")) == honest
    assert DIRECT_CLIENT in honest


def test_behind_one_proxy_the_throttle_keys_on_the_address_the_proxy_saw(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    first = _throttle_key(_token_request(PROXY, "203.0.113.1"))
    second = _throttle_key(_token_request(PROXY, "203.0.113.2"))
    assert "203.0.113.1" in first and "203.0.113.2" in second
    # Only the entry the proxy wrote counts, not what the client put before it.
    assert _throttle_key(_token_request(PROXY, "192.0.2.99, 203.0.113.1")) == first


def test_token_endpoint_throttles_a_client_that_rotates_forwarded_for(db):
    api = APIClient(REMOTE_ADDR=DIRECT_CLIENT)
    statuses = [
        api.post(
            "/api/v1/auth/token/",
            {"username": f"nobody{attempt}", "password": "wrong password"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        ).status_code
        for attempt in range(25)
    ]
    assert statuses[:20] == [401] * 20
    assert statuses[-1] == 429


def test_axes_and_the_audit_trail_resolve_the_address_with_the_same_count(settings):
    spoofed = RequestFactory().get("/", REMOTE_ADDR=DIRECT_CLIENT, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert get_client_ip_address(spoofed) == client_address(spoofed) == DIRECT_CLIENT
    settings.AUDIT_TRUSTED_PROXY_COUNT = 1
    proxied = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert get_client_ip_address(proxied) == client_address(proxied) == "203.0.113.5"


# -- Permissions-Policy ----------------------------------------------------------------------------

DENIED_FEATURES = ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]


def test_permissions_policy_on_a_page(client, alice):
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    policy = [part.strip() for part in response["Permissions-Policy"].split(",")]
    assert set(DENIED_FEATURES) <= set(policy)


def test_permissions_policy_on_an_api_answer(alice):
    api = APIClient()
    api.force_authenticate(alice)
    response = api.get("/api/v1/contacts/")
    assert response.status_code == 200
    policy = [part.strip() for part in response["Permissions-Policy"].split(",")]
    assert set(DENIED_FEATURES) <= set(policy)
    # Also on an answer without credentials.
    assert "camera=()" in APIClient().get("/api/v1/contacts/")["Permissions-Policy"]
