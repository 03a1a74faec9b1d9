"""Money: integer minor units (``amount_cents``) plus an ISO-4217 currency, never a float.

The one place that knows currencies, their minor-unit exponents, how to parse an amount a person
typed and how to show one. Campaigns, recruitment and payouts all use it.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

# ISO 4217 currencies Stripe Connect pays out in, with their minor-unit exponent.
CURRENCY_EXPONENT: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "BRL": 2,
    "MXN": 2,
    "SGD": 2,
    "JPY": 0,
    "KRW": 0,
    "INR": 2,
    "ZAR": 2,
    "AED": 2,
}
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_EXPONENT)]

# Sanity limit on any single amount (far above any real campaign; keeps integers in the columns).
MAX_AMOUNT_CENTS = 10**12  # 10 billion in a 2-decimal currency


def is_currency(code: str) -> bool:
    return code in CURRENCY_EXPONENT


def exponent(currency: str) -> int:
    """Minor-unit digits of ``currency`` (2 when unknown, as most currencies have)."""
    return CURRENCY_EXPONENT.get(currency, 2)


def format_money(amount_cents: int, currency: str) -> str:
    """'1234', 'USD' -> 'USD 12.34' (integer arithmetic only)."""
    digits = exponent(currency)
    sign = "-" if amount_cents < 0 else ""
    whole, frac = divmod(abs(amount_cents), 10**digits)
    if digits == 0:
        return f"{sign}{currency} {whole:,}"
    return f"{sign}{currency} {whole:,}.{frac:0{digits}d}"


def to_cents(amount: Any, currency: str) -> int:
    """'250.00' (a Decimal or str in major units) → 25000, exactly; raises ValueError if it has
    more decimals than the currency allows. No floats."""
    if isinstance(amount, float):
        raise ValueError("Money is never a float.")
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError("Enter an amount such as 250.00.") from exc
    if not value.is_finite():
        raise ValueError("Enter an amount such as 250.00.")
    digits = exponent(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        places = "no decimals" if digits == 0 else f"at most {digits} decimals"
        raise ValueError(f"{currency} amounts take {places}.")
    return int(scaled)


def to_major(cents: int | None, currency: str) -> str:
    """25000, 'USD' → '250.00' (for form initial values); '' for None. Integer arithmetic only."""
    if cents is None:
        return ""
    digits = exponent(currency)
    return str(Decimal(cents).scaleb(-digits).quantize(Decimal(1).scaleb(-digits)))
