"""Periodic recruitment work (scheduled by Celery beat; see the 0002 migration). Thin."""

from celery import shared_task

from core.queues import Queue
from recruitment import services


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def remind_application_deadlines() -> int:
    """Invited creators who have not answered hear that the deadline is two days away.
    Idempotent: each invitation is reminded once (``CampaignInvitation.reminded_at``)."""
    return services.deadline_reminders_send()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def expire_invitations() -> int:
    """Pending invitations of campaigns whose application deadline has passed expire."""
    return services.invitations_expire()
