"""Read-only admin views of the audit trail. History values are not shown here, and only the
history of accounts and organisations is: the history of clients, contacts and cases is a
client's personal data, which administrators do not see (not even which columns changed)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, HistoryEntry

# The tables an administrator manages (accounts/admin.py); see audit.history.TRACKED_APPS.
ADMINISTERED_TABLES_PREFIX = "accounts_"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "username", "action", "content_type", "object_id", "ip_address"]
    list_filter = ["action"]
    list_select_related = ["content_type"]
    search_fields = ["username"]
    date_hierarchy = "occurred_at"


_HISTORY_FIELDS = (
    "changed_at",
    "table_name",
    "row_pk",
    "operation",
    "actor_number",
    "changed_columns",
    "anonymised_at",
)


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "table_name", "row_pk", "operation", "actor_number", "changed_columns"]
    list_filter = ["operation", "table_name"]
    fields = _HISTORY_FIELDS
    readonly_fields = _HISTORY_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).filter(table_name__startswith=ADMINISTERED_TABLES_PREFIX)

    @admin.display(description=_("user's id"))
    def actor_number(self, obj: HistoryEntry) -> int | None:
        # The id alone, as stored: the user may be gone (no database constraint).
        return obj.actor_id

    @admin.display(description=_("changed columns"))
    def changed_columns(self, obj: HistoryEntry) -> str:
        return ", ".join(sorted((obj.new_values or obj.old_values or {}).keys()))
