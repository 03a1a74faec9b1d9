"""Scenes for the ledger tests: a campaign with two slots per creator, and how to read it."""

from typing import Any

from django.db import transaction

from campaigns.models import Campaign
from ledger.models import AccountKind, LedgerAccount
from ledger.services import commitment_reserve
from recruitment.models import Participation
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory

# Two promised posts per creator: 10,000 + 5,000.
DELIVERABLES = [("tiktok", "video", 1, 10_000), ("instagram", "reel", 1, 5_000)]
TOTAL = 15_000


def campaign(**kwargs: Any) -> Campaign:
    return CampaignFactory(deliverables=DELIVERABLES, **kwargs)


def joined(campaign: Campaign, **kwargs: Any) -> Participation:
    """A participation committed the way acceptance commits it (ledger and cached figure)."""
    participation = ParticipationFactory(campaign=campaign, commitment=False, **kwargs)
    with transaction.atomic():
        commitment_reserve(
            campaign=campaign,
            creator=participation.creator,
            participation_id=participation.pk,
            amount_cents=participation.agreed_total_cents,
        )
    return participation


def balances(campaign: Campaign, creator: Any = None) -> dict[str, int]:
    """Balances by kind: the campaign's own accounts, or one creator's."""
    qs = LedgerAccount.objects.filter(campaign=campaign)
    qs = qs.filter(creator=creator) if creator is not None else qs.filter(creator__isnull=True)
    out = {k: 0 for k in AccountKind.values}
    for kind, amount in qs.values_list("kind", "balance_cents"):
        out[kind] += amount
    return out
