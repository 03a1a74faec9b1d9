"""Abstract bases shared by every app."""

from typing import ClassVar

from django.db import models

from core.ids import new_public_id


class PublicIdModel(models.Model):
    """A model addressed from URLs and the API by an opaque id such as ``org_4kq…``."""

    public_id_prefix: ClassVar[str] = "obj"

    public_id = models.CharField(max_length=32, unique=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.public_id:
            self.public_id = new_public_id(self.public_id_prefix)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OutboxTask(models.Model):
    """A piece of background work, written in the transaction that asks for it (a transactional
    outbox). Published to the broker after commit and again by ``core.tasks.outbox_sweep`` until
    a worker completes it, so a broker that is down, restarted or that lost a message only delays
    the work. See ``core.outbox``."""

    task = models.CharField(max_length=200)  # the Celery task's name
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=50)
    # At most one unfinished row per key: asking again for the same work reuses it.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)  # last successful publish
    attempts = models.PositiveIntegerField(default=0)  # publishes so far
    next_attempt_at = models.DateTimeField(db_index=True)  # when the sweep publishes it (again)
    started_at = models.DateTimeField(null=True, blank=True)  # a worker's claim (e-mails)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=("next_attempt_at",),
                condition=models.Q(completed_at__isnull=True),
                name="outbox_due",
            ),
            models.Index(fields=("completed_at",), name="outbox_completed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("dedupe_key",),
                condition=models.Q(completed_at__isnull=True, dedupe_key__isnull=False),
                name="outbox_one_open_row_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({'done' if self.completed_at else 'open'})"

    @property
    def celery_task_id(self) -> str:
        return f"outbox-{self.pk}"


class PeriodicRun(models.Model):
    """A periodic job's claim on one interval: the unique constraint lets exactly one run per
    (job, interval) happen, however many beats fire it (see ``core.periodic``)."""

    job = models.CharField(max_length=200)
    interval_start = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("job", "interval_start"), name="periodic_run_once"),
        ]
        indexes = [models.Index(fields=("job", "-started_at"), name="periodic_run_recent")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.interval_start:%Y-%m-%d %H:%M:%S}"
