"""Cross-tenant builders for payouts: the victim organization funds its campaign, pays the victim
creator (a payout run and a payout) and the victim creator has a connected account, so the harness checks that neither shows up elsewhere (the
funding page of another organization's campaign answers 404 through the ``campaign_id``
builder; the creator's Payouts page must not show the victim creator's account)."""

from django.db import transaction

from ledger.services import funding_receive
from payouts.models import ConnectedAccount, Funding, Payout, PayoutRun
from tests.cross_tenant.objects_campaigns import victim_campaign
from tests.cross_tenant.objects_creators import victim_creator_profile
from tests.cross_tenant.registry import Owner, url_param


@url_param("payouts:victim_rows")  # no route takes it: it only gives the victim rows to leak
def victim_payout_rows(owner: Owner) -> str:
    return str(owner.once("payouts:rows", lambda: _make_rows(owner)))


def _make_rows(owner: Owner) -> str:
    campaign = victim_campaign(owner)
    funding = Funding.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        amount_cents=50_000,
        currency=campaign.currency,
        status=Funding.Status.OPEN,
        checkout_session_id="cs_test_victim_session",
        checkout_url="https://checkout.stripe.test/victim",
    )
    ConnectedAccount.objects.create(
        creator=victim_creator_profile(owner),
        stripe_account_id="acct_victim_connected",
        details_submitted=True,
    )
    victim_payout(owner)
    return funding.public_id


@url_param("api:campaign-balance")
def api_campaign_balance(owner: Owner) -> str:
    return str(victim_campaign(owner).public_id)


@url_param("api:ledger-transaction")
def api_ledger_transaction(owner: Owner) -> str:
    campaign = victim_campaign(owner)

    def make() -> str:
        with transaction.atomic():
            txn = funding_receive(campaign=campaign, amount_cents=5_000, key="funding:victim")
        return str(txn.public_id)

    return str(owner.once("payouts:ledger_txn", make))


@url_param("api:payout-run")
def api_payout_run(owner: Owner) -> str:
    return str(victim_payout(owner).run.public_id)


@url_param("api:payout")
def api_payout(owner: Owner) -> str:
    return str(victim_payout(owner).public_id)


def victim_payout(owner: Owner) -> Payout:
    return owner.once("payouts:payout", lambda: _make_payout(owner))


def _make_payout(owner: Owner) -> Payout:
    campaign = victim_campaign(owner)
    run = PayoutRun.objects.create(
        organization=campaign.organization, trigger=PayoutRun.Trigger.MANUAL
    )
    return Payout.objects.create(  # the victim creator's payout from organization B (history rows)
        organization=campaign.organization,
        brand=campaign.brand,
        creator=victim_creator_profile(owner),
        run=run,
        currency=campaign.currency,
        amount_cents=12_345,
        parts=[
            {"campaign_id": campaign.pk, "campaign": campaign.public_id, "amount_cents": 12_345}
        ],
        state=Payout.State.PAID,
        stripe_transfer_id="tr_victim_transfer",
    )


@url_param("api:funding")
def api_funding(owner: Owner) -> str:
    return victim_payout_rows(owner)  # the victim's open funding
