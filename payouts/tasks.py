"""Payouts background work. Thin: load by id, call a service (published through the outbox)."""

from celery import shared_task

from core.periodic import once_per_interval
from core.queues import Queue
from payouts import events


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def process_stripe_event(event_row_id: int) -> bool:
    return events.stripe_event_process(event_row_id=event_row_id)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def schedule_payout_run() -> int | None:
    """Beat fires this every PAYOUT_RUN_EVERY: once per interval, it records a scheduled run and
    queues its execution through the outbox (in one transaction)."""
    from payouts.runs import payout_run_every, payout_run_schedule

    @once_per_interval("payouts.tasks.schedule_payout_run", every=payout_run_every())
    def body() -> int:
        return payout_run_schedule().pk

    return body()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def execute_payout_run(run_id: int) -> None:
    from payouts.runs import payout_run_execute_by_id

    payout_run_execute_by_id(run_id=run_id)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def expire_stale_fundings(campaign_id: int) -> int:
    from payouts.funding_expiry import funding_expire_stale

    return funding_expire_stale(campaign_id=campaign_id)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def sweep_stale_fundings() -> int:
    """Beat (every minute): queue the expiry of open Checkout sessions whose campaign changed
    by a path that did not say so (a bulk update). Idempotent."""
    from payouts.funding_expiry import funding_expiry_sweep

    return funding_expiry_sweep()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def reconcile_in_transit() -> int:
    """Beat: transfers in transit too long are checked against the connected accounts."""
    from payouts.settlement import payout_in_transit_reconcile

    return payout_in_transit_reconcile()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def sweep_commissions() -> tuple[int, int]:
    """Beat (every minute) and analytics after an order or refund commits (outbox): accrue
    commissions owed and reverse refunded ones. Idempotent (ledger keys)."""
    from payouts.commissions import commissions_sweep

    return commissions_sweep()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def accrue_view_bonuses() -> int:
    """Beat (every minute): accrue view bonuses of posts whose views grew (exactly once per
    snapshot, capped per post and by the budget). Safe to run twice and concurrently."""
    from payouts.bonuses import bonuses_sweep

    return bonuses_sweep()
