"""Cross-tenant builders for payouts: the victim organization funds its campaign, pays the victim
creator (a payout run and a payout) and the victim creator has a connected account, so the harness checks that neither shows up elsewhere (the
funding page of another organization's campaign answers 404 through the ``campaign_id``
builder; the creator's Payouts page must not show the victim creator's account)."""

from payouts.models import ConnectedAccount, Funding, Payout, PayoutRun
from tests.cross_tenant.objects_campaigns import victim_campaign
from tests.cross_tenant.objects_creators import victim_creator_profile
from tests.cross_tenant.registry import Owner, url_param


@url_param("payouts:victim_rows")  # no route takes it: it only gives the victim rows to leak
def victim_payout_rows(owner: Owner) -> str:
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
    run = PayoutRun.objects.create(
        organization=campaign.organization, trigger=PayoutRun.Trigger.MANUAL
    )
    Payout.objects.create(  # the victim creator's payout from organization B (history rows)
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
    return funding.public_id
