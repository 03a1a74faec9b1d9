"""Cross-tenant builders for payouts: the victim organization funds its campaign and the victim
creator has a connected account, so the harness checks that neither shows up elsewhere (the
funding page of another organization's campaign answers 404 through the ``campaign_id``
builder; the creator's Payouts page must not show the victim creator's account)."""

from payouts.models import ConnectedAccount, Funding
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
    return funding.public_id
