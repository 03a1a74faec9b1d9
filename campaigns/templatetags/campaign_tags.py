"""Template helpers for campaigns: ``{% load campaign_tags %}``.

- ``{{ campaign.brief|brief_html }}``: the brief rendered and sanitised (campaigns.rendering).
- ``{{ campaign.status|status_badge_class }}``: a CSS modifier for the status badge.
- ``platform_label``, ``niche_labels``, ``country_names``, ``bp_percent``: display helpers.
"""

from django import template
from django.utils.safestring import SafeString

from campaigns.rendering import render_brief
from core.taxonomy import COUNTRIES, Niche
from platforms.types import Platform

register = template.Library()

_BADGE = {
    "draft": "badge-draft",
    "recruiting": "ok",
    "active": "badge-active",
    "completed": "badge-done",
    "archived": "badge-archived",
}


@register.filter
def brief_html(text: str | None) -> SafeString:
    return render_brief(text)


@register.filter
def status_badge_class(status: str) -> str:
    return _BADGE.get(status, "")


@register.filter
def platform_label(value: str) -> str:
    """'tiktok' → 'TikTok'."""
    return str(dict(Platform.choices).get(value, value))


@register.filter
def niche_labels(values: list[str] | None) -> str:
    """['beauty', 'food'] → 'Beauty & skincare, Food & drink' ('' for none)."""
    labels = dict(Niche.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])


@register.filter
def country_names(values: list[str] | None) -> str:
    return ", ".join(COUNTRIES.get(v, v) for v in values or [])


@register.filter
def bp_percent(value: int | None) -> str:
    """Basis points → a percentage with two decimals, integer arithmetic: 250 → '2.50%'."""
    whole, frac = divmod(int(value or 0), 100)
    return f"{whole}.{frac:02d}%"
