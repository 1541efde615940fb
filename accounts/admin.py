from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice

from .models import (
    AssistantFunding,
    AssistantProfile,
    FundingSource,
    Locality,
    Municipality,
    Organisation,
    Region,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Liaison"), {"fields": ("organisation", "role")}),
    )
    list_display = ("username", "first_name", "last_name", "organisation", "role", "is_active")
    list_filter = ("role", "organisation", "is_active")
    list_select_related = ("organisation",)


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


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality")
    list_filter = ("municipality__region",)


class AssistantFundingInline(admin.TabularInline):
    model = AssistantFunding
    extra = 0


@admin.register(AssistantProfile)
class AssistantProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "employer", "municipality", "employed_from", "employed_until")
    list_filter = ("employer", "municipality__region")
    filter_horizontal = ("localities",)
    inlines = [AssistantFundingInline]


admin.site.register(FundingSource)


# Recovery codes are stored as issued: an administrator may delete a user's codes (a lost sheet)
# but must never read them, so django-otp's admin with the codes inline is replaced.
admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class RecoveryCodesAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_add_permission(self, request) -> bool:
        return False
