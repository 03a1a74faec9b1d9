"""Notification e-mail delivery. Thin: load by id, call the service."""

from typing import Any

from celery import shared_task
from django.db import DatabaseError

from core.outbox import DeliveryRetry
from core.queues import Queue
from core.tasks import database_retry, retry_delivery
from notifications import services


@shared_task(bind=True, queue=Queue.EMAIL, acks_late=True, max_retries=5)
def notification_deliver_email(
    self: Any, notification_id: int, resume: dict[str, Any] | None = None
) -> bool:
    try:
        return services.notification_email_deliver(notification_id=notification_id, resume=resume)
    except DeliveryRetry as again:
        raise retry_delivery(self, again) from again
    except DatabaseError as exc:  # loading the notification: nothing claimed yet
        raise retry_delivery(self, database_retry(resume)) from exc
