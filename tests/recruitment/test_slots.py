"""A slot per promised post: made at acceptance, backfilled for older participations, unique on a
key led by the organization, cancelled with their participation, shown read-only."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from recruitment import services
from recruitment.models import Participation, ParticipationSlot
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory

pytestmark = pytest.mark.django_db

DELIVERABLES = [("tiktok", "video", 2, 15_000), ("instagram", "reel", 1, 20_000)]


def _slots(participation: Participation) -> list[tuple[str, str, int, int, str]]:
    return [
        (s.platform, s.format, s.slot_number, s.fee_cents, s.status)
        for s in ParticipationSlot.objects.filter(participation=participation)
    ]


def test_accepting_creates_one_slot_per_promised_post(access, tenant_a, make_creator):
    campaign = CampaignFactory(brand=tenant_a.brand, deliverables=DELIVERABLES)
    creator, account = make_creator()
    application = services.application_submit(
        creator=creator, campaign=campaign, social_account=account, pitch="Pick me!"
    )

    services.application_decide(access=access, application=application, decision="accept")

    participation = Participation.objects.get(application=application)
    assert _slots(participation) == [
        ("tiktok", "video", 1, 15_000, "open"),
        ("tiktok", "video", 2, 15_000, "open"),
        ("instagram", "reel", 1, 20_000, "open"),
    ]
    slots = list(ParticipationSlot.objects.filter(participation=participation))
    deliverables = list(campaign.deliverables.order_by("position"))
    assert [s.deliverable_id for s in slots] == [deliverables[0].pk] * 2 + [deliverables[1].pk]
    for slot in slots:
        assert slot.organization_id == tenant_a.org.pk
        assert (slot.campaign_id, slot.creator_id) == (campaign.pk, creator.pk)
        assert slot.currency == campaign.currency
        assert (slot.draft_due, slot.post_due) == (campaign.draft_due, campaign.posting_ends)
        assert slot.public_id.startswith("slt_")
    assert sum(s.fee_cents for s in slots) == participation.agreed_total_cents


def test_cancelling_a_participation_cancels_its_slots(access, tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, deliverables=DELIVERABLES)
    participation = ParticipationFactory(campaign=campaign)
    other = ParticipationFactory(campaign=campaign)
    campaign.committed_cents = 2 * participation.agreed_total_cents
    campaign.save(update_fields=["committed_cents"])

    services.participation_cancel(access=access, participation=participation)

    assert {s[4] for s in _slots(participation)} == {"cancelled"}
    assert {s[4] for s in _slots(other)} == {"open"}


def test_a_slot_is_unique_per_organization_participation_deliverable_and_number(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, deliverables=DELIVERABLES)
    participation = ParticipationFactory(campaign=campaign)
    first = ParticipationSlot.objects.filter(participation=participation).first()
    assert first is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationSlot.objects.create(
            organization_id=first.organization_id,
            participation=participation,
            campaign=campaign,
            creator_id=first.creator_id,
            deliverable_id=first.deliverable_id,
            slot_number=first.slot_number,
            platform=first.platform,
            format=first.format,
            fee_cents=first.fee_cents,
            currency=first.currency,
        )


def test_the_migration_backfills_slots_from_agreed_fees(tenant_a):
    backfill = importlib.import_module(
        "recruitment.migrations.0005_participation_slots_backfill"
    ).backfill_participation_slots
    campaign = CampaignFactory(brand=tenant_a.brand, deliverables=DELIVERABLES)
    # Older participations: no slots yet; the fee agreed then differs from today's deliverable.
    older = ParticipationFactory(
        campaign=campaign,
        slots=False,
        agreed_fees=[
            {"platform": "tiktok", "format": "video", "quantity": 2, "fee_cents": 12_000},
            {"platform": "instagram", "format": "reel", "quantity": 1, "fee_cents": 20_000},
        ],
    )
    gone = ParticipationFactory(
        campaign=campaign,
        slots=False,
        status=Participation.Status.CANCELLED,
        agreed_fees=[
            {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15_000},
            {"platform": "youtube", "format": "short", "quantity": 1, "fee_cents": 9_000},
        ],
    )
    already = ParticipationFactory(campaign=campaign)  # made with slots at acceptance
    before = set(ParticipationSlot.objects.filter(participation=already).values_list("pk"))

    backfill(apps, None)
    backfill(apps, None)  # idempotent: a rerun adds nothing

    assert _slots(older) == [
        ("tiktok", "video", 1, 12_000, "open"),
        ("tiktok", "video", 2, 12_000, "open"),
        ("instagram", "reel", 1, 20_000, "open"),
    ]
    # The YouTube deliverable no longer exists: no slot to point at; the rest are cancelled.
    assert _slots(gone) == [("tiktok", "video", 1, 15_000, "cancelled")]
    assert set(ParticipationSlot.objects.filter(participation=already).values_list("pk")) == before
    slot = ParticipationSlot.objects.filter(participation=older).first()
    assert slot is not None
    assert slot.organization_id == tenant_a.org.pk
    assert slot.public_id.startswith("slt_")
    assert isinstance(slot.post_due, datetime.date)


def test_slots_are_listed_read_only_in_the_brand_api(tenant_a, api_client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, deliverables=DELIVERABLES)
    participation = ParticipationFactory(campaign=campaign)
    api = api_client_for(tenant_a)

    row = api.get(f"/api/v1/participations/{participation.public_id}/").json()

    slots = row["slots"]
    assert [(s["platform"], s["slot_number"], s["fee_cents"]) for s in slots] == [
        ("tiktok", 1, 15_000),
        ("tiktok", 2, 15_000),
        ("instagram", 1, 20_000),
    ]
    first = campaign.deliverables.order_by("position").first()
    assert first is not None
    assert slots[0]["deliverable"] == first.public_id
    assert slots[0]["id"].startswith("slt_")
    assert slots[0]["status"] == "open"
    assert slots[0]["post_due"] == campaign.posting_ends.isoformat()


def test_slots_show_to_the_creator_in_the_api_and_on_my_work(
    tenant_a, creator, creator_account, creator_client
):
    campaign = CampaignFactory(brand=tenant_a.brand, deliverables=DELIVERABLES)
    participation = ParticipationFactory(
        campaign=campaign, creator=creator, social_account=creator_account
    )
    slot_ids = list(
        ParticipationSlot.objects.filter(participation=participation).values_list(
            "public_id", flat=True
        )
    )

    row = creator_client.get(f"/api/v1/creator/participations/{participation.public_id}/").json()
    assert [s["id"] for s in row["slots"]] == slot_ids

    page = creator_client.get("/creator/work/").content.decode()
    for public_id in slot_ids:
        assert f'id="slot-{public_id}"' in page


def test_the_participants_page_lists_each_participations_slots(tenant_a, client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, deliverables=DELIVERABLES)
    participation = ParticipationFactory(campaign=campaign)
    url = f"/o/{tenant_a.org.slug}/campaigns/{campaign.public_id}/participants/"

    page = client_for(tenant_a.owner).get(url).content.decode()

    assert "3 posts" in page
    for slot in ParticipationSlot.objects.filter(participation=participation):
        assert f'id="slot-{slot.public_id}"' in page
