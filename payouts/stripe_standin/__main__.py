"""``python -m payouts.stripe_standin --port 12111``: serve the Stripe stand-in until Ctrl-C."""

from __future__ import annotations

import argparse
import os

from payouts.stripe_standin import STANDIN_SECRET_KEY, STANDIN_WEBHOOK_SECRET
from payouts.stripe_standin.server import create_standin_server
from payouts.stripe_standin.state import StripeState


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m payouts.stripe_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument(
        "--webhook-url",
        default=os.environ.get("STRIPE_STANDIN_WEBHOOK_URL", ""),
        help="where events are POSTed as they happen (our /webhooks/stripe/)",
    )
    parser.add_argument(
        "--webhook-secret",
        action="append",
        default=None,
        help=f"signing secret (repeat during a rotation; default {STANDIN_WEBHOOK_SECRET})",
    )
    parser.add_argument(
        "--state-file",
        default=os.environ.get("STRIPE_STANDIN_STATE_FILE", ""),
        help="JSON file that keeps accounts, sessions, transfers and the balance",
    )
    parser.add_argument("--public-url", default="", help="base URL of hosted pages (default: Host)")
    args = parser.parse_args(argv)
    state = StripeState(state_file=args.state_file or None)
    state.webhook_url = args.webhook_url or None
    state.webhook_secrets = args.webhook_secret or [STANDIN_WEBHOOK_SECRET]
    server = create_standin_server(
        args.host, args.port, state=state, public_url=args.public_url or None
    )
    base = f"http://{args.host}:{server.server_address[1]}"
    print(
        f"Stripe stand-in on {base} (key {STANDIN_SECRET_KEY}; control API at {base}/_control)",
        flush=True,
    )
    if state.webhook_url:
        print(f"  webhooks to {state.webhook_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
