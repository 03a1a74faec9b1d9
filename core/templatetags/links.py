from typing import Any

from django import template

from core.links import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute(context: dict[str, Any], path: str) -> str:
    """{% absolute p.tracking_path %} -> the link on the host this page was served from."""
    return absolute_url(path, context.get("request"))
