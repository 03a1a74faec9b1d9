"""A fake SMTP server at the network edge: a real socket speaking just enough SMTP for Django's
SMTP backend. It keeps every message it accepted and can run a hook at the moment it accepts one
(after DATA, before its "250"), which is where the fault tests of at-most-once e-mail strike."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
from django.db import connection


@dataclass
class FakeSMTP:
    port: int = 0
    accepted: list[str] = field(default_factory=list)  # one "recipients\tsubject" line each
    on_accept: Callable[[], None] | None = None

    @property
    def mailers(self) -> dict[str, dict[str, object]]:
        """A MAILERS setting that sends through this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 5},
            }
        }


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        fake = self.server.fake
        self.reply("220 fake ESMTP")
        recipients: list[str] = []
        while raw := self.rfile.readline():
            verb = raw.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 fake")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(raw.decode().split(":", 1)[1].strip(" <>\r\n"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                subject = ""
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    if line.lower().startswith(b"subject:"):
                        subject = line.decode().split(":", 1)[1].strip()
                fake.accepted.append(f"{','.join(recipients)}\t{subject}")
                if fake.on_accept is not None:
                    fake.on_accept()
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSMTP


@contextmanager
def fake_smtp() -> Iterator[FakeSMTP]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeSMTP(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.shutdown()
        server.server_close()


def unused_port() -> int:
    """A port nothing listens on (connection refused): an SMTP server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def terminate_this_connection() -> Callable[[], None]:
    """A hook that terminates (pg_terminate_backend, from a second connection) the database
    connection this thread holds now: its next statement fails as if the server killed it."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    dsn = psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname")}
    )

    def kill() -> None:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(100):  # gone for good before the hook returns
                if not admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]
                ).fetchone():
                    return
                time.sleep(0.02)

    return kill
