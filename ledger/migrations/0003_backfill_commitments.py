"""Post the ledger's view of what existed before it: every active or completed participation's
commitment (``commit:participation:<id>``: budget → committed, its agreed total) and, for each of
its slots whose live post is approved, the accrual (``accrue:slot:<id>``: committed → payable,
the slot's fee). Cancelled participations released their fees already: nothing to post.

Campaign.committed_cents is not touched (it already holds these commitments);
ledger.selectors.ledger_check_campaign compares the two. Idempotent: existing keys are skipped.
"""

import secrets

from django.db import migrations
from django.db.models import F

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # as core.ids (migrations do not import app code)


def _public_id() -> str:
    return "ltx_" + "".join(secrets.choice(_ALPHABET) for _ in range(20))


def backfill(apps, schema_editor):
    Participation = apps.get_model("recruitment", "Participation")
    ParticipationSlot = apps.get_model("recruitment", "ParticipationSlot")
    Submission = apps.get_model("submissions", "Submission")
    LedgerAccount = apps.get_model("ledger", "LedgerAccount")
    Transaction = apps.get_model("ledger", "Transaction")
    Entry = apps.get_model("ledger", "Entry")

    def account(p, kind, creator_id):
        acc, _ = LedgerAccount.objects.get_or_create(
            organization_id=p.organization_id,
            campaign_id=p.campaign_id,
            creator_id=creator_id,
            kind=kind,
            currency=p.currency,
        )
        return acc

    def post(p, kind, key, lines, data):
        if Transaction.objects.filter(organization_id=p.organization_id, key=key).exists():
            return
        txn = Transaction.objects.create(
            public_id=_public_id(),
            organization_id=p.organization_id,
            campaign_id=p.campaign_id,
            kind=kind,
            key=key,
            data={**data, "backfilled": True},
        )
        for acc, amount in lines:
            Entry.objects.create(
                organization_id=p.organization_id,
                transaction=txn,
                account=acc,
                amount_cents=amount,
                currency=p.currency,
            )
            LedgerAccount.objects.filter(pk=acc.pk).update(
                balance_cents=F("balance_cents") + amount
            )

    participations = Participation.objects.filter(
        status__in=["active", "completed"], agreed_total_cents__gt=0
    ).order_by("id")
    for p in participations.iterator():
        budget = account(p, "budget", None)
        committed = account(p, "committed", p.creator_id)
        total = p.agreed_total_cents
        post(
            p,
            "commit",
            f"commit:participation:{p.pk}",
            [(budget, -total), (committed, total)],
            {"participation": p.public_id},
        )
        approved_slots = ParticipationSlot.objects.filter(
            participation_id=p.pk,
            fee_cents__gt=0,
            pk__in=Submission.objects.filter(participation_id=p.pk, stage="done").values(
                "slot_id"
            ),
        ).order_by("id")
        payable = None
        for slot in approved_slots:
            payable = payable or account(p, "payable", p.creator_id)
            post(
                p,
                "accrue",
                f"accrue:slot:{slot.pk}",
                [(committed, -slot.fee_cents), (payable, slot.fee_cents)],
                {"slot": slot.public_id},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_database_enforced_ledger"),
        ("recruitment", "0005_participation_slots_backfill"),
        ("submissions", "0002_periodic_tasks"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
