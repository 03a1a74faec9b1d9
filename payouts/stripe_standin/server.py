"""Serve the stand-in: the platform simulator's quiet threading WSGI server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from payouts.stripe_standin.app import make_app
from payouts.stripe_standin.state import StripeState
from platforms.simulator.server import ThreadingWSGIServer, create_server


def create_standin_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    state: StripeState | None = None,
    public_url: str | None = None,
) -> ThreadingWSGIServer:
    return create_server(host, port, make_app(state, public_url=public_url))


@contextmanager
def running_standin(port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """A fresh stand-in (own state) in a background thread; yields its base URL, which is
    ``STRIPE_API_BASE`` (the library adds ``/v1/…``). ``port=0`` picks a free port."""
    server = create_standin_server(host, port)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="stripe-standin",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
