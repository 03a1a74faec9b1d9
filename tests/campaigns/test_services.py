import pytest
from django.db import transaction

from campaigns import rules, services
from campaigns.models import Campaign, Deliverable
from core.errors import ChorusError, Forbidden, NotFound
from organizations.models import AuditEvent
from organizations.roles import Role
from tests.campaigns.helpers import campaign_fields, days
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory


def create(tenant, **overrides):
    return services.campaign_create(
        access=tenant.access(), brand=tenant.brand, **campaign_fields(**overrides)
    )


def error_of(callable_, *args, **kwargs) -> ChorusError:
    with pytest.raises(ChorusError) as info:
        callable_(*args, **kwargs)
    return info.value


# -- create -------------------------------------------------------------------------------------


def test_create_writes_a_draft_with_its_deliverables_and_an_audit_row(tenant_a):
    campaign = create(tenant_a, required_hashtags=["#GlowSerum", "glowserum", "summer"])
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.public_id.startswith("cmp_")
    assert campaign.organization == tenant_a.org
    assert campaign.committed_cents == 0
    assert campaign.per_creator_fee_cents == 35_000
    assert campaign.platforms == ["instagram", "tiktok"]
    assert campaign.required_hashtags == ["GlowSerum", "summer"]
    assert [d.organization_id for d in campaign.deliverables.all()] == [tenant_a.org.pk] * 2
    assert AuditEvent.objects.filter(
        action="campaign.create", target_id=campaign.public_id
    ).exists()


def test_create_with_a_bad_deliverable_writes_no_campaign(tenant_a):
    bad = [
        {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15_000},
        {"platform": "youtube", "format": "reel", "quantity": 1, "fee_cents": 10_000},
    ]
    error = error_of(create, tenant_a, deliverables=bad)
    assert error.code == "format_not_on_platform"
    assert "deliverables.1.format" in error.fields
    assert not Campaign.objects.exists()
    assert not Deliverable.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"posting_ends": days(20)}, "dates_out_of_order", "posting_ends"),
        ({"draft_due": days(3)}, "dates_out_of_order", "draft_due"),
        ({"application_deadline": days(-1)}, "deadline_in_past", "application_deadline"),
        ({"budget_cents": 0}, "invalid_amount", "budget_cents"),
        ({"budget_cents": -500}, "invalid_amount", "budget_cents"),
        ({"currency": "XYZ"}, "invalid_currency", "currency"),
        ({"currency": ""}, "invalid_currency", "currency"),
        ({"bonus_per_1k_views_cents": -1}, "invalid_amount", "bonus_per_1k_views_cents"),
        ({"bonus_per_1k_views_cents": 500}, "bonus_cap_required", "bonus_cap_per_post_cents"),
        (
            {"commission_per_conversion_cents": -3},
            "invalid_amount",
            "commission_per_conversion_cents",
        ),
        ({"min_followers": 50_000, "max_followers": 10_000}, "invalid_range", "max_followers"),
        ({"max_creators": 0}, "invalid_value", "max_creators"),
        ({"name": "   "}, "required", "name"),
        ({"niches": ["astrology"]}, "invalid_value", "niches"),
        ({"countries": ["XX"]}, "invalid_value", "countries"),
        ({"landing_url": "javascript:alert(1)"}, "invalid_url", "landing_url"),
        ({"reference_links": ["not a url"]}, "invalid_url", "reference_links"),
        ({"required_hashtags": ["bad tag!"]}, "invalid_value", "required_hashtags"),
        ({"usage_rights": "paid", "paid_usage_months": 0}, "invalid_value", "paid_usage_months"),
        ({"usage_rights": "organic", "paid_usage_months": 6}, "invalid_value", "paid_usage_months"),
        ({"min_engagement_bp": 20_000}, "invalid_value", "min_engagement_bp"),
        ({"visibility": "secret"}, "invalid_choice", "visibility"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(tenant_a, overrides, code, field):
    error = error_of(create, tenant_a, **overrides)
    assert error.code == code
    assert field in error.fields
    assert error.fields[field][0]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("deliverable", "code", "field"),
    [
        ({"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 0}, "invalid_amount", "fee_cents"),
        ({"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": -100}, "invalid_amount", "fee_cents"),
        ({"platform": "tiktok", "format": "video", "quantity": 0, "fee_cents": 100}, "invalid_quantity", "quantity"),
        ({"platform": "myspace", "format": "video", "quantity": 1, "fee_cents": 100}, "invalid_choice", "platform"),
        ({"platform": "instagram", "format": "short", "quantity": 1, "fee_cents": 100}, "format_not_on_platform", "format"),
        ({"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 100_001}, "fee_above_budget", "fee_cents"),
        ({"platform": "tiktok", "format": "video", "quantity": 3, "fee_cents": 40_000}, "fee_above_budget", "fee_cents"),
    ],
)  # fmt: skip
def test_create_refuses_a_bad_deliverable(tenant_a, deliverable, code, field):
    error = error_of(create, tenant_a, deliverables=[deliverable])
    assert error.code == code
    assert f"deliverables.0.{field}" in error.fields
    assert not Campaign.objects.exists()


def test_create_reports_every_problem_at_once(tenant_a):
    error = error_of(create, tenant_a, currency="ABC", budget_cents=-1, max_creators=0)
    assert {"currency", "budget_cents", "max_creators"} <= set(error.fields)


def test_duplicate_deliverable_formats_are_refused(tenant_a):
    twice = [{"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 100}] * 2
    error = error_of(create, tenant_a, deliverables=twice)
    assert error.code == "duplicate_deliverable"


def test_viewer_and_reviewer_cannot_create_campaigns(tenant_a):
    for role in (Role.VIEWER, Role.REVIEWER):
        with pytest.raises(Forbidden):
            services.campaign_create(
                access=tenant_a.access(role), brand=tenant_a.brand, **campaign_fields()
            )
    assert not Campaign.objects.exists()


def test_cannot_create_for_another_organizations_brand(tenant_a, tenant_b):
    error = error_of(
        services.campaign_create,
        access=tenant_a.access(),
        brand=tenant_b.brand,
        **campaign_fields(),
    )
    # The brand came from an input field: the same 400 not_found as a missing brand.
    assert (error.status_code, error.code, error.fields) == (
        400,
        "not_found",
        {"brand": ["No such brand."]},
    )
    assert not Campaign.objects.exists()


def test_brand_limited_member_cannot_create_for_another_brand(tenant_a):
    other = BrandFactory(organization=tenant_a.org)
    user = tenant_a.add_member(Role.MANAGER)
    membership = user.memberships.get()
    membership.brand = tenant_a.brand
    membership.save(update_fields=["brand"])
    access = tenant_a.access(Role.MANAGER, user=user)
    error = error_of(services.campaign_create, access=access, brand=other, **campaign_fields())
    assert (error.status_code, error.code) == (400, "not_found")
    ok = services.campaign_create(access=access, brand=tenant_a.brand, **campaign_fields())
    assert ok.brand == tenant_a.brand


# -- update -------------------------------------------------------------------------------------


def test_update_changes_fields_and_replaces_deliverables_keeping_ids(tenant_a):
    campaign = create(tenant_a)
    first = campaign.deliverables.first()
    updated = services.campaign_update(
        access=tenant_a.access(),
        campaign=campaign,
        name="Renamed",
        budget_cents=200_000,
        deliverables=[
            {"id": first.public_id, "platform": "tiktok", "format": "video", "quantity": 2, "fee_cents": 15_000},
            {"platform": "youtube", "format": "short", "quantity": 1, "fee_cents": 5_000},
        ],
    )  # fmt: skip
    assert updated.name == "Renamed"
    assert updated.budget_cents == 200_000
    rows = list(updated.deliverables.order_by("position"))
    assert rows[0].public_id == first.public_id
    assert rows[0].quantity == 2
    assert [(r.platform, r.format) for r in rows] == [("tiktok", "video"), ("youtube", "short")]


def test_update_with_a_bad_value_changes_nothing(tenant_a):
    campaign = create(tenant_a)
    error = error_of(
        services.campaign_update,
        access=tenant_a.access(),
        campaign=campaign,
        name="New name",
        posting_starts=days(60),
        deliverables=[],
    )
    assert error.code == "dates_out_of_order"
    campaign.refresh_from_db()
    assert campaign.name == "Summer Launch"
    assert campaign.deliverables.count() == 2


def test_update_refuses_unknown_deliverable_id(tenant_a, tenant_b):
    campaign = create(tenant_a)
    foreign = CampaignFactory(brand=tenant_b.brand).deliverables.first()
    error = error_of(
        services.campaign_update,
        access=tenant_a.access(),
        campaign=campaign,
        deliverables=[{"id": foreign.public_id, "platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 1}],
    )  # fmt: skip
    assert "deliverables.0.id" in error.fields
    foreign.refresh_from_db()
    assert foreign.fee_cents == 15_000


def test_budget_never_drops_below_committed(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, budget_cents=100_000, committed_cents=60_000)
    error = error_of(
        services.campaign_update, access=tenant_a.access(), campaign=campaign, budget_cents=50_000
    )
    assert error.code == "budget_below_committed"
    assert "budget_cents" in error.fields
    campaign.refresh_from_db()
    assert campaign.budget_cents == 100_000
    ok = services.campaign_update(access=tenant_a.access(), campaign=campaign, budget_cents=60_000)
    assert ok.budget_cents == 60_000


def test_deliverables_are_locked_once_creators_are_committed(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, committed_cents=15_000)
    error = error_of(
        services.campaign_update,
        access=tenant_a.access(),
        campaign=campaign,
        deliverables=[{"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 99}],
    )
    assert error.code == "deliverables_locked"
    error = error_of(
        services.campaign_update, access=tenant_a.access(), campaign=campaign, currency="EUR"
    )
    assert error.code == "deliverables_locked"
    # Re-sending the same deliverables (an edit form does) is fine.
    same = [{"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15_000}]
    services.campaign_update(
        access=tenant_a.access(), campaign=campaign, deliverables=same, brief="New brief"
    )
    campaign.refresh_from_db()
    assert campaign.brief == "New brief"


def test_published_campaign_cannot_lose_its_deliverables(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand)
    error = error_of(
        services.campaign_update, access=tenant_a.access(), campaign=campaign, deliverables=[]
    )
    assert error.code == "no_deliverables"


def test_completed_campaign_is_read_only(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.COMPLETED)
    error = error_of(
        services.campaign_update, access=tenant_a.access(), campaign=campaign, name="x"
    )
    assert error.code == "campaign_locked"


def test_update_of_another_tenants_campaign_is_not_found(tenant_a, tenant_b):
    campaign = CampaignFactory(brand=tenant_b.brand)
    with pytest.raises(NotFound):
        services.campaign_update(access=tenant_a.access(), campaign=campaign, name="hijack")
    campaign.refresh_from_db()
    assert campaign.name != "hijack"


# -- lifecycle ----------------------------------------------------------------------------------


def test_full_lifecycle_draft_to_archived(tenant_a):
    access = tenant_a.access()
    campaign = create(tenant_a)
    assert not rules.campaign_accepts_applications(campaign)
    campaign = services.campaign_publish(access=access, campaign=campaign)
    assert campaign.status == Campaign.Status.RECRUITING
    assert campaign.published_at
    assert rules.campaign_accepts_applications(campaign)
    assert rules.campaign_accepts_submissions(campaign)
    campaign = services.campaign_start(access=access, campaign=campaign)
    assert campaign.status == Campaign.Status.ACTIVE
    assert rules.campaign_accepts_submissions(campaign)
    assert not rules.campaign_accepts_applications(campaign)
    campaign = services.campaign_complete(access=access, campaign=campaign)
    assert campaign.status == Campaign.Status.COMPLETED
    assert not rules.campaign_accepts_submissions(campaign)
    assert not rules.campaign_accepts_applications(campaign)
    campaign = services.campaign_archive(access=access, campaign=campaign)
    assert campaign.status == Campaign.Status.ARCHIVED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "campaign.publish",
        "campaign.start",
        "campaign.complete",
        "campaign.archive",
    } <= actions


def test_publish_refuses_without_deliverables(tenant_a):
    campaign = create(tenant_a, deliverables=[])
    error = error_of(services.campaign_publish, access=tenant_a.access(), campaign=campaign)
    assert error.code == "no_deliverables"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_publish_refuses_when_budget_does_not_cover_one_creator(tenant_a):
    # Each fee fits the budget, together they do not.
    campaign = create(tenant_a, budget_cents=30_000)
    error = error_of(services.campaign_publish, access=tenant_a.access(), campaign=campaign)
    assert error.code == "budget_too_small"
    assert "budget_cents" in error.fields


def test_publish_refuses_without_dates(tenant_a):
    campaign = create(tenant_a, draft_due=None, posting_ends=None)
    error = error_of(services.campaign_publish, access=tenant_a.access(), campaign=campaign)
    assert error.code == "missing_date"
    assert {"draft_due", "posting_ends"} <= set(error.fields)


def test_publish_refuses_a_deadline_that_has_passed(tenant_a):
    campaign = CampaignFactory(
        brand=tenant_a.brand, status=Campaign.Status.DRAFT, application_deadline=days(-2)
    )
    error = error_of(services.campaign_publish, access=tenant_a.access(), campaign=campaign)
    assert error.code == "deadline_in_past"


def test_invalid_transitions_are_refused(tenant_a):
    access = tenant_a.access()
    draft = create(tenant_a)
    for service in (services.campaign_start, services.campaign_complete):
        error = error_of(service, access=access, campaign=draft)
        assert error.code == "invalid_transition"
        assert error.status_code == 409
    recruiting = CampaignFactory(brand=tenant_a.brand)
    assert error_of(services.campaign_publish, access=access, campaign=recruiting).code == (
        "invalid_transition"
    )


def test_archive_of_recruiting_campaign_with_creators_is_refused(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, committed_cents=15_000)
    error = error_of(services.campaign_archive, access=tenant_a.access(), campaign=campaign)
    assert error.code == "invalid_transition"
    empty = CampaignFactory(brand=tenant_a.brand)
    assert services.campaign_archive(access=tenant_a.access(), campaign=empty).status == "archived"


def test_reviewer_cannot_publish_campaign(tenant_a):
    campaign = create(tenant_a)
    with pytest.raises(Forbidden):
        services.campaign_publish(access=tenant_a.access(Role.REVIEWER), campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_applications_stop_after_the_deadline():
    campaign = Campaign(status=Campaign.Status.RECRUITING, application_deadline=days(-1))
    assert not rules.campaign_accepts_applications(campaign)
    campaign.application_deadline = days(0)
    assert rules.campaign_accepts_applications(campaign)


def test_duplicate_copies_as_a_new_draft_with_nothing_committed(tenant_a):
    source = CampaignFactory(
        brand=tenant_a.brand,
        status=Campaign.Status.ACTIVE,
        committed_cents=45_000,
        deliverables=[("tiktok", "video", 1, 15_000), ("instagram", "story", 3, 5_000)],
    )
    copy = services.campaign_duplicate(access=tenant_a.access(), campaign=source)
    assert copy.pk != source.pk
    assert copy.status == Campaign.Status.DRAFT
    assert copy.committed_cents == 0
    assert copy.name == f"Copy of {source.name}"
    assert copy.budget_cents == source.budget_cents
    assert [(d.platform, d.format, d.quantity, d.fee_cents) for d in copy.deliverables.all()] == [
        ("tiktok", "video", 1, 15_000),
        ("instagram", "story", 3, 5_000),
    ]
    assert source.deliverables.count() == 2


def test_duplicate_of_a_past_campaign_clears_its_dates(tenant_a):
    source = CampaignFactory(
        brand=tenant_a.brand,
        status=Campaign.Status.COMPLETED,
        application_deadline=days(-30),
        draft_due=days(-20),
        posting_starts=days(-10),
        posting_ends=days(-1),
    )
    copy = services.campaign_duplicate(access=tenant_a.access(), campaign=source)
    assert copy.application_deadline is None
    assert copy.posting_ends is None


# -- budget -------------------------------------------------------------------------------------


def test_budget_reserve_and_release(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, budget_cents=30_000)
    with transaction.atomic():
        services.campaign_budget_reserve(campaign_id=campaign.pk, amount_cents=20_000)
    with transaction.atomic(), pytest.raises(ChorusError) as info:
        services.campaign_budget_reserve(campaign_id=campaign.pk, amount_cents=10_001)
    assert info.value.code == "budget_exceeded"
    with transaction.atomic():
        services.campaign_budget_release(campaign_id=campaign.pk, amount_cents=5_000)
    campaign.refresh_from_db()
    assert campaign.committed_cents == 15_000
    with transaction.atomic(), pytest.raises(ChorusError) as info:
        services.campaign_budget_release(campaign_id=campaign.pk, amount_cents=15_001)
    assert info.value.code == "release_exceeds_committed"


@pytest.mark.parametrize("amount", [0, -1])
def test_budget_reserve_refuses_non_positive_amounts(tenant_a, amount):
    campaign = CampaignFactory(brand=tenant_a.brand)
    with transaction.atomic(), pytest.raises(ChorusError) as info:
        services.campaign_budget_reserve(campaign_id=campaign.pk, amount_cents=amount)
    assert info.value.code == "invalid_amount"


def test_budget_reserve_refuses_a_completed_campaign(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.COMPLETED)
    with transaction.atomic(), pytest.raises(ChorusError) as info:
        services.campaign_budget_reserve(campaign_id=campaign.pk, amount_cents=100)
    assert info.value.code == "campaign_closed"


@pytest.mark.django_db(transaction=True)
def test_budget_reserve_must_run_inside_a_transaction(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand)
    with pytest.raises(RuntimeError):
        services.campaign_budget_reserve(campaign_id=campaign.pk, amount_cents=100)
    campaign.refresh_from_db()
    assert campaign.committed_cents == 0


def test_money_to_cents_is_exact():
    assert services.money_to_cents("250.00", "USD") == 25_000
    assert services.money_to_cents("0.10", "USD") == 10
    assert services.money_to_cents("19.99", "EUR") == 1_999
    assert services.money_to_cents("1,500", "JPY") == 1_500
    with pytest.raises(ValueError):
        services.money_to_cents("1.005", "USD")
    with pytest.raises(ValueError):
        services.money_to_cents("12.5", "JPY")
    with pytest.raises(ValueError):
        services.money_to_cents("abc", "USD")
