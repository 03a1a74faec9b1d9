from django import template

from core.money import format_money

register = template.Library()


@register.simple_tag
def money(amount_cents: int | None, currency: str) -> str:
    """{% money campaign.budget_cents campaign.currency %} -> 'USD 5,000.00'."""
    if amount_cents is None:
        return "—"
    return format_money(int(amount_cents), currency)
