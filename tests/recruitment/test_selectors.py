"""Read queries: tenant and creator scoping, the marketplace, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from core.errors import NotFound
from recruitment import selectors
from recruitment.models import Participation
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_creators_who_worked_with_an_organization(tenant_a, tenant_b, campaign, make_creator):
    worked, _ = make_creator()
    cancelled, _ = make_creator()
    elsewhere, _ = make_creator()
    ParticipationFactory(campaign=campaign, creator=worked)
    ParticipationFactory(
        campaign=campaign, creator=cancelled, status=Participation.Status.CANCELLED
    )
    ParticipationFactory(
        campaign=CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand), creator=elsewhere
    )
    ids = selectors.creator_ids_who_worked_with_org(tenant_a.org)
    assert set(ids) == {worked.pk}
    # usable as a subquery by discovery
    from creators.models import CreatorProfile

    assert list(CreatorProfile.objects.filter(pk__in=ids)) == [worked]


def test_applications_for_campaign_are_scoped_and_filtered(access, tenant_b, campaign):
    mine = ApplicationFactory(campaign=campaign)
    declined = ApplicationFactory(campaign=campaign, status="declined")
    ApplicationFactory(campaign=CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand))
    assert set(selectors.applications_for_campaign(access, campaign)) == {mine, declined}
    assert list(selectors.applications_for_campaign(access, campaign, status="pending")) == [mine]
    with pytest.raises(NotFound):
        selectors.application_get_for_org(tenant_b.access(), mine.public_id)


def test_a_brand_limited_member_sees_only_their_brands_applications(tenant_a, campaign):
    from organizations.access import OrgAccess
    from tests.factories.organizations import BrandFactory, MembershipFactory, UserFactory

    other_brand = BrandFactory(organization=tenant_a.org)
    theirs = ApplicationFactory(
        campaign=CampaignFactory(organization=tenant_a.org, brand=other_brand)
    )
    ours = ApplicationFactory(campaign=campaign)
    user = UserFactory()
    membership = MembershipFactory(
        organization=tenant_a.org, user=user, role="manager", brand=tenant_a.brand
    )
    limited = OrgAccess(organization=tenant_a.org, role="manager", user=user, membership=membership)
    assert list(selectors.applications_for_org(limited)) == [ours]
    with pytest.raises(NotFound):
        selectors.application_get_for_org(limited, theirs.public_id)


def _render_queue(access, campaign):
    rows = list(selectors.applications_for_campaign(access, campaign))
    for a in rows:
        _ = (
            a.creator.display_name,
            a.creator.niches,
            a.social_account.follower_count,
            a.campaign.brand.name,
        )
        _ = [acc.handle for acc in a.creator.social_accounts.all()]
        _ = getattr(a, "participation", None)
    return rows


def test_the_applications_queue_runs_a_fixed_number_of_queries(access, campaign):
    for _ in range(2):
        a = ApplicationFactory(campaign=campaign)
        SocialAccountFactory(creator=a.creator, platform="instagram")
    few = _count(lambda: _render_queue(access, campaign))
    for _ in range(10):
        a = ApplicationFactory(campaign=campaign)
        SocialAccountFactory(creator=a.creator, platform="instagram")
    many = _count(lambda: _render_queue(access, campaign))
    assert few == many <= 4


def test_the_marketplace_splits_qualified_and_not_with_reasons(tenant_a, creator):
    ok = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, name="Fits")
    youtube = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, name="YouTube only",
        deliverables=[("youtube", "short", 1, 5000)],
    )  # fmt: skip
    CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, visibility=Campaign.Visibility.INVITE_ONLY
    )
    ApplicationFactory(campaign=ok, creator=creator, social_account=creator.social_accounts.get())

    market = selectors.marketplace_for_creator(creator)

    assert [e.campaign for e in market.qualified] == [ok]
    assert market.qualified[0].application_status == "pending"
    assert [e.campaign for e in market.not_qualified] == [youtube]
    assert "YouTube" in market.not_qualified[0].eligibility.reasons[0]


def test_the_marketplace_runs_a_fixed_number_of_queries(tenant_a, tenant_b, creator):
    def add(n):
        for i in range(n):
            tenant = tenant_a if i % 2 else tenant_b
            c = CampaignFactory(
                organization=tenant.org, brand=tenant.brand,
                deliverables=[("tiktok", "video", 1, 1000), ("instagram", "reel", 1, 2000)],
            )  # fmt: skip
            CampaignInvitationFactory(campaign=c, creator=creator)

    add(2)
    few = _count(lambda: selectors.marketplace_for_creator(creator))
    add(10)
    many = _count(lambda: selectors.marketplace_for_creator(creator))
    assert few == many <= 8
    assert selectors.marketplace_for_creator(creator).count == 12


def test_invite_only_campaigns_are_shown_only_to_invited_creators(tenant_a, creator, make_creator):
    private = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, visibility=Campaign.Visibility.INVITE_ONLY
    )
    outsider, _ = make_creator()
    with pytest.raises(NotFound):
        selectors.campaign_for_creator(outsider, private.public_id)
    CampaignInvitationFactory(campaign=private, creator=creator)
    view = selectors.campaign_for_creator(creator, private.public_id)
    assert view.campaign == private
    assert view.invitation is not None
    assert view.eligibility.eligible


def test_drafts_and_unknown_ids_are_not_found_for_creators(tenant_a, creator):
    draft = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, status=Campaign.Status.DRAFT
    )
    for public_id in (draft.public_id, "cmp_missing", "x" * 500):
        with pytest.raises(NotFound):
            selectors.campaign_for_creator(creator, public_id)


def test_creator_lists_hold_only_their_own_rows(campaign, creator, make_creator):
    other, _ = make_creator()
    mine = ApplicationFactory(
        campaign=campaign, creator=creator, social_account=creator.social_accounts.get()
    )
    ApplicationFactory(campaign=campaign, creator=other)
    assert list(selectors.applications_for_creator(creator)) == [mine]
    with pytest.raises(NotFound):
        selectors.application_get_for_creator(other, mine.public_id)
    invitation = CampaignInvitationFactory(campaign=campaign, creator=other)
    assert list(selectors.invitations_for_creator(creator)) == []
    with pytest.raises(NotFound):
        selectors.invitation_get_for_creator(creator, invitation.public_id)
