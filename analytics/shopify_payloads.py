"""Shopify webhook bodies → what conversions record: ``orders/create`` and ``refunds/create``.

Pure functions (no database): the webhook view runs them on the request to refuse a body that
is not an order or a refund (400, nothing stored), and the inbox worker runs them again to record
it. Money is read from decimal strings, exact to the currency's minor unit; ids stay exact past
2**53. A refund's amounts are in its order's currency, known only once the order is recorded:
the request checks they are decimal strings (``refund_check``), the worker reads them exactly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.utils.dateparse import parse_datetime

from analytics.conversions import OrderIn, RefundIn
from core.money import MAX_AMOUNT_CENTS, is_currency, to_cents

ORDERS_CREATE = "orders/create"
REFUNDS_CREATE = "refunds/create"
TOPICS = (ORDERS_CREATE, REFUNDS_CREATE)


class BadPayload(ValueError):
    pass


def payload_id(value: Any, name: str) -> str:
    # Shopify ids pass 2**53: JSON numbers parse to exact Python ints; strings of digits too.
    if isinstance(value, bool) or value is None:
        raise BadPayload(f"{name} is missing.")
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 64:
        return value.strip()
    raise BadPayload(f"{name} must be a positive integer.")


def _time(value: Any, name: str) -> datetime:
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible (month 13)
        parsed = None
    if parsed is None:
        raise BadPayload(f"{name} must be an ISO-8601 date and time.")
    try:
        # In UTC: an offset such as +18:14 parses but cannot be stored.
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError as exc:
        raise BadPayload(f"{name} is out of range.") from exc
    if not 1970 <= parsed.year <= 2100:
        raise BadPayload(f"{name} is out of range.")
    return parsed


def _cents(value: Any, currency: str, name: str) -> int:
    if not isinstance(value, str):  # Shopify sends money as strings; a float would be inexact
        raise BadPayload(f'{name} must be a decimal string such as "19.99".')
    try:
        cents = to_cents(value, currency)
    except ValueError as exc:
        raise BadPayload(f"{name}: {exc}") from exc
    if not 0 <= cents <= MAX_AMOUNT_CENTS:
        raise BadPayload(f"{name} is out of range.")
    return cents


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not is_currency(value.upper()):
        raise BadPayload("currency must be an ISO-4217 code.")
    return value.upper()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _utm_content(landing_site: Any) -> str:
    """``utm_content`` (our tracking code) from the landing page, a path or a full URL."""
    if not isinstance(landing_site, str) or not landing_site:
        return ""
    values = parse_qs(urlsplit(landing_site).query).get("utm_content", [])
    return values[0].strip()[:32] if values else ""


def _note_attribute(attributes: Any, names: tuple[str, ...]) -> str:
    if not isinstance(attributes, list):
        return ""
    for item in attributes:
        if isinstance(item, dict) and item.get("name") in names:
            return _text(item.get("value"))[:32]
    return ""


def order_from_payload(payload: dict[str, Any]) -> OrderIn:
    currency = _currency(payload.get("currency"))
    # The subtotal after discounts, before shipping and taxes (what the creator's sale was);
    # total_price when a store's payload has no subtotal.
    price = payload.get("current_subtotal_price", payload.get("subtotal_price"))
    if price is None:
        price = payload.get("total_price")
    revenue = _cents(price, currency, "current_subtotal_price")
    discounts = payload.get("discount_codes")
    codes = [
        _text(d.get("code"))[:64]
        for d in (discounts if isinstance(discounts, list) else [])
        if isinstance(d, dict) and _text(d.get("code"))
    ]
    customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
    assert isinstance(customer, dict)
    customer_ref = ""
    if customer.get("id") is not None and not isinstance(customer.get("id"), bool):
        customer_ref = f"id:{customer['id']}"
    elif _text(customer.get("email") or payload.get("email")):
        customer_ref = f"email:{_text(customer.get('email') or payload.get('email'))}"
    client = (
        payload.get("client_details") if isinstance(payload.get("client_details"), dict) else {}
    )
    assert isinstance(client, dict)
    tracking = _utm_content(payload.get("landing_site")) or _note_attribute(
        payload.get("note_attributes"), ("chorus_ref", "tracking_code", "utm_content")
    )
    return OrderIn(
        order_id=payload_id(payload.get("id"), "id"),
        occurred_at=_time(payload.get("created_at"), "created_at"),
        currency=currency,
        revenue_cents=revenue,
        customer_ref=customer_ref,
        browser_ip=_text(client.get("browser_ip"))[:64],
        promo_codes=codes,
        tracking_code=tracking,
    )


def _refund_amounts(payload: dict[str, Any]) -> list[Any]:
    """The amounts of the successful ``refund`` transactions (what left the shop)."""
    transactions = payload.get("transactions")
    if not isinstance(transactions, list):
        raise BadPayload("transactions must be a list.")
    amounts = []
    for txn in transactions:
        if not isinstance(txn, dict):
            raise BadPayload("transactions must hold objects.")
        if txn.get("kind") == "refund" and txn.get("status") in ("success", None):
            amounts.append(txn.get("amount"))
    return amounts


def refund_check(payload: dict[str, Any]) -> str:
    """Refuse a refund body we could never record (before its order's currency is known);
    returns its order id."""
    payload_id(payload.get("id"), "id")
    _time(payload.get("created_at"), "created_at")
    for amount in _refund_amounts(payload):
        try:
            value = Decimal(amount) if isinstance(amount, str) else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value > MAX_AMOUNT_CENTS:
            raise BadPayload('transactions[].amount must be a decimal string such as "19.99".')
    return payload_id(payload.get("order_id"), "order_id")


def refund_from_payload(payload: dict[str, Any], currency: str) -> RefundIn:
    """The refund, its amounts read in its order's ``currency``."""
    total = sum(
        _cents(amount, currency, "transactions[].amount") for amount in _refund_amounts(payload)
    )
    return RefundIn(
        order_id=payload_id(payload.get("order_id"), "order_id"),
        refund_id=payload_id(payload.get("id"), "id"),
        amount_cents=total,
        occurred_at=_time(payload.get("created_at"), "created_at"),
    )
