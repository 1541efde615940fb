"""The Django admin: no list filters, searches or sorts on what it does not show, no second-factor
device is readable, every read is audited, and nobody changes their own role or organisation."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from accounts.services import OWN_ACCESS_MESSAGE
from audit.actor import acting_as
from audit.models import AccessChange, AuditAction, AuditEvent, HistoryEntry
from liaison.admin_security import SafeAdminMixin, make_safe
from tests.factories import UserFactory

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def admin_client(client, administrator, alice, carol):
    client.force_login(administrator)
    return client


# -- filters, searches and sorts -------------------------------------------------------------------------


def test_every_registered_admin_has_the_safe_rules():
    assert REGISTERED
    for model, model_admin in REGISTERED:
        assert isinstance(model_admin, SafeAdminMixin), model._meta.label


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_every_changelist_refuses_a_lookup_it_does_not_declare(admin_client, model, model_admin):
    url = _changelist(model)
    assert admin_client.get(url).status_code == 200
    forbidden = []
    for field in model._meta.concrete_fields:
        forbidden.append(f"{field.name}__startswith")
        if field.is_relation:
            forbidden.append(f"{field.name}__{field.target_field.name}__gt")
            if field.related_model is User:
                forbidden.append(f"{field.name}__password__startswith")
    for lookup in forbidden:
        assert admin_client.get(url, {lookup: "x"}).status_code == 400, f"{url}?{lookup}=x"


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_every_declared_filter_still_works(admin_client, model, model_admin):
    """Every choice of every filter the list offers, as the list itself links it."""
    url = _changelist(model)
    response = admin_client.get(url)
    changelist = response.context["cl"]
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            assert admin_client.get(url + choice["query_string"]).status_code == 200, choice["query_string"]
    if model_admin.date_hierarchy:
        assert admin_client.get(url, {f"{model_admin.date_hierarchy}__year": "2026"}).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_searches_and_sorts_only_on_shown_columns(rf, administrator, model, model_admin):
    request = rf.get("/")
    request.user = administrator
    shown = {name for name in model_admin.get_list_display(request) if isinstance(name, str)}
    for path in model_admin.get_search_fields(request):
        assert path.lstrip("^=@").split("__")[0] in shown, (model._meta.label, path)
    own_fields = {field.name for field in model._meta.get_fields()}
    for name in model_admin.get_sortable_by(request):
        assert name in shown and name in own_fields, (model._meta.label, name)


def test_a_computed_column_never_sorts_by_a_hidden_field(rf, administrator):
    """`?o=<column>` of a column whose sort field is not shown (here the password hash)."""

    class LeakyAdmin(admin.ModelAdmin):
        list_display = ("username", "hint")

        @admin.display(ordering="password")
        def hint(self, obj: User) -> str:
            return "*"

    model_admin = make_safe(LeakyAdmin)(User, admin.site)

    def ordering(column: str) -> list[str]:
        request = rf.get("/", {"o": column})
        request.user = administrator
        changelist = model_admin.get_changelist_instance(request)
        return [str(part) for part in changelist.queryset.query.order_by]

    # Columns are counted with the action checkbox: 1 is the user name, 2 the computed column.
    hint = model_admin.get_changelist_instance(_request(rf, administrator)).list_display.index("hint")
    assert not any("password" in part for part in ordering(str(hint))), ordering(str(hint))
    assert "-username" in ordering(f"-{hint - 1}")


def _request(rf, user):
    request = rf.get("/")
    request.user = user
    return request


def test_the_reported_history_lookup_is_refused(admin_client, own_client):
    own_client.phone = "+420777000111"
    own_client.save()
    response = admin_client.get(
        "/admin/audit/historyentry/",
        {"table_name": "clients_client", "row_pk": str(own_client.pk), "new_values__phone__startswith": "+42077700"},
    )
    assert response.status_code == 400
    assert admin_client.get("/admin/audit/historyentry/", {"new_values__phone__startswith": "+4"}).status_code == 400


def test_history_in_the_admin_holds_no_client_rows(admin_client, own_client):
    entry = HistoryEntry.objects.filter(table_name="clients_client", row_pk=str(own_client.pk)).first()
    assert entry is not None
    response = admin_client.get("/admin/audit/historyentry/", {"table_name": "clients_client"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    change = admin_client.get(reverse("admin:audit_historyentry_change", args=[entry.pk]))
    assert change.status_code == 302  # "does not exist", back to the index
    assert admin_client.get("/admin/audit/historyentry/", {"table_name": "accounts_user"}).context["cl"].result_count


def test_only_what_an_administrator_needs_is_registered():
    from django.contrib.auth.models import Group
    from knox.models import AuthToken

    for model in (TOTPDevice, StaticDevice, AuthToken, Group):
        assert not admin.site.is_registered(model), model._meta.label


def test_deleting_a_user_or_organisation_never_names_their_clients(admin_client, alice, own_client):
    from contacts.models import Contact

    contact = Contact.objects.filter(assistant=alice).first()
    for url in (
        reverse("admin:accounts_user_delete", args=[alice.pk]),
        reverse("admin:accounts_organisation_delete", args=[alice.organisation_id]),
    ):
        page = html.unescape(admin_client.get(url).content.decode())
        assert own_client.last_name not in page and own_client.display_name not in page, url
        assert f"#{own_client.pk}" in page, url
        assert contact is None or str(contact) not in page
    assert str(alice) in html.unescape(
        admin_client.get(reverse("admin:accounts_user_delete", args=[alice.pk])).content.decode()
    )


# -- second-factor devices ------------------------------------------------------------------------------


def test_second_factor_devices_are_not_in_the_admin(admin_client, alice):
    device = TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    codes = StaticDevice.objects.create(user=alice, name="recovery", confirmed=True)
    assert not admin.site.is_registered(TOTPDevice) and not admin.site.is_registered(StaticDevice)
    for path in (
        f"/admin/otp_totp/totpdevice/?user__id={alice.pk}&key__startswith=c",
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        "/admin/otp_static/staticdevice/",
        f"/admin/otp_static/staticdevice/{codes.pk}/change/",
    ):
        assert admin_client.get(path).status_code == 404, path


def test_an_administrator_removes_a_users_devices_and_it_is_audited(admin_client, administrator, alice, bob):
    TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    codes = StaticDevice.objects.create(user=alice, name="recovery", confirmed=True)
    StaticToken.objects.create(device=codes, token="zzsecret9")
    TOTPDevice.objects.create(user=bob, name="authenticator", confirmed=True)
    response = admin_client.post(
        _changelist(User),
        {"action": "remove_second_factor_devices", "_selected_action": [alice.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    assert not StaticToken.objects.filter(token="zzsecret9").exists()
    assert TOTPDevice.objects.filter(user=bob).exists()
    event = AuditEvent.objects.filter(action=AuditAction.DEVICES_REMOVED).get()
    assert (event.actor_id, event.object_id) == (administrator.pk, str(alice.pk))
    assert event.record_organisation_id == alice.organisation_id
    assert "zzsecret9" not in response.content.decode()
    assert [message.level_tag for message in response.context["messages"]] == ["success"]
    # Nothing left to remove: a warning, and still an audit event for the attempt.
    response = admin_client.post(
        _changelist(User), {"action": "remove_second_factor_devices", "_selected_action": [alice.pk]}, follow=True
    )
    assert [message.level_tag for message in response.context["messages"]] == ["warning"]
    assert AuditEvent.objects.filter(action=AuditAction.DEVICES_REMOVED, object_id=str(alice.pk)).count() == 2


# -- reads in the admin are audited ---------------------------------------------------------------------


def test_admin_list_and_change_pages_are_audited(admin_client, administrator, alice):
    user_type = ContentType.objects.get_for_model(User)
    assert admin_client.get(_changelist(User)).status_code == 200
    listed = AuditEvent.objects.get(action=AuditAction.ADMIN_LIST)
    assert (listed.actor_id, listed.content_type, listed.object_id) == (administrator.pk, user_type, "")
    assert listed.path == _changelist(User)

    assert admin_client.get(reverse("admin:accounts_user_change", args=[alice.pk])).status_code == 200
    viewed = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (viewed.actor_id, viewed.content_type, viewed.object_id) == (administrator.pk, user_type, str(alice.pk))
    assert viewed.record_organisation_id == alice.organisation_id

    assert admin_client.get(reverse("admin:accounts_user_history", args=[alice.pk])).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(alice.pk)).count() == 2


def test_a_refused_lookup_is_audited_too(admin_client, administrator):
    assert admin_client.get(_changelist(User), {"password__startswith": "p"}).status_code == 400
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_LIST, actor=administrator).count() == 1


# -- separation of duties -------------------------------------------------------------------------------


def _user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "date_joined_0": user.date_joined.strftime("%d.%m.%Y"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "organisation": user.organisation_id or "",
        "role": user.role,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.parametrize(
    "changes",
    [
        {"role": Role.COORDINATOR, "organisation": "drom"},
        {"role": Role.COORDINATOR},
        {"organisation": "drom"},
        {"role": Role.POLICE},
    ],
)
def test_an_administrator_cannot_change_its_own_role_or_organisation(admin_client, administrator, drom, changes):
    if changes.get("organisation") == "drom":
        changes = {**changes, "organisation": drom.pk}
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]), _user_form(administrator, **changes)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors().as_data()
    assert [error.code for error in errors] == ["own_access"]
    with translation.override("cs"):
        assert str(OWN_ACCESS_MESSAGE) in html.unescape(response.content.decode())
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMIN and administrator.organisation.kind == "operator"
    assert not AccessChange.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_CHANGE).exists()


def test_own_role_change_is_refused_by_the_model_whatever_the_route(administrator, drom):
    me = User.objects.get(pk=administrator.pk)
    me.role, me.organisation = Role.COORDINATOR, drom
    with acting_as(administrator.pk), pytest.raises(PermissionDenied):
        me.save()
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMIN
    assert not AccessChange.objects.exists()


def test_the_user_form_still_saves_other_own_details(admin_client, administrator):
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]), _user_form(administrator, first_name="Petr")
    )
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.first_name == "Petr" and administrator.role == Role.ADMIN


def test_a_role_change_is_audited_and_shown_to_the_organisations_coordinators(
    admin_client, administrator, alice, carol, other_org
):
    other_coordinator = UserFactory(username="olga", organisation=other_org, role=Role.COORDINATOR)
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[alice.pk]), _user_form(alice, role=Role.COORDINATOR)
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.role == Role.COORDINATOR
    change = AccessChange.objects.get()
    assert (change.actor_id, change.user_id, change.old_role, change.new_role) == (
        administrator.pk,
        alice.pk,
        Role.ASSISTANT,
        Role.COORDINATOR,
    )
    assert change.old_organisation_id == change.new_organisation_id == alice.organisation_id
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_CHANGE)
    assert (event.actor_id, event.object_id, event.record_organisation_id) == (
        administrator.pk,
        str(alice.pk),
        alice.organisation_id,
    )

    coordinator = Client()
    coordinator.force_login(carol)
    page = coordinator.get("/").content.decode()
    with translation.override("cs"):
        assert translation.gettext("Changes to your organisation's accounts") in html.unescape(page)
    assert "alice" in page and administrator.username in page

    outsider = Client()
    outsider.force_login(other_coordinator)
    page = outsider.get("/").content.decode()
    assert "alice" not in page and administrator.username not in page


def test_a_move_between_organisations_is_shown_to_both(admin_client, alice, carol, other_org):
    other_coordinator = UserFactory(username="olga", organisation=other_org, role=Role.COORDINATOR)
    third = UserFactory(username="tereza", role=Role.COORDINATOR)
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[alice.pk]), _user_form(alice, organisation=other_org.pk)
    )
    assert response.status_code == 302
    for coordinator, sees in ((carol, True), (other_coordinator, True), (third, False)):
        browser = Client()
        browser.force_login(coordinator)
        page = html.unescape(re.sub(r"<[^>]+>", "", browser.get("/").content.decode()))
        assert ("alice" in page) is sees, coordinator.username
        assert (f"{carol.organisation.name} → {other_org.name}" in page) is sees, coordinator.username


def test_a_role_change_by_any_route_is_recorded(alice, carol):
    with acting_as(carol.pk):
        user = User.objects.get(pk=alice.pk)
        user.role = Role.COORDINATOR
        user.save(update_fields=["role"])
    change = AccessChange.objects.get()
    assert (change.actor_id, change.actor_username, change.new_role) == (carol.pk, "carol", Role.COORDINATOR)
    # Saving other columns records nothing more.
    user.first_name = "Alena"
    user.save()
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])
    assert AccessChange.objects.count() == 1


def test_a_reloaded_user_saved_again_records_nothing_more(alice, carol):
    with acting_as(carol.pk):
        other_copy = User.objects.get(pk=alice.pk)
        other_copy.role = Role.COORDINATOR
        other_copy.save()
        alice.refresh_from_db()
        alice.first_name = "Alena"
        alice.save()
    assert AccessChange.objects.count() == 1


def test_access_changes_are_append_only(alice):
    from audit.models import AppendOnlyError

    alice.role = Role.COORDINATOR
    alice.save()
    change = AccessChange.objects.get()
    with pytest.raises(AppendOnlyError):
        change.delete()


def test_seeding_the_demo_is_no_change_of_role(db, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", password="demo-heslo-123")
    assert not AccessChange.objects.exists()


def test_the_start_page_panel_costs_the_same_queries_for_more_changes(client, administrator, carol, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_with(changes: int) -> int:
        with acting_as(administrator.pk):
            for _ in range(changes):
                bob.role = Role.COORDINATOR if bob.role == Role.ASSISTANT else Role.ASSISTANT
                bob.save()
        client.force_login(carol)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/")
        assert page.context["access_changes"].__len__() == AccessChange.objects.count()
        return len(queries)

    assert queries_with(1) == queries_with(6)
