"""Periodic recruitment work (scheduled by Celery beat; see the 0002 migration). Thin."""

from datetime import timedelta

from celery import shared_task

from core.periodic import once_per_interval
from core.queues import Queue
from recruitment import services


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("recruitment.tasks.remind_application_deadlines", every=timedelta(days=1))
def remind_application_deadlines() -> int | None:
    """Invited creators who have not answered hear that the deadline is two days away.
    Idempotent: each invitation is reminded once (``CampaignInvitation.reminded_at``)."""
    return services.deadline_reminders_send()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("recruitment.tasks.expire_invitations", every=timedelta(days=1))
def expire_invitations() -> int | None:
    """Pending invitations of campaigns whose application deadline has passed expire."""
    return services.invitations_expire()
