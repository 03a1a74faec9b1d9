"""Display helpers for the discovery pages."""

from django import template
from django.http import QueryDict

from core.taxonomy import COUNTRIES, Niche
from platforms.types import Platform

register = template.Library()

_NICHES = dict(Niche.choices)


@register.filter
def niche_label(value: str) -> str:
    return str(_NICHES.get(value, value))


@register.filter
def country_name(code: str) -> str:
    return COUNTRIES.get((code or "").upper(), code or "—")


@register.simple_tag
def query_with(query: str, **changes: object) -> str:
    """The search's query string with some parameters changed (None or "" removes one)."""
    params = QueryDict(query, mutable=True)
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    return params.urlencode()


@register.filter
def sort_arrow(current: str, column: str) -> str:
    """'▼' when the results are sorted by this column (descending), '▲' ascending."""
    if current == f"{column}_desc":
        return "▼"
    if current == f"{column}_asc":
        return "▲"
    return ""


@register.filter
def platform_label(value: str) -> str:
    try:
        return str(Platform(value).label)
    except ValueError:
        return value
