"""A notification's e-mail is sent at most once, through a real (fake) SMTP server and a real
database whose connection is killed at the worst moments (core.outbox, ``deliver_at_most_once``):
the claim is committed before SMTP and the sent mark written right after, so a connection that
dies after the server took the message does not send it again, a claim that never reached SMTP
is retried, and a claim left by a dead process is reported "unknown", not sent twice."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from core.outbox import SEND_WINDOW, DeliveryRetry
from creators.models import CreatorProfile
from notifications.models import Notification
from notifications.services import (
    notification_email_deliver,
    notification_email_resend,
    notification_send,
)
from notifications.tasks import notification_deliver_email
from recruitment.notifications import Kind
from tests.conftest import Tenant
from tests.core.smtp_server import FakeSMTP, fake_smtp, terminate_this_connection, unused_port

pytestmark = pytest.mark.django_db(transaction=True)

CAMPAIGN = {"campaign_id": "cmp_x", "campaign": "Glow Launch", "brand": "Glow", "org_slug": "acme"}


@pytest.fixture
def smtp(settings: Any) -> Iterator[FakeSMTP]:
    with fake_smtp() as server:
        settings.MAILERS = server.mailers
        yield server


@pytest.fixture
def owed(creator: CreatorProfile, tenant_a: Tenant) -> Notification:
    """A notification whose e-mail is owed (written directly: no delivery has run yet)."""
    return Notification.objects.create(
        recipient=creator.user,
        organization=tenant_a.org,
        kind=Kind.PARTICIPATION_CANCELLED,
        title="Glow Launch: your place was cancelled",
        data=CAMPAIGN,
        email_wanted=True,
    )


def _claim_statement(sql: str) -> bool:
    return sql.lstrip().upper().startswith("UPDATE") and 'SET "email_claimed_at" =' in sql


def test_a_connection_killed_after_smtp_took_the_email_does_not_send_it_again(
    smtp: FakeSMTP, owed: Notification
) -> None:
    smtp.on_accept = terminate_this_connection()  # the worker's connection dies right then
    assert notification_deliver_email.apply(args=[owed.pk]).get() is True
    smtp.on_accept = None
    # The sweep or the broker delivers the same message again: nothing more leaves.
    assert notification_deliver_email.apply(args=[owed.pk]).get() is False
    assert len(smtp.accepted) == 1
    owed.refresh_from_db()
    assert owed.emailed_at is not None
    assert owed.email_state == "sent"


def test_the_whole_path_from_notification_send_sends_once_when_the_connection_dies(
    smtp: FakeSMTP, creator: CreatorProfile, tenant_a: Tenant
) -> None:
    smtp.on_accept = terminate_this_connection()
    with transaction.atomic():
        (row,) = notification_send(
            kind=Kind.PARTICIPATION_CANCELLED,
            recipients=[creator.user],
            organization=tenant_a.org,
            context=CAMPAIGN,
        )
    # Eager Celery: the outbox published (and ran) the e-mail on commit.
    smtp.on_accept = None
    assert notification_deliver_email.apply(args=[row.pk]).get() is False
    assert smtp.accepted == [f"{creator.user.email}\t{row.title}"]


def _fail_the_claim(*, after_commit: bool) -> Callable[..., Any]:
    """A query wrapper that breaks the claim's UPDATE: before it runs (the connection is killed
    for real) or after it committed (the answer is lost: the caller cannot know it committed)."""
    kill = terminate_this_connection()

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        if not _claim_statement(sql):
            return execute(sql, params, many, ctx)
        if after_commit:
            execute(sql, params, many, ctx)
            kill()
            raise OperationalError("server closed the connection unexpectedly")
        kill()
        return execute(sql, params, many, ctx)

    return wrapper


@pytest.mark.parametrize("after_commit", [False, True], ids=["claim-lost", "claim-committed"])
def test_a_claim_that_never_reached_smtp_is_retried_and_sent_once(
    smtp: FakeSMTP, owed: Notification, after_commit: bool
) -> None:
    with (
        connection.execute_wrapper(_fail_the_claim(after_commit=after_commit)),
        pytest.raises(DeliveryRetry) as retry,
    ):
        notification_email_deliver(notification_id=owed.pk)
    assert smtp.accepted == []
    connection.close()
    assert (retry.value.resume or {}).get("unsent")
    # The retry carries the claim's token: a claim that did commit is recognised as its own.
    assert notification_email_deliver(notification_id=owed.pk, resume=retry.value.resume) is True
    assert notification_email_deliver(notification_id=owed.pk) is False
    assert len(smtp.accepted) == 1


def test_a_claim_left_by_a_dead_process_is_never_sent_again_and_shows_as_unknown(
    smtp: FakeSMTP, owed: Notification
) -> None:
    # A claim a moment old: its claimant may still be sending: look again when it would be done.
    Notification.objects.filter(pk=owed.pk).update(
        email_claimed_at=timezone.now() - timedelta(seconds=2)
    )
    with pytest.raises(DeliveryRetry) as retry:
        notification_email_deliver(notification_id=owed.pk)
    assert 0 < retry.value.countdown <= SEND_WINDOW.total_seconds()
    owed.refresh_from_db()
    assert owed.email_state == "sending"
    # Past the window: whoever claimed it died between its claim and its sent mark.
    Notification.objects.filter(pk=owed.pk).update(
        email_claimed_at=timezone.now() - SEND_WINDOW - timedelta(seconds=1)
    )
    assert notification_email_deliver(notification_id=owed.pk) is False
    assert smtp.accepted == []
    owed.refresh_from_db()
    assert (owed.emailed_at, owed.email_state) == (None, "unknown")

    # An operator decides it did not arrive and sends it again: once.
    assert notification_email_resend(notification_ids=[owed.pk]) == 1
    owed.refresh_from_db()
    assert owed.email_state == "sent"
    assert notification_email_resend(notification_ids=[owed.pk]) == 0
    assert len(smtp.accepted) == 1


def test_an_smtp_server_that_is_down_frees_the_claim_and_the_retry_sends(
    settings: Any, smtp: FakeSMTP, owed: Notification
) -> None:
    up = settings.MAILERS
    settings.MAILERS = {
        "default": {**up["default"], "OPTIONS": {**up["default"]["OPTIONS"], "port": unused_port()}}
    }
    with pytest.raises(DeliveryRetry) as retry:
        notification_email_deliver(notification_id=owed.pk)
    assert retry.value.limited  # counts against the task's retries, with back-off
    assert isinstance(retry.value.__cause__, OSError)
    owed.refresh_from_db()
    assert owed.email_state == "pending"  # not sent: free to be sent by the retry
    settings.MAILERS = up
    assert notification_email_deliver(notification_id=owed.pk, resume=retry.value.resume) is True
    assert len(smtp.accepted) == 1
