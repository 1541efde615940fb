from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
from .services import check_access_change, remove_second_factor_devices


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AccessChangeForm
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Liaison"), {"fields": ("organisation", "role")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "organisation", "role", "is_active")
    list_filter = ("role", "organisation", "is_active")
    list_select_related = ("organisation",)
    actions = ["remove_second_factor_devices"]

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
