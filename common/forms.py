"""Widgets and validators shared by the apps' forms."""

from django import forms
from django.db.models import QuerySet

from .validators import validate_not_in_future

__all__ = ["ClientPicker", "DateInput", "DateTimeInput", "validate_not_in_future"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ClientPicker(forms.Widget):
    """Check boxes for the chosen clients plus a search box that fetches more (htmx, the
    clients app's picker endpoint, which names its check boxes `clients`: the form field using
    this widget is called `clients`).

    A select listing every client of a large organisation would not scale; this widget
    renders only the clients already chosen, and the form validates ids against the
    user's visible clients as any ModelMultipleChoiceField does.
    """

    template_name = "widgets/client_picker.html"
    allow_multiple_selected = True

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.queryset: QuerySet | None = None

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = [v for v in context["widget"]["value"] if v.isdigit()]
        chosen = list(self.queryset.filter(pk__in=ids)) if (self.queryset is not None and ids) else []
        context["widget"]["chosen"] = chosen
        return context

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_
