"""Shared background tasks."""

from celery import shared_task
from django.core.mail import send_mail

from core.queues import Queue


@shared_task(
    queue=Queue.EMAIL, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_email(*, to: list[str], subject: str, body: str) -> None:
    send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
