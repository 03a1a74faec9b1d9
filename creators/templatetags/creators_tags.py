"""Small display helpers for creator numbers (integers in, text out; no floats stored)."""

from django import template

register = template.Library()


@register.filter
def compact(value: int | None) -> str:
    """12345 -> '12.3k', 1200000 -> '1.2M', 950 -> '950'."""
    if value is None:
        return "—"
    number = int(value)
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(number) >= limit:
            tenths = (abs(number) * 10) // limit
            whole, frac = divmod(tenths, 10)
            sign = "-" if number < 0 else ""
            return (
                f"{sign}{whole}.{frac}{suffix}"
                if frac and whole < 100
                else f"{sign}{whole}{suffix}"
            )
    return str(number)


@register.filter
def bp_percent(value: int | None) -> str:
    """345 basis points -> '3.45%'."""
    if value is None:
        return "—"
    whole, frac = divmod(int(value), 100)
    return f"{whole}.{frac:02d}%"


@register.filter
def initials(name: str) -> str:
    parts = [p for p in (name or "").replace("_", " ").replace(".", " ").split() if p]
    letters = "".join(p[0] for p in parts[:2]) or (name or "?")[:1]
    return letters.upper()
