from typing import Any, cast

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common.http import AuthenticatedHttpRequest

from .models import (
    AssistantProfile,
    District,
    Locality,
    Municipality,
    Organisation,
    Region,
    User,
)
from .roles import Role
from .services import check_access_change, remove_second_factor_devices

# Django names the permissions it creates in English ("Can add user") and shows the stored name.
PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "Can add %(name)s"),
    "change": pgettext_lazy("permission", "Can change %(name)s"),
    "delete": pgettext_lazy("permission", "Can delete %(name)s"),
    "view": pgettext_lazy("permission", "Can view %(name)s"),
}


def permission_label(permission: Permission) -> str:
    """A permission as the admin lists it ("app | model | what it allows"), in the language of
    the page rather than as stored."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model that no longer exists
        return str(permission)
    verbose_name = model._meta.verbose_name
    # Some third-party models are named in plain English (liaison/third_party_apps.py).
    name = gettext(verbose_name) if isinstance(verbose_name, str) else str(verbose_name)
    action, _separator, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        allows = PERMISSION_ACTIONS[action] % {"name": name}
    else:
        allows = gettext(permission.name)
    return f"{apps.get_app_config(content_type.app_label).verbose_name} | {name} | {allows}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class AccessChangeForm(UserChangeForm):
    """The user form of the admin, which refuses a change of one's own role or organisation
    (the same rule `User.save()` enforces, here as a clear error)."""

    actor: User | None = None  # the signed-in administrator, set by UserAdmin.get_form

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned_data = self.cleaned_data
        if self.actor is None or not ({"role", "organisation"} & set(self.changed_data)):
            return cleaned_data
        organisation = cleaned_data.get("organisation", self.instance.organisation)
        try:
            # Before _post_clean, the instance still holds the stored values.
            check_access_change(
                actor_id=self.actor.pk,
                user=self.instance,
                old_role=self.instance.role,
                old_organisation_id=self.instance.organisation_id,
                role=cleaned_data.get("role", self.instance.role),
                organisation_id=organisation.pk if organisation is not None else None,
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned_data


class AccountCreationForm(AdminUserCreationForm):
    """A new user of the admin: the administrator chooses the role, none is preselected (the
    model's default would quietly make everyone an assistant)."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "organisation", "role")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = cast(forms.TypedChoiceField, self.fields["role"])  # a model field with choices
        role.choices = [*BLANK_CHOICE_DASH, *Role.choices]
        role.required = True
        role.error_messages["required"] = _("Choose the user's role.")
        # The new instance carries the model's default role: no choice is made for the administrator.
        role.initial = None
        self.initial.pop("role", None)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AccessChangeForm
    add_form = AccountCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2", "organisation", "role"),
            },
        ),
    )
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Liaison"), {"fields": ("organisation", "role")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "organisation", "role", "is_active")
    list_filter = ("role", "organisation", "is_active")
    list_select_related = ("organisation",)
    actions = ["remove_second_factor_devices"]

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "user_permissions":
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, AccessChangeForm):
            form = type(form.__name__, (form,), {"actor": request.user})
        return form

    @admin.action(description=_("Remove second-factor devices"))
    def remove_second_factor_devices(self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]) -> None:
        removed = remove_second_factor_devices(actor=request.user, users=list(queryset), request=request)
        if not removed:
            self.message_user(request, _("The selected users had no second-factor device."), messages.WARNING)
            return
        self.message_user(
            request,
            ngettext(
                "Second-factor devices of %(count)d user were removed; they set up a new one at their next sign-in.",
                "Second-factor devices of %(count)d users were removed; they set up a new one at their next sign-in.",
                removed,
            )
            % {"count": removed},
            messages.SUCCESS,
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind", "region")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "region")
    list_filter = ("region",)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region")
    list_filter = ("region",)


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality")
    list_filter = ("municipality__region",)


@admin.register(AssistantProfile)
class AssistantProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "employer", "municipality", "employed_from", "employed_until")
    list_filter = ("employer", "municipality__region")
    filter_horizontal = ("localities",)
