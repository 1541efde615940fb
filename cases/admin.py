"""Administrators edit the crime-type reference list. Cases and anything about a client are
deliberately not registered: the admin is no back door to client data."""

from django.contrib import admin

from .models import CrimeType


@admin.register(CrimeType)
class CrimeTypeAdmin(admin.ModelAdmin):
    list_display = ("section", "name", "is_active")
    # The order of the list is kept in the management area (/manage/lists/crime_types/).
    fields = ("section", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("section", "name")
