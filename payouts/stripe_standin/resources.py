"""The Stripe objects the stand-in models, and what changes them.

Each ``create_*``/``update_*`` validates first (raising a StripeApiError that is *not* saved
under the Idempotency-Key) and then executes (errors raised from there on are saved, as Stripe
does). Callers hold ``state.lock``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from payouts.stripe_standin.errors import StripeApiError, invalid, missing, no_such
from payouts.stripe_standin.state import StripeState, new_id

CURRENCY = re.compile(r"^[a-z]{3}$")
MAX_AMOUNT = 99_999_999_99
# What Stripe asks an individual in the US for before transfers are enabled (a plausible subset).
ONBOARDING_REQUIREMENTS = [
    "business_profile.mcc",
    "business_profile.url",
    "external_account",
    "individual.address.city",
    "individual.address.line1",
    "individual.address.postal_code",
    "individual.dob.day",
    "individual.email",
    "individual.first_name",
    "individual.last_name",
    "individual.ssn_last_4",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]
ONBOARDING_OUTCOMES = ("complete", "pending", "incomplete")


# --------------------------------------------------------------------------- parameter helpers


def _str(params: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing(name)
        return None
    if not isinstance(value, str):
        raise invalid(name, f"Invalid string: {name} must be a string.", "parameter_invalid_string")
    return value


def _int(
    params: dict[str, Any], name: str, *, required: bool = False, minimum: int = 0
) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise missing(name)
        return None
    if not isinstance(raw, str) or not re.fullmatch(r"-?\d+", raw):
        raise invalid(name, f"Invalid integer: {raw}", "parameter_invalid_integer")
    value = int(raw)
    if value < minimum:
        raise invalid(name, f"This value must be greater than or equal to {minimum}.")
    if value > MAX_AMOUNT:
        raise invalid(name, f"This value must be less than or equal to {MAX_AMOUNT}.")
    return value


def _currency(params: dict[str, Any], name: str = "currency") -> str:
    value = _str(params, name, required=True) or ""
    if not CURRENCY.match(value.lower()):
        raise invalid(name, f"Invalid currency: {value.lower()}.")
    return value.lower()


def _metadata(params: dict[str, Any], existing: dict[str, str] | None = None) -> dict[str, str]:
    raw = params.get("metadata")
    result = dict(existing or {})
    if raw is None or raw == "":
        return result if raw is None else {}
    if not isinstance(raw, dict):
        raise invalid("metadata", "Invalid hash: metadata must be a hash of strings.")
    for key, value in raw.items():
        if not isinstance(value, str):
            raise invalid(f"metadata[{key}]", "Metadata values must be strings.")
        if len(key) > 40:
            raise invalid("metadata", "Metadata keys can have up to 40 characters.")
        if len(value) > 500:
            raise invalid(f"metadata[{key}]", "Metadata values can have up to 500 characters.")
        if value == "":
            result.pop(key, None)
        else:
            result[key] = value
    if len(result) > 50:
        raise invalid("metadata", "Objects can have at most 50 metadata keys.")
    return result


def _url(params: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = _str(params, name, required=required)
    if value is not None and not re.match(r"^https?://", value):
        raise invalid(name, "Not a valid URL", "url_invalid")
    return value


def _reject_unknown(params: dict[str, Any], allowed: set[str]) -> None:
    for name in params:
        if name not in allowed:
            raise invalid(name, f"Received unknown parameter: {name}", "parameter_unknown")


# --------------------------------------------------------------------------- accounts


def create_account(state: StripeState, params: dict[str, Any]) -> dict[str, Any]:
    _reject_unknown(
        params,
        {
            "controller",
            "capabilities",
            "country",
            "email",
            "metadata",
            "type",
            "business_type",
            "default_currency",
            "expand",
        },
    )
    controller = params.get("controller") or {}
    capabilities = params.get("capabilities") or {}
    if not isinstance(controller, dict) or not isinstance(capabilities, dict):
        raise invalid("controller", "Invalid hash")
    legacy_type = _str(params, "type")
    if legacy_type and controller:
        raise invalid("type", "You cannot pass `type` together with `controller`.")
    if legacy_type and legacy_type not in ("express", "standard", "custom"):
        raise invalid("type", "Invalid type: must be one of express, standard or custom")
    dashboard = ((controller.get("stripe_dashboard") or {}).get("type")) or (
        legacy_type if legacy_type in ("express", "none") else "full" if legacy_type else "express"
    )
    fees = (controller.get("fees") or {}).get("payer") or "application"
    losses = (controller.get("losses") or {}).get("payments") or "application"
    requested = {
        name: "inactive"
        for name, value in capabilities.items()
        if isinstance(value, dict) and value.get("requested") == "true"
    }
    metadata = _metadata(params)
    email = _str(params, "email")
    country = (_str(params, "country") or "US").upper()
    account_id = new_id("acct")
    account = {
        "id": account_id,
        "object": "account",
        "business_type": _str(params, "business_type"),
        "capabilities": requested,
        "charges_enabled": False,
        "controller": {
            "fees": {
                "payer": "application_express"
                if fees == "application" and dashboard == "express"
                else fees
            },
            "is_controller": True,
            "losses": {"payments": losses},
            "requirement_collection": (controller.get("requirement_collection") or "stripe"),
            "stripe_dashboard": {"type": dashboard},
            "type": "application",
        },
        "country": country,
        "created": state.now(),
        "default_currency": (_str(params, "default_currency") or "usd").lower(),
        "details_submitted": False,
        "email": email,
        "metadata": metadata,
        "payouts_enabled": False,
        "requirements": _requirements(currently_due=list(ONBOARDING_REQUIREMENTS)),
        "tos_acceptance": {"date": None},
        "type": {"express": "express", "full": "standard", "none": "custom"}.get(dashboard, "none"),
    }
    return state.put("account", account)


def _requirements(
    *,
    currently_due: list[str] | None = None,
    past_due: list[str] | None = None,
    pending: list[str] | None = None,
    disabled_reason: str | None = None,
    deadline: int | None = None,
) -> dict[str, Any]:
    currently_due = currently_due or []
    past_due = past_due or []
    pending = pending or []
    if disabled_reason is None and (currently_due or past_due):
        disabled_reason = "requirements.past_due"
    elif disabled_reason is None and pending:
        disabled_reason = "requirements.pending_verification"
    return {
        "alternatives": [],
        "current_deadline": deadline,
        "currently_due": currently_due,
        "disabled_reason": disabled_reason,
        "errors": [],
        "eventually_due": sorted(set(currently_due) | set(past_due)),
        "past_due": past_due,
        "pending_verification": pending,
    }


def get_account(state: StripeState, account_id: str) -> dict[str, Any]:
    account = state.get("account", account_id)
    if account is None:
        raise no_such("account", account_id, "account")
    return account


def update_account(
    state: StripeState, account_id: str, params: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The API's ``POST /v1/accounts/:id`` (email, metadata). Returns (account, previous)."""
    _reject_unknown(params, {"email", "metadata", "expand"})
    account = get_account(state, account_id)
    previous: dict[str, Any] = {}
    if "metadata" in params:
        metadata = _metadata(params, account["metadata"])
        if metadata != account["metadata"]:
            previous["metadata"] = account["metadata"]
            account["metadata"] = metadata
    if "email" in params:
        email = _str(params, "email")
        if email != account["email"]:
            previous["email"] = account["email"]
            account["email"] = email
    return account, previous


def onboarding_outcome(account: dict[str, Any], outcome: str) -> dict[str, Any]:
    """What finishing the hosted onboarding does, and returns the previous attributes.

    ``complete``: everything verified, transfers active, payouts enabled. ``pending``: details
    submitted, identity verification pending (transfers pending, payouts not enabled yet).
    ``incomplete``: the creator left before the end (bank account still due)."""
    before = copy.deepcopy(account)
    capabilities = account["capabilities"] or {"transfers": "inactive"}
    if outcome == "complete":
        account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
        account["capabilities"] = {name: "active" for name in capabilities}
        account["requirements"] = _requirements()
        account["tos_acceptance"] = {"date": account["created"]}
    elif outcome == "pending":
        account.update(details_submitted=True, charges_enabled=False, payouts_enabled=False)
        account["capabilities"] = {name: "pending" for name in capabilities}
        account["requirements"] = _requirements(pending=["individual.verification.document"])
        account["tos_acceptance"] = {"date": account["created"]}
    else:
        account.update(details_submitted=False, charges_enabled=False, payouts_enabled=False)
        account["capabilities"] = {name: "inactive" for name in capabilities}
        account["requirements"] = _requirements(currently_due=["external_account"])
    return _previous(before, account)


def control_update_account(account: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | str:
    """The control API's free-form change; returns the previous attributes or an error."""
    before = copy.deepcopy(account)
    for name in ("details_submitted", "payouts_enabled", "charges_enabled"):
        if name in values:
            if not isinstance(values[name], bool):
                return f"{name} must be true or false"
            account[name] = values[name]
    if "transfers" in values:
        if values["transfers"] not in ("active", "inactive", "pending"):
            return "transfers must be active, inactive or pending"
        account["capabilities"] = {**account["capabilities"], "transfers": values["transfers"]}
    lists = {}
    for name in ("currently_due", "past_due", "pending_verification"):
        value = values.get(name, account["requirements"][name])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"{name} must be a list of strings"
        lists[name] = value
    disabled = values.get("disabled_reason", account["requirements"]["disabled_reason"])
    if "disabled_reason" not in values and not any(lists.values()):
        disabled = None
    if disabled is not None and not isinstance(disabled, str):
        return "disabled_reason must be a string or null"
    deadline = values.get("current_deadline", account["requirements"]["current_deadline"])
    if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, int)):
        return "current_deadline must be a unix time or null"
    account["requirements"] = _requirements(
        currently_due=lists["currently_due"],
        past_due=lists["past_due"],
        pending=lists["pending_verification"],
        disabled_reason=disabled,
        deadline=deadline,
    )
    if "metadata" in values:
        if not isinstance(values["metadata"], dict):
            return "metadata must be an object"
        account["metadata"] = {str(k): str(v) for k, v in values["metadata"].items()}
    return _previous(before, account)


def _previous(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Stripe's ``previous_attributes``: the old value of each top-level field that changed."""
    return {key: value for key, value in before.items() if after.get(key) != value}


# --------------------------------------------------------------------------- account links


def create_account_link(
    state: StripeState, params: dict[str, Any], base_url: str
) -> dict[str, Any]:
    _reject_unknown(
        params,
        {"account", "type", "refresh_url", "return_url", "collect", "collection_options", "expand"},
    )
    account_id = _str(params, "account", required=True) or ""
    link_type = _str(params, "type", required=True)
    if link_type not in ("account_onboarding", "account_update"):
        raise invalid("type", "Invalid type: must be one of account_onboarding or account_update")
    refresh_url = _url(params, "refresh_url", required=True)
    return_url = _url(params, "return_url", required=True)
    account = state.get("account", account_id)
    if account is None:
        raise no_such("account", account_id, "account")
    if (
        link_type == "account_update"
        and account["controller"]["stripe_dashboard"]["type"] != "none"
    ):
        raise invalid(
            "type",
            "You cannot create `account_update` type Account Links for accounts with access "
            "to a Stripe-hosted Dashboard.",
        )
    token = new_id("link")
    now = state.now()
    state.put(
        "account_link_private",
        {
            "id": token,
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "expires_at": now + 300,
            "used": False,
        },
    )
    return {
        "object": "account_link",
        "created": now,
        "expires_at": now + 300,
        "url": f"{base_url}/hosted/onboarding/{token}",
    }


# --------------------------------------------------------------------------- checkout sessions


def create_checkout_session(
    state: StripeState, params: dict[str, Any], base_url: str
) -> dict[str, Any]:
    _reject_unknown(
        params,
        {
            "mode",
            "line_items",
            "success_url",
            "cancel_url",
            "metadata",
            "client_reference_id",
            "customer_email",
            "payment_intent_data",
            "expires_at",
            "expand",
            "payment_method_types",
            "currency",
            "locale",
        },
    )
    mode = _str(params, "mode", required=True)
    if mode != "payment":
        raise invalid("mode", "The stand-in models mode=payment only.")
    items = params.get("line_items")
    if not items:
        raise missing("line_items")
    if not isinstance(items, list):
        raise invalid("line_items", "Invalid array")
    total = 0
    currency = None
    line_items = []
    for index, item in enumerate(items):
        name = f"line_items[{index}]"
        if not isinstance(item, dict):
            raise invalid(name, "Invalid hash")
        if "price" in item:
            raise invalid(f"{name}[price]", "The stand-in knows no Prices: use price_data.")
        price_data = item.get("price_data")
        if not isinstance(price_data, dict):
            raise missing(f"{name}[price_data]")
        item_currency = _currency(price_data, "currency")
        unit_amount = _int(price_data, "unit_amount", required=True, minimum=0) or 0
        quantity = _int(item, "quantity", required=True, minimum=1) or 0
        product = price_data.get("product_data") or {}
        product_name = product.get("name") if isinstance(product, dict) else None
        if not product_name:
            raise missing(f"{name}[price_data][product_data][name]")
        if currency and item_currency != currency:
            raise invalid(name, "All line items must have the same currency.")
        currency = item_currency
        total += unit_amount * quantity
        line_items.append(
            {
                "id": new_id("li"),
                "object": "item",
                "amount_total": unit_amount * quantity,
                "currency": item_currency,
                "description": product_name,
                "quantity": quantity,
            }
        )
    success_url = _url(params, "success_url", required=True)
    cancel_url = _url(params, "cancel_url", required=False)
    intent = params.get("payment_intent_data") or {}
    transfer_group = intent.get("transfer_group") if isinstance(intent, dict) else None
    now = state.now()
    session_id = new_id("cs_test")
    session = {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": total,
        "amount_total": total,
        "cancel_url": cancel_url,
        "client_reference_id": _str(params, "client_reference_id"),
        "created": now,
        "currency": currency,
        "customer_email": _str(params, "customer_email"),
        "expires_at": _int(params, "expires_at") or now + 86_400,
        "livemode": False,
        "metadata": _metadata(params),
        "mode": "payment",
        "payment_intent": None,
        "payment_status": "unpaid",
        "status": "open",
        "success_url": success_url,
        "url": f"{base_url}/hosted/checkout/{session_id}",
    }
    state.put("checkout.session", session)
    state.put(
        "checkout.session_private",
        {"id": session_id, "line_items": line_items, "transfer_group": transfer_group},
    )
    return session


def get_checkout_session(state: StripeState, session_id: str) -> dict[str, Any]:
    session = state.get("checkout.session", session_id)
    if session is None:
        raise no_such("checkout.session", session_id, "session")
    return session


def pay_checkout_session(state: StripeState, session: dict[str, Any]) -> bool:
    """The hosted page's "Pay": completes an open session once. Returns whether it was paid now."""
    if session["status"] != "open":
        return False
    private = state.get("checkout.session_private", session["id"]) or {}
    intent = {
        "id": new_id("pi"),
        "object": "payment_intent",
        "amount": session["amount_total"],
        "amount_received": session["amount_total"],
        "currency": session["currency"],
        "latest_charge": new_id("ch"),
        "metadata": session["metadata"],
        "status": "succeeded",
        "transfer_group": private.get("transfer_group"),
    }
    state.put("payment_intent", intent)
    session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
    # Like test card 4000 0000 0000 0077: the charge goes straight to the available balance
    # (no fees in the stand-in, so transfers can spend exactly what the brand paid).
    state.add_available(session["currency"], session["amount_total"])
    return True


def expire_checkout_session(state: StripeState, session_id: str) -> dict[str, Any]:
    session = get_checkout_session(state, session_id)
    if session["status"] != "open":
        raise StripeApiError(
            400,
            f'Only Checkout Sessions with a status in ["open"] can be expired. '
            f'This Checkout Session has a status of "{session["status"]}".',
            executed=True,
        )
    session["status"] = "expired"
    return session


# --------------------------------------------------------------------------- transfers


def create_transfer(state: StripeState, params: dict[str, Any]) -> dict[str, Any]:
    _reject_unknown(
        params,
        {
            "amount",
            "currency",
            "destination",
            "transfer_group",
            "metadata",
            "description",
            "source_transaction",
            "source_type",
            "expand",
        },
    )
    amount = _int(params, "amount", required=True, minimum=1) or 0
    currency = _currency(params)
    destination = _str(params, "destination", required=True) or ""
    metadata = _metadata(params)
    transfer_group = _str(params, "transfer_group")
    account = state.get("account", destination)
    if account is None:
        raise StripeApiError(
            400,
            f"No such destination: '{destination}'",
            code="resource_missing",
            param="destination",
        )
    # From here on the request is executing: its errors are saved under the idempotency key.
    if account["capabilities"].get("transfers") != "active":
        raise StripeApiError(
            400,
            "Your destination account needs to have at least one of the following capabilities "
            "enabled: transfers, crypto_transfers, legacy_payments",
            code="insufficient_capabilities_for_transfer",
            param="destination",
            executed=True,
        )
    if state.available(currency) < amount:
        raise StripeApiError(
            400,
            "You have insufficient available funds in your Stripe account. Try adding funds "
            "directly to your available balance by creating Charges using the "
            "4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance",
            code="balance_insufficient",
            executed=True,
        )
    state.add_available(currency, -amount)
    transfer_id = new_id("tr")
    transfer = {
        "id": transfer_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": new_id("txn"),
        "created": state.now(),
        "currency": currency,
        "description": _str(params, "description"),
        "destination": destination,
        "destination_payment": new_id("py"),
        "livemode": False,
        "metadata": metadata,
        "reversals": {
            "object": "list",
            "data": [],
            "has_more": False,
            "total_count": 0,
            "url": f"/v1/transfers/{transfer_id}/reversals",
        },
        "reversed": False,
        "source_transaction": _str(params, "source_transaction"),
        "source_type": "card",
        "transfer_group": transfer_group,
    }
    return state.put("transfer", transfer)


def get_transfer(state: StripeState, transfer_id: str) -> dict[str, Any]:
    transfer = state.get("transfer", transfer_id)
    if transfer is None:
        raise no_such("transfer", transfer_id)
    return transfer


def reverse_transfer(
    state: StripeState, transfer_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    _reject_unknown(
        params, {"amount", "metadata", "description", "refund_application_fee", "expand"}
    )
    transfer = get_transfer(state, transfer_id)
    remaining = transfer["amount"] - transfer["amount_reversed"]
    amount = _int(params, "amount", minimum=1)
    metadata = _metadata(params)
    if amount is None:
        amount = remaining
    if amount > remaining or remaining == 0:
        raise StripeApiError(
            400,
            f"Transfer {transfer_id} has only {remaining} {transfer['currency']} left to reverse;"
            f" you requested {amount}.",
            param="amount",
            executed=True,
        )
    reversal = {
        "id": new_id("trr"),
        "object": "transfer_reversal",
        "amount": amount,
        "balance_transaction": new_id("txn"),
        "created": state.now(),
        "currency": transfer["currency"],
        "destination_payment_refund": new_id("pyr"),
        "metadata": metadata,
        "source_refund": None,
        "transfer": transfer_id,
    }
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
    reversals = transfer["reversals"]
    reversals["data"].insert(0, reversal)
    reversals["total_count"] += 1
    state.add_available(transfer["currency"], amount)
    return reversal


# --------------------------------------------------------------------------- connected payouts


def connected_balance(state: StripeState, account_id: str, currency: str) -> int:
    """A connected account's balance: what was transferred to it, less reversals and what it
    already paid out to its bank."""
    transferred = sum(
        t["amount"] - t["amount_reversed"]
        for t in state.all("transfer")
        if t["destination"] == account_id and t["currency"] == currency
    )
    paid_out = sum(
        p["amount"]
        for p in state.all("payout")
        if p["account"] == account_id and p["currency"] == currency
    )
    return transferred - paid_out


def pay_out_account(state: StripeState, account_id: str, currency: str) -> dict[str, Any] | None:
    """A connected account's (automatic) payout of its whole balance to its bank, arrived at
    once: the ``payout`` object (``status: paid``), or None when there is nothing to pay out.
    ``account`` is kept aside for the stand-in (Stripe's object does not carry it; the event
    does)."""
    amount = connected_balance(state, account_id, currency)
    if amount <= 0:
        return None
    now = state.now()
    payout = {
        "id": new_id("po"),
        "object": "payout",
        "account": account_id,
        "amount": amount,
        "arrival_date": now,
        "automatic": True,
        "balance_transaction": new_id("txn"),
        "created": now,
        "currency": currency,
        "destination": new_id("ba"),
        "livemode": False,
        "metadata": {},
        "method": "standard",
        "status": "paid",
        "type": "bank_account",
    }
    return state.put("payout", payout)


# --------------------------------------------------------------------------- balance, lists


def balance(state: StripeState) -> dict[str, Any]:
    with state.lock:
        currencies = sorted(state.balance) or ["usd"]
        rows = {c: state.balance.get(c, {"available": 0, "pending": 0}) for c in currencies}
    return {
        "object": "balance",
        "available": [
            {"amount": r["available"], "currency": c, "source_types": {"card": r["available"]}}
            for c, r in rows.items()
        ],
        "pending": [
            {"amount": r["pending"], "currency": c, "source_types": {"card": r["pending"]}}
            for c, r in rows.items()
        ],
        "livemode": False,
    }


def _created_filter(params: dict[str, Any]) -> Any:
    """Stripe's ``created`` list filter: an exact unix time or ``created[gt|gte|lt|lte]``."""
    raw = params.get("created")
    if raw is None or raw == "":
        return lambda _value: True
    if isinstance(raw, str):
        exact = _int(params, "created")
        return lambda value: value == exact
    if not isinstance(raw, dict):
        raise invalid("created", "Invalid hash")
    bounds = {}
    for op in raw:
        if op not in ("gt", "gte", "lt", "lte"):
            raise invalid(f"created[{op}]", f"Received unknown parameter: created[{op}]")
        bounds[op] = _int(raw, op, required=True)
    checks = {
        "gt": lambda v, b: v > b,
        "gte": lambda v, b: v >= b,
        "lt": lambda v, b: v < b,
        "lte": lambda v, b: v <= b,
    }
    return lambda value: all(checks[op](value, bound) for op, bound in bounds.items())


def list_of(
    rows: list[dict[str, Any]], url: str, params: dict[str, Any], **filters: Any
) -> dict[str, Any]:
    """Stripe's list object, newest first, with ``limit``, ``starting_after`` and ``created``
    (``created[gte]=…``) besides the exact-match ``filters``."""
    created = _created_filter(params)
    selected = [
        r
        for r in rows
        if all(r.get(k) == v for k, v in filters.items() if v is not None)
        and created(r.get("created", 0))
    ]
    selected.sort(key=lambda r: (r.get("created", 0), r["id"]), reverse=True)
    after = params.get("starting_after")
    if isinstance(after, str) and after:
        ids = [r["id"] for r in selected]
        selected = selected[ids.index(after) + 1 :] if after in ids else []
    limit = 10
    raw_limit = params.get("limit")
    if isinstance(raw_limit, str) and raw_limit.isdigit():
        limit = max(1, min(int(raw_limit), 100))
    return {
        "object": "list",
        "data": selected[:limit],
        "has_more": len(selected) > limit,
        "url": url,
    }
