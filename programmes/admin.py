from django.contrib import admin

from .models import ActivityType, Assignment, Funder, Project, Service, StaffTime


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "region", "is_active")
    list_filter = ("kind", "is_active")


class ActivityTypeInline(admin.TabularInline):
    model = ActivityType
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "kind", "registration_id", "is_active")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("localities",)
    inlines = [ActivityTypeInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "funder", "starts_on", "ends_on", "is_active")
    list_filter = ("funder__kind", "is_active")
    filter_horizontal = ("services",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("profile", "service", "project", "valid_from", "valid_until")


@admin.register(StaffTime)
class StaffTimeAdmin(admin.ModelAdmin):
    list_display = ("assistant", "service", "period", "starts_on", "minutes")
    list_filter = ("period",)
