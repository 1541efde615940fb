"""Hours and shares as the programme pages show them: `7:30`, `62 %`, `1,25`."""

from django import template
from django.utils.formats import number_format

from programmes.staff_time import format_hours

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours and minutes: 450 → 7:30."""
    return format_hours(minutes) if minutes is not None else "–"


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{number_format(round(value * 100), 0)} %"


@register.filter
def fte(value: float | None) -> str:
    return "–" if value is None else number_format(value, 2)
