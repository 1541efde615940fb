"""What every page of the Django admin may filter, search and sort on, and its audit trail.

Django's admin lets the query string filter a list on any local field with any lookup
(`?new_values__phone__startswith=+420`, `?key__startswith=c`): a list that answers "some rows" or
"none" gives a hidden value away a character at a time. Here a list filters only through the
filters its admin declares (`list_filter`, `date_hierarchy`) with the very parameters those
filters use, searches and sorts only on the columns it shows, and every list and change page
opened is an audit event. `LiaisonAdminSite.register` mixes this into every admin, third-party
ones included, so that no registration can forget it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.admin import EmptyFieldListFilter, ModelAdmin, SimpleListFilter
from django.contrib.admin.utils import NestedObjects, get_fields_from_path, quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.db import models, router
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from audit.models import AuditAction
from audit.services import record_event

DATE_HIERARCHY_PARTS = ("year", "month", "day")

if TYPE_CHECKING:
    # SafeAdminMixin is only ever mixed into a ModelAdmin (make_safe).
    _ModelAdmin = ModelAdmin[Any]
else:
    _ModelAdmin = object


def _shown_field(admin: ModelAdmin, path: str) -> bool:
    """A lookup path starts at a column the list shows (`user__username`: the user column)."""
    return path.lstrip("^=@").split("__")[0] in {name for name in admin.list_display if isinstance(name, str)}


class SafeChangeList(ChangeList):
    def get_ordering_field(self, field_name):
        # `sortable_by` alone only hides the column headers; `?o=<column>` would still sort.
        if field_name not in (self.sortable_by or ()):
            return None
        return super().get_ordering_field(field_name)


class SafeAdminMixin(_ModelAdmin):
    """Mixed into every registered ModelAdmin by the admin site (liaison/security_admin.py)."""

    def allowed_filter_parameters(self, request: HttpRequest | None) -> set[str]:
        """The query-string parameters that the declared filters themselves produce."""
        allowed: set[str] = set()
        if self.date_hierarchy:
            allowed.update(f"{self.date_hierarchy}__{part}" for part in DATE_HIERARCHY_PARTS)
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                if item.parameter_name:  # (Django refuses a filter without one)
                    allowed.add(item.parameter_name)
                continue
            # Any other filter class is refused: its parameters are not known here.
            path, filter_class = item if isinstance(item, list | tuple) else (item, None)
            if not isinstance(path, str):
                continue
            field = get_fields_from_path(self.model, path)[-1]
            allowed.add(f"{path}__isnull")
            if isinstance(filter_class, type) and issubclass(filter_class, EmptyFieldListFilter):
                allowed.add(f"{path}__isempty")
            if field.is_relation:
                # Every relation (forward, many-to-many, reverse) has target_field; the stubs' Field has not.
                allowed.add(f"{path}__{field.target_field.name}__exact")  # type: ignore[attr-defined]
            elif isinstance(field, models.DateField):
                allowed.update({f"{path}__gte", f"{path}__lt"})
            else:
                allowed.update({path, f"{path}__exact"})
        return allowed

    def lookup_allowed(self, lookup: str, value, request: HttpRequest | None = None) -> bool:
        # A refused lookup answers 400 (DisallowedModelAdminLookup), before any query.
        return lookup in self.allowed_filter_parameters(request)

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return [path for path in super().get_search_fields(request) if _shown_field(self, path)]

    def get_sortable_by(self, request: HttpRequest) -> list[str | Callable[[Any], str | bool]]:
        # Only columns that are the model's own fields: a computed column could sort by anything.
        own_fields = {field.name for field in self.model._meta.get_fields()}
        return [name for name in super().get_sortable_by(request) if isinstance(name, str) and name in own_fields]

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Django's confirmation of a deletion lists every related record by name, a client
        created by the user or of the organisation included. A record the admin does not show
        is named by its type and id only, as in the audit trail."""
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed: set[str] = set()

        def describe(related: models.Model) -> str:
            opts = related._meta
            if not self.admin_site.is_registered(type(related)):
                return f"{capfirst(opts.verbose_name)} #{related.pk}"
            if not self.admin_site.get_model_admin(type(related)).has_delete_permission(request, related):
                perms_needed.add(str(opts.verbose_name))
            try:
                url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(related.pk)]
                )
            except NoReverseMatch:
                return f"{capfirst(opts.verbose_name)}: {related}"
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, related)

        to_delete = collector.nested(describe)
        protected = [describe(related) for related in collector.protected]
        # (The stubs key model_objs by str; Django keys it by model class.)
        model_count = {
            model._meta.verbose_name_plural: len(found)  # type: ignore[attr-defined]
            for model, found in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return SafeChangeList

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # Recorded before the list is built, so that a refused filter is in the trail too.
        record_event(request=request, action=AuditAction.ADMIN_LIST, model=self.model)
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        self._record_view(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        self._record_view(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def _record_view(self, request: HttpRequest, object_id: str) -> None:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            record_event(request=request, action=AuditAction.VIEW, model=self.model)
        else:
            record_event(request=request, action=AuditAction.VIEW, obj=obj)


def make_safe(admin_class: type[ModelAdmin]) -> type[ModelAdmin]:
    """The admin class with SafeAdminMixin first, so that its rules win."""
    if issubclass(admin_class, SafeAdminMixin):
        return admin_class
    return type(admin_class.__name__, (SafeAdminMixin, admin_class), {"__module__": admin_class.__module__})
