"""Serve the simulator: a threading wsgiref server, quiet, startable in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from platforms.simulator import PLATFORMS
from platforms.simulator.app import WSGIApp, make_app


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a stuck client must not keep the process alive
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # no access log: tests and the demo runner stay readable


def create_server(
    host: str = "127.0.0.1", port: int = 0, app: WSGIApp | None = None
) -> ThreadingWSGIServer:
    server = make_server(
        host, port, app or make_app(), server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    assert isinstance(server, ThreadingWSGIServer)
    return server


def platform_base_urls(base_url: str) -> dict[str, str]:
    """``PLATFORM_BASE_URLS`` for a simulator at ``base_url``."""
    return {platform: f"{base_url.rstrip('/')}/{platform}" for platform in PLATFORMS}


def short_link_base_urls(base_url: str) -> dict[str, str]:
    """``PLATFORM_SHORT_LINK_BASE_URLS`` for a simulator at ``base_url``."""
    short = f"{base_url.rstrip('/')}/tiktok/short"
    return {
        host: short for host in ("vm.tiktok.com", "vt.tiktok.com", "www.tiktok.com", "tiktok.com")
    }


def slowed(app: WSGIApp, call_delay: float) -> WSGIApp:
    """``app`` with every platform call taking ``call_delay`` seconds longer (control calls
    answer at once): a slow platform, so a test can act while calls are in flight."""

    def slow(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not str(environ.get("PATH_INFO", "")).startswith("/_control"):
            time.sleep(call_delay)
        return app(environ, start_response)

    return slow


@contextmanager
def running_simulator(
    port: int = 0, host: str = "127.0.0.1", *, call_delay: float = 0.0
) -> Iterator[str]:
    """Run a fresh simulator (own state) in a background thread; yield its base URL.

    ``port=0`` picks a free port. Platform base URLs are ``<base_url>/tiktok`` etc.
    (see :func:`platform_base_urls`); the control API is at ``<base_url>/_control``.
    ``call_delay`` slows every platform call by that many seconds (see :func:`slowed`).
    """
    app = make_app()
    server = create_server(host, port, slowed(app, call_delay) if call_delay else app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="platform-simulator",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
