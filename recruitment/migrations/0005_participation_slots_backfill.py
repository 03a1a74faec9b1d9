"""Give every existing participation its slots: one per promised post.

The promise is the participation's ``agreed_fees`` snapshot ([{platform, format, quantity,
fee_cents}]); each entry is matched to the campaign's deliverable of that platform and format
(a campaign has at most one per pair). Fees come from the snapshot, not today's deliverable.
An entry whose deliverable no longer exists (only possible for a cancelled participation) has no
slot. Slots of a cancelled participation are cancelled. Idempotent: existing slots are kept.
"""

import secrets

from django.db import migrations

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # as core.ids (migrations do not import app code)


def _public_id() -> str:
    return "slt_" + "".join(secrets.choice(_ALPHABET) for _ in range(20))


def backfill_participation_slots(apps, schema_editor):
    Participation = apps.get_model("recruitment", "Participation")
    ParticipationSlot = apps.get_model("recruitment", "ParticipationSlot")
    Deliverable = apps.get_model("campaigns", "Deliverable")
    done = set(ParticipationSlot.objects.values_list("participation_id", flat=True).distinct())
    participations = (
        Participation.objects.exclude(pk__in=done)
        .select_related("campaign")
        .order_by("campaign_id", "id")
    )
    deliverables_of: dict[int, dict[tuple[str, str], object]] = {}
    batch = []
    for participation in participations.iterator(chunk_size=500):
        campaign = participation.campaign
        if campaign.pk not in deliverables_of:
            deliverables_of[campaign.pk] = {
                (d.platform, d.format): d for d in Deliverable.objects.filter(campaign=campaign)
            }
        by_kind = deliverables_of[campaign.pk]
        status = "cancelled" if participation.status == "cancelled" else "open"
        for fee in participation.agreed_fees or []:
            deliverable = by_kind.get((fee.get("platform"), fee.get("format")))
            if deliverable is None:
                continue
            for number in range(1, int(fee.get("quantity") or 0) + 1):
                batch.append(
                    ParticipationSlot(
                        public_id=_public_id(),
                        organization_id=participation.organization_id,
                        participation_id=participation.pk,
                        campaign_id=campaign.pk,
                        creator_id=participation.creator_id,
                        deliverable_id=deliverable.pk,
                        slot_number=number,
                        platform=deliverable.platform,
                        format=deliverable.format,
                        fee_cents=int(fee.get("fee_cents") or 0),
                        currency=participation.currency,
                        draft_due=campaign.draft_due,
                        post_due=campaign.posting_ends,
                        status=status,
                    )
                )
        if len(batch) >= 1000:
            ParticipationSlot.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        ParticipationSlot.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0004_participation_slots"),
    ]

    operations = [
        migrations.RunPython(backfill_participation_slots, migrations.RunPython.noop),
    ]
