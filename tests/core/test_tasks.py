"""send_email goes through the real broker to the e-mail queue and a real worker sends it."""

from typing import Any

from django.conf import settings

from core.queues import Queue
from core.tasks import send_email
from tests.core.celery_worker import celery_worker, wait_for


def test_send_email_is_routed_to_the_email_queue_and_sent_by_a_worker(
    db: None, mailoutbox: list[Any]
) -> None:
    # This worker consumes ONLY the e-mail queue: the message arrives only if routed there.
    with celery_worker(queues=[Queue.EMAIL.value]):
        send_email.delay(to=["someone@example.com"], subject="Hello", body="It works.")
        assert wait_for(lambda: len(mailoutbox) == 1), "the e-mail queue's worker never sent it"
    (mail,) = mailoutbox
    assert (mail.to, mail.subject, mail.body) == (["someone@example.com"], "Hello", "It works.")
    assert mail.from_email == settings.DEFAULT_FROM_EMAIL
