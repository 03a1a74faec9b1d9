"""Scenes for payout tests: creators with payable money (the ledger, as approvals post it) and
Stripe accounts onboarded at the stand-in."""

from itertools import count
from typing import Any

from django.db import transaction

from campaigns.models import Campaign
from creators.models import CreatorProfile
from ledger.models import AccountKind, LedgerAccount
from ledger.services import accrual_post, commitment_reserve
from payouts.connect import connected_account_start, connected_account_sync
from payouts.models import ConnectedAccount
from payouts.stripe_standin.client import StandinControl
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.recruitment import ParticipationFactory

_slots = count(900_000)


def campaign(tenant: Any, **kwargs: Any) -> Campaign:
    kwargs.setdefault("budget_cents", 10_000_000)
    return CampaignFactory(organization=tenant.org, brand=tenant.brand, **kwargs)


def earn(campaign: Campaign, creator: CreatorProfile, *fees: int) -> list[int]:
    """The creator joins (fees committed) and each fee's post is approved (committed → payable).
    Returns the slot ids used."""
    participation = ParticipationFactory(campaign=campaign, creator=creator, commitment=False)
    slots = []
    with transaction.atomic():
        commitment_reserve(
            campaign=campaign,
            creator=creator,
            participation_id=participation.pk,
            amount_cents=sum(fees),
        )
        for fee in fees:
            slot = next(_slots)
            accrual_post(campaign=campaign, creator=creator, slot_id=slot, amount_cents=fee)
            slots.append(slot)
    return slots


def onboarded(standin: StandinControl, creator: CreatorProfile | None = None) -> CreatorProfile:
    """A creator whose Stripe account can receive transfers."""
    creator = creator or CreatorProfileFactory()
    account, _link = connected_account_start(creator=creator)
    standin.complete_onboarding(account.stripe_account_id or "")
    connected_account_sync(account=ConnectedAccount.objects.get(pk=account.pk))
    return creator


def balance(creator: CreatorProfile, kind: AccountKind) -> int:
    return sum(
        LedgerAccount.objects.filter(creator=creator, kind=kind).values_list(
            "balance_cents", flat=True
        )
    )


def bank_arrival(standin: StandinControl, deliver: Any, *creators: CreatorProfile) -> None:
    """Each creator's Stripe account pays its balance out to their bank, and the webhooks
    (``payout.created``, ``payout.paid`` on the account) reach us: in transit → paid."""
    for creator in creators:
        account = ConnectedAccount.objects.get(creator=creator).stripe_account_id or ""
        for event_id in standin.pay_out(account):
            assert deliver(event_id).status_code == 200
