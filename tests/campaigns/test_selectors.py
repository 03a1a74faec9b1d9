import pytest

from campaigns import selectors
from campaigns.models import Campaign
from core.errors import NotFound
from organizations.roles import Role
from tests.campaigns.helpers import days
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory


def limit_to_brand(tenant, brand):
    user = tenant.add_member(Role.MANAGER)
    membership = user.memberships.get()
    membership.brand = brand
    membership.save(update_fields=["brand"])
    return tenant.access(Role.MANAGER, user=user)


def test_campaigns_for_org_is_scoped_to_the_organization(tenant_a, tenant_b):
    mine = CampaignFactory(brand=tenant_a.brand)
    CampaignFactory(brand=tenant_b.brand)
    assert list(selectors.campaigns_for_org(tenant_a.access())) == [mine]


def test_brand_limited_member_sees_only_that_brands_campaigns(tenant_a):
    other = BrandFactory(organization=tenant_a.org)
    mine = CampaignFactory(brand=tenant_a.brand)
    theirs = CampaignFactory(brand=other)
    access = limit_to_brand(tenant_a, tenant_a.brand)
    assert list(selectors.campaigns_for_org(access)) == [mine]
    assert list(selectors.campaigns_for_org(access, brand=other)) == []
    with pytest.raises(NotFound):
        selectors.campaign_get_for_org(access, theirs.public_id)
    assert selectors.campaign_status_counts(access)["recruiting"] == 1
    # The organization's owner sees both.
    assert set(selectors.campaigns_for_org(tenant_a.access())) == {mine, theirs}


def test_filters_by_status_and_brand(tenant_a):
    other = BrandFactory(organization=tenant_a.org)
    draft = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    active = CampaignFactory(brand=other, status=Campaign.Status.ACTIVE)
    access = tenant_a.access()
    assert list(selectors.campaigns_for_org(access, status="draft")) == [draft]
    assert list(selectors.campaigns_for_org(access, brand=other)) == [active]
    assert list(selectors.campaigns_for_org(access, brand=other.public_id)) == [active]


def test_get_for_org_raises_the_same_not_found_for_missing_and_foreign(tenant_a, tenant_b):
    theirs = CampaignFactory(brand=tenant_b.brand)
    with pytest.raises(NotFound) as missing:
        selectors.campaign_get_for_org(tenant_a.access(), "cmp_nope")
    with pytest.raises(NotFound) as foreign:
        selectors.campaign_get_for_org(tenant_a.access(), theirs.public_id)
    assert missing.value.message == foreign.value.message


def test_marketplace_lists_only_open_recruiting_campaigns_before_their_deadline(
    tenant_a, tenant_b, django_assert_num_queries
):
    listed_a = CampaignFactory(brand=tenant_a.brand, application_deadline=days(5))
    listed_b = CampaignFactory(brand=tenant_b.brand, application_deadline=days(0))
    CampaignFactory(brand=tenant_a.brand, visibility=Campaign.Visibility.INVITE_ONLY)
    CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.ACTIVE)
    CampaignFactory(brand=tenant_b.brand, status=Campaign.Status.COMPLETED)
    CampaignFactory(
        brand=tenant_b.brand,
        application_deadline=days(-1),
        draft_due=days(3),
        posting_starts=days(5),
        posting_ends=days(9),
    )
    with django_assert_num_queries(2):  # campaigns (+brand, org) and deliverables
        found = list(selectors.unscoped_open_campaigns())
        fees = [c.per_creator_fee_cents for c in found]
        names = [c.brand.name + c.organization.name for c in found]
    assert found == [listed_b, listed_a]
    assert fees == [15_000, 15_000]
    assert len(names) == 2


def test_unscoped_campaign_by_public_id_returns_none_when_missing(tenant_b):
    campaign = CampaignFactory(brand=tenant_b.brand)
    assert selectors.unscoped_campaign_by_public_id(campaign.public_id) == campaign
    assert selectors.unscoped_campaign_by_public_id("cmp_missing") is None
