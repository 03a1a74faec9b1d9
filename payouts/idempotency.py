"""``Idempotency-Key`` for API POSTs that move money, the way Stripe's API does it: the same key
and the same body answer the saved response; the same key with another body is refused
(``idempotency_key_reused``, 422); a request still running under the key is refused
(``idempotency_key_in_use``, 409). Keys are kept per organization and endpoint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from core.errors import ChorusError
from organizations.models import Organization
from payouts.models import ApiIdempotencyKey

MAX_KEY_LENGTH = 255


def fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    *,
    organization: Organization,
    endpoint: str,
    key: str | None,
    body: Any,
    run: Callable[[], tuple[int, Any]],
) -> tuple[int, Any, bool]:
    """(status, data, replayed). Without a key, ``run()`` simply runs."""
    if not key:
        status, data = run()
        return status, data, False
    if len(key) > MAX_KEY_LENGTH:
        raise ChorusError(
            "invalid_idempotency_key",
            f"The Idempotency-Key header is at most {MAX_KEY_LENGTH} characters.",
            fields={"Idempotency-Key": ["Too long."]},
        )
    digest = fingerprint(body)
    try:
        with transaction.atomic(durable=True):
            row = ApiIdempotencyKey.objects.create(
                organization=organization, endpoint=endpoint, key=key, fingerprint=digest
            )
    except IntegrityError:
        saved = ApiIdempotencyKey.objects.get(organization=organization, endpoint=endpoint, key=key)
        if saved.fingerprint != digest:
            raise ChorusError(
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request body. Use a new key for "
                "a new request.",
                status_code=422,
            ) from None
        if saved.status_code is None:
            raise ChorusError(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                status_code=409,
            ) from None
        return saved.status_code, saved.response, True
    try:
        status, data = run()
    except BaseException:
        ApiIdempotencyKey.objects.filter(pk=row.pk).delete()  # the request can be tried again
        raise
    ApiIdempotencyKey.objects.filter(pk=row.pk).update(status_code=status, response=data)
    return status, data, False
