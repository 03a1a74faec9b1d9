"""Opaque public ids and integer money."""

import re

import pytest

from core.ids import new_public_id
from core.money import CURRENCY_CHOICES, format_money, is_currency
from core.queues import ALL_QUEUES, Queue
from organizations.models import Organization


def test_public_ids_are_prefixed_random_and_never_sequential() -> None:
    ids = {new_public_id("cmp") for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"cmp_[0-9abcdefghjkmnpqrstvwxyz]{20}", i) for i in ids)


def test_a_model_gets_its_public_id_once_and_keeps_it(db: None) -> None:
    org = Organization.objects.create(name="Acme", slug="acme")
    assert org.public_id.startswith("org_")
    first = org.public_id
    org.name = "Acme Group"
    org.save(update_fields=["name"])
    org.refresh_from_db()
    assert org.public_id == first


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (123456, "USD", "USD 1,234.56"),
        (5, "EUR", "EUR 0.05"),
        (-1050, "GBP", "-GBP 10.50"),
        (1500, "JPY", "JPY 1,500"),
        (0, "USD", "USD 0.00"),
    ],
)
def test_money_is_formatted_from_integer_minor_units(cents: int, currency: str, text: str) -> None:
    assert format_money(cents, currency) == text


def test_currencies_are_iso_codes() -> None:
    assert is_currency("USD")
    assert not is_currency("usd")
    assert not is_currency("XXX")
    assert ("EUR", "EUR") in CURRENCY_CHOICES


def test_every_queue_is_listed_for_the_workers() -> None:
    assert ALL_QUEUES.split(",") == [q.value for q in Queue]
    assert Queue.EMAIL.value == "email"


@pytest.mark.parametrize(
    ("typed", "currency", "cents"),
    [("250.00", "USD", 25000), ("1,234.5", "EUR", 123450), ("500", "JPY", 500)],
)
def test_money_typed_in_major_units_round_trips_through_minor_units(
    typed: str, currency: str, cents: int
) -> None:
    from core.money import to_cents, to_major

    assert to_cents(typed, currency) == cents
    assert to_cents(to_major(cents, currency), currency) == cents


def test_money_refuses_floats_and_too_many_decimals() -> None:
    from core.money import to_cents

    with pytest.raises(ValueError, match="float"):
        to_cents(2.5, "USD")
    with pytest.raises(ValueError, match="no decimals"):
        to_cents("1.5", "JPY")
