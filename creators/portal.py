"""Hooks that let downstream apps add to the creator portal without creators importing them.

Apps to the right of creators (recruitment, submissions, payouts) register a home section in
their ``AppConfig.ready()``::

    from creators.portal import register_home_section

    def campaign_cards(request, profile):
        return "recruitment/_home_cards.html", {"campaigns": ...}   # or None to show nothing

    register_home_section("recruitment.campaigns", campaign_cards, order=10)

The creator home renders each section's template (with the request) below the checklist,
in ``order``; a section registered with ``slot="top"`` (an alert the creator must act on) is
rendered above everything else instead. A section that raises is logged and left out, so one
app cannot break the home.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from creators.models import CreatorProfile

logger = logging.getLogger(__name__)

HomeSection = Callable[[HttpRequest, CreatorProfile], tuple[str, dict[str, Any]] | None]
Slot = Literal["top", "main"]
_SECTIONS: dict[str, tuple[int, HomeSection, Slot]] = {}


def register_home_section(
    key: str, section: HomeSection, *, order: int = 100, slot: Slot = "main"
) -> None:
    """Add (or replace, by ``key``) a section of the creator home page."""
    _SECTIONS[key] = (order, section, slot)


def unregister_home_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def render_home_sections(
    request: HttpRequest, profile: CreatorProfile, *, slot: Slot = "main"
) -> list[SafeString]:
    rendered: list[SafeString] = []
    for key, (_, section, where) in sorted(
        _SECTIONS.items(), key=lambda item: (item[1][0], item[0])
    ):
        if where != slot:
            continue
        try:
            result = section(request, profile)
            if result is None:
                continue
            template, context = result
            html = render_to_string(template, {"profile": profile, **context}, request=request)
        except Exception:  # one broken section must not take the home page down
            logger.exception("creator home section %s failed", key)
            continue
        rendered.append(mark_safe(html))  # noqa: S308 (rendered by Django's auto-escaping templates)
    return rendered
