"""An e-mail backend for the fault tests: one line per message appended to a file, so a test can
count what every worker process really sent (O_APPEND writes of one line do not interleave)."""

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class AppendLineBackend(BaseEmailBackend):
    def __init__(self, *args: Any, path: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path = path

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        with open(self.path, "a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(f"{','.join(message.to)}\t{message.subject}\n")
                log.flush()
        return len(email_messages)
