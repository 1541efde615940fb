"""The Django admin in Czech, for the operator: every page an administrator opens names apps,
models, fields, filters, actions and permissions in Czech, third-party apps included; and a new
user's role is chosen, never preselected."""

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from accounts.admin import permission_label
from accounts.models import Organisation, User
from accounts.roles import Role
from tests.factories import AssistantProfileFactory

# English texts of the admin that must not reach a Czech page: third-party app and model names,
# their fields, filters and actions, and the names Django gives permissions.
ENGLISH_PHRASES = [
    "Axes",
    "Knox",
    "Otp_Totp",
    "Otp_Static",
    "Access attempt",
    "Access failure",
    "Access log",
    "Auth token",
    "Static device",
    "Static token",
    "TOTP device",
    "User Agent",
    "IP Address",
    "Attempt Time",
    "Logout Time",
    "Failed Logins",
    "Locked Out",
    "Form Data",
    "Meta Data",
    "Clean up expired attempts",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    # Django's admin, where its Czech catalogue has no translation
    "Model name",
    "Add link",
    "Change or view list link",
    "Search",
    "After you’ve created a user",
    # records as django-axes names them, and its column of attempts left
    "Attempted Access",
    "Access Log for",
    "Failed access",
    "Status",
    "Attempt Remaining",
    # a column named after its attribute
    "Actor id",
    # the site's name, Django's own by default
    "Django",
]
USER_FACING_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _VisibleText(HTMLParser):
    """The text a user reads: text nodes and user-facing attributes, not scripts, styles, ids
    or class names."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (name in USER_FACING_ATTRIBUTES or (name == "value" and attributes.get("type") == "submit")):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(body: str) -> str:
    parser = _VisibleText()
    parser.feed(body)
    return " ".join(parser.parts)


def _english_names_of_registered_models() -> list[str]:
    """Each registered model's name in English, where it differs from the Czech one."""
    names = []
    for model in admin.site._registry:
        with translation.override("en"):
            english = {str(model._meta.verbose_name), str(model._meta.verbose_name_plural)}
        with translation.override("cs"):
            czech = {str(model._meta.verbose_name), str(model._meta.verbose_name_plural)}
        names += [name for name in english if name not in czech]
    return names


def _english_in(text: str, phrases: list[str]) -> list[str]:
    """The phrases found as words, a plural of them included ("Access attempts")."""
    return [phrase for phrase in phrases if re.search(rf"(?<!\w){re.escape(phrase)}s?(?!\w)", text, re.IGNORECASE)]


def _admin_pages(model, model_admin, request) -> list[str]:
    info = (model._meta.app_label, model._meta.model_name)
    pages = [reverse("admin:{}_{}_changelist".format(*info))]
    if model_admin.has_add_permission(request):
        pages.append(reverse("admin:{}_{}_add".format(*info)))
    first = model.objects.order_by("pk").first()
    if first is not None:
        pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return pages


@pytest.fixture
def sign_in_records(administrator):
    """A row in each of the sign-in lists, so that their columns and statuses are shown."""
    attempt = {"user_agent": "Firefox", "ip_address": "192.0.2.1", "username": "alice", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **attempt, path_info="/accounts/login/", get_data="", post_data="", failures_since_start=5
    )
    AccessLog.objects.create(**attempt, path_info="/accounts/login/")
    AccessFailureLog.objects.create(**attempt, path_info="/accounts/login/", locked_out=True)


def test_every_admin_page_is_in_czech(client, rf, administrator, sign_in_records):
    AssistantProfileFactory()
    client.force_login(administrator)
    request = rf.get("/")
    request.user = administrator
    phrases = ENGLISH_PHRASES + _english_names_of_registered_models()
    pages = ["/admin/"] + [
        page
        for model, model_admin in admin.site._registry.items()
        for page in _admin_pages(model, model_admin, request)
    ]
    # The administrator's own page lists every permission of the system.
    pages.append(reverse("admin:accounts_user_change", args=[administrator.pk]))
    english = {}
    with translation.override("cs"):
        for page in pages:
            response = client.get(page, headers={"accept-language": "cs"})
            assert response.status_code == 200, page
            found = _english_in(_visible_text(response.content.decode()), phrases)
            if found:
                english[page] = found
    assert english == {}


def test_the_deny_list_catches_the_english_names():
    """The check above can fail: Django's stored permission names and English model names."""
    text = _visible_text('<option title="x">Accounts | user | Can add user</option><p>Access attempts</p>')
    assert _english_in(text, ENGLISH_PHRASES) == ["Access attempt", "Can add"]
    assert _english_in("user3 | uživatel", ["user"]) == []


def test_permissions_are_named_in_the_language_of_the_page():
    add_user = Permission.objects.get(codename="add_user", content_type__app_label="accounts")
    add_token = Permission.objects.get(codename="add_authtoken")
    view_attempt = Permission.objects.get(codename="view_accessattempt")
    assert add_user.name == "Can add user"  # as Django stores it
    with translation.override("cs"):
        assert permission_label(add_user) == "Účty a organizace | uživatel | Smí přidat: uživatel"
        assert permission_label(add_token) == "Tokeny API | token API | Smí přidat: token API"
        assert permission_label(view_attempt) == (
            "Pokusy o přihlášení a zablokování | pokus o přihlášení | Smí zobrazit: pokus o přihlášení"
        )
    with translation.override("en"):
        assert permission_label(add_user) == "Accounts and organisations | user | Can add user"


def test_every_permission_and_app_with_models_is_named_in_czech():
    """Every part of every permission's label (app, model, what it allows), as in the user's
    permission list, differs from the English one: nothing is left in English."""
    same = []
    for permission in Permission.objects.select_related("content_type"):
        with translation.override("en"):
            english = permission_label(permission).split(" | ")
        with translation.override("cs"):
            czech = permission_label(permission).split(" | ")
        same += [part for part, other in zip(czech, english, strict=True) if part == other]
    assert same == []
    for app in apps.get_app_configs():
        if list(app.get_models()):
            with translation.override("en"):
                english_name = str(app.verbose_name)
            with translation.override("cs"):
                assert str(app.verbose_name) != english_name, app.label


# -- a new user's role ----------------------------------------------------------------------------------


def _new_user(organisation: Organisation, **fields) -> dict:
    return {
        "username": "novy.asistent",
        "usable_password": "true",
        "password1": "Správné-koňské-baterie-7",
        "password2": "Správné-koňské-baterie-7",
        "organisation": organisation.pk,
        **fields,
    }


def test_the_new_user_form_preselects_no_role(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:accounts_user_add"))
    role = response.context["adminform"].form["role"]
    assert role.value() in (None, "")
    body = response.content.decode()
    select = re.search(r'<select name="role"[^>]*>(.*?)</select>', body, re.S)
    assert select is not None
    assert re.findall(r'<option value="([^"]*)" selected', select.group(1)) == [""]


def test_a_new_user_without_a_role_is_refused_in_czech(client, administrator, drom):
    client.force_login(administrator)
    response = client.post(reverse("admin:accounts_user_add"), _new_user(drom), headers={"accept-language": "cs"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"] == ["Vyberte roli uživatele."]
    assert "Vyberte roli uživatele." in response.content.decode()
    assert not User.objects.filter(username="novy.asistent").exists()


def test_a_new_user_gets_the_chosen_role(client, administrator, drom):
    client.force_login(administrator)
    response = client.post(reverse("admin:accounts_user_add"), _new_user(drom, role=Role.COORDINATOR))
    assert response.status_code == 302
    user = User.objects.get(username="novy.asistent")
    assert (user.role, user.organisation) == (Role.COORDINATOR, drom)
