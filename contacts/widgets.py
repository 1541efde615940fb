from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator


class ClientPicker(forms.Widget):
    """Check boxes for the chosen clients plus a search box that fetches more (htmx).

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


class ActivityTypeChoices(ModelChoiceIterator):
    """Activity types named with their service when the choices come from several services."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        types = list(self.queryset)
        several = len({t.service_id for t in types}) > 1
        for activity_type in types:
            value, label = self.choice(activity_type)
            yield (value, f"{activity_type.service.name} – {label}" if several else label)


class ActivityTypeSelect(forms.Select):
    """A select of activity types whose options name their service (data-service), so that the
    quick entry offers only the types of the service chosen (static/js/liaison.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-service"] = str(instance.service_id)
        return option
