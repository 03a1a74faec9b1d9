"""Stripe: where the API is, the keys, the webhook secrets.

Like the platform simulator, the local Stripe stand-in (``python -m payouts.stripe_standin``) is
the default, never an override: ``STRIPE_STANDIN_URL`` (set by ``make run``) supplies
``STRIPE_API_BASE`` and ``STRIPE_CONNECT_BASE`` and the stand-in's test key and signing secret
where they are unset; explicit values always win, and with neither the real Stripe is used.

- ``STRIPE_API_BASE``: the stripe library's ``api`` base address (``StripeClient(base_addresses=
  {"api": …})``), e.g. ``https://api.stripe.com``.
- ``STRIPE_CONNECT_BASE``: its ``connect`` base address (Connect OAuth / hosted pages).
- ``STRIPE_SECRET_KEY``: ``sk_live_…`` / ``sk_test_…``.
- ``STRIPE_WEBHOOK_SECRETS``: comma-separated ``whsec_…`` secrets of the webhook endpoint; during a
  rotation list both, a delivery signed by any of them is accepted (``STRIPE_WEBHOOK_SECRET``, a
  single one, is still read).
"""

from config.env import env

# The stand-in's own key and secret (payouts.stripe_standin; kept in step by hand, settings
# import no app code). Any sk_test_ key works there; the real Stripe refuses this one.
_STANDIN_SECRET_KEY = "sk_test_chorus_standin"
_STANDIN_WEBHOOK_SECRET = "whsec_chorus_standin"

STRIPE_STANDIN_URL = env.str("STRIPE_STANDIN_URL", default="").rstrip("/")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="") or (
    STRIPE_STANDIN_URL or "https://api.stripe.com"
)
STRIPE_CONNECT_BASE = env.str("STRIPE_CONNECT_BASE", default="") or (
    STRIPE_STANDIN_URL or "https://connect.stripe.com"
)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="") or (
    _STANDIN_SECRET_KEY if STRIPE_STANDIN_URL else ""
)
STRIPE_WEBHOOK_SECRETS: list[str] = [
    *env.list("STRIPE_WEBHOOK_SECRETS", default=[]),
    *([env.str("STRIPE_WEBHOOK_SECRET")] if env.str("STRIPE_WEBHOOK_SECRET", default="") else []),
] or ([_STANDIN_WEBHOOK_SECRET] if STRIPE_STANDIN_URL else [])
# Deliveries signed longer ago than this are refused (replays); Stripe's library default.
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
# Connection errors, 409s and 5xx are retried by the library with the same Idempotency-Key.
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=20)
