"""Demo recruitment: a living queue on the Glow campaign, consistent budget, idempotent."""

import pytest
from django.db import transaction
from django.db.models import Sum

from campaigns.demo import GLOW_LAUNCH, seed_campaigns_demo
from campaigns.models import Campaign
from creators.demo import seed_creators_demo
from recruitment import services
from recruitment.demo import seed_recruitment_demo
from recruitment.models import Application, CampaignInvitation, Participation
from web.demo import seed_demo

pytestmark = pytest.mark.django_db


def _seed_all() -> dict[str, int]:
    with transaction.atomic():  # the lead's seed_demo may wrap everything in one transaction
        seed_demo()
        seed_creators_demo()
        seed_campaigns_demo()
        return seed_recruitment_demo()


def test_the_demo_fills_the_glow_queue_consistently_and_idempotently() -> None:
    counts = _seed_all()
    glow = Campaign.objects.get(name=GLOW_LAUNCH)
    assert counts["accepted"] == 8
    assert counts["pending"] == 15
    assert counts["waitlisted"] == 2
    assert counts["declined"] == 2

    participations = Participation.objects.filter(campaign=glow)
    assert participations.count() == 8
    assert all(p.tracking_code and p.promo_code.startswith("GLOW-") for p in participations)
    glow.refresh_from_db()
    total = participations.aggregate(s=Sum("agreed_total_cents"))["s"]
    assert glow.committed_cents == total == 8 * glow.per_creator_fee_cents

    snapshot = (
        Application.objects.count(),
        Participation.objects.count(),
        CampaignInvitation.objects.count(),
        glow.committed_cents,
    )
    _seed_all()
    glow.refresh_from_db()
    assert (
        Application.objects.count(),
        Participation.objects.count(),
        CampaignInvitation.objects.count(),
        glow.committed_cents,
    ) == snapshot


def test_the_demo_creator_has_a_pending_invitation_they_can_accept_and_a_participation() -> None:
    _seed_all()
    invitation = CampaignInvitation.objects.get(
        creator__user__email="creator@demo.chorus.test", status="pending"
    )
    assert invitation.campaign.name == GLOW_LAUNCH
    assert (
        Participation.objects.filter(creator__user__email="creator@demo.chorus.test").count() == 1
    )

    services.invitation_respond(creator=invitation.creator, invitation=invitation, accept=True)
    assert (
        Participation.objects.filter(creator__user__email="creator@demo.chorus.test").count() == 2
    )
