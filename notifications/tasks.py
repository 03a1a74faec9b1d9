"""Notification e-mail delivery. Thin: load by id, call the service."""

from celery import shared_task

from core.queues import Queue
from notifications import services


@shared_task(
    queue=Queue.EMAIL, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def notification_deliver_email(notification_id: int) -> bool:
    return services.notification_email_deliver(notification_id=notification_id)
