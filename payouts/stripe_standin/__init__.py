"""A local, stateful stand-in for the parts of Stripe that Chorus uses (framework-free WSGI).

The real ``stripe`` library talks to it over HTTP (``STRIPE_API_BASE``): Connect accounts and
account links (with a hosted onboarding page), Checkout Sessions (with a hosted payment page),
transfers and their reversals, the platform balance, events. It keeps state, honours
``Idempotency-Key`` the way Stripe does, answers with Stripe's error shapes, signs webhooks
exactly like Stripe (``Stripe-Signature: t=…,v1=…``) and POSTs them to a configured URL.
Failures (rate limits, server errors, lost responses) are injected through the control API
(``/_control``, see :mod:`payouts.stripe_standin.control`).

Run it with ``python -m payouts.stripe_standin --port 12111``; in tests use
:func:`payouts.stripe_standin.server.running_standin` and
:class:`payouts.stripe_standin.client.StandinControl`.

It imports nothing from Django or the rest of Chorus except the platform simulator's HTTP
plumbing, so it runs as its own process in ``make run``.
"""

from __future__ import annotations

# Accepted by the stand-in (any ``sk_test_`` key is) and refused by the real Stripe, so a
# production that forgot STRIPE_SECRET_KEY fails loudly instead of paying nobody quietly.
STANDIN_SECRET_KEY = "sk_test_chorus_standin"
STANDIN_WEBHOOK_SECRET = "whsec_chorus_standin"
API_VERSION = "2026-10-28.endive"
