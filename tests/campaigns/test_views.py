from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign
from organizations.roles import Role
from tests.campaigns.helpers import days
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory


def form_data(tenant, rows=None, **overrides):
    rows = (
        rows
        if rows is not None
        else [("tiktok", "video", "1", "150.00"), ("instagram", "reel", "1", "200")]
    )
    data = {
        "brand": tenant.brand.public_id,
        "name": "Browser Launch",
        "objective": "Reach",
        "visibility": "open",
        "brief": "Use it **daily**.",
        "reference_links": "https://example.com/a\nhttps://example.com/b",
        "required_hashtags": "#launch, #summer",
        "required_mentions": "@acme",
        "disclosure_required": "on",
        "usage_rights": "organic",
        "paid_usage_months": "",
        "currency": "USD",
        "budget": "20,000.00",
        "bonus_per_1k_views": "",
        "bonus_cap_per_post": "",
        "commission_per_conversion": "",
        "pay_by_days": "14",
        "application_deadline": days(7).isoformat(),
        "draft_due": days(14).isoformat(),
        "posting_starts": days(21).isoformat(),
        "posting_ends": days(30).isoformat(),
        "min_followers": "1000",
        "max_followers": "100000",
        "min_engagement": "2.5",
        "niches": ["beauty", "lifestyle"],
        "countries": ["US", "GB"],
        "max_creators": "60",
        "attribution_window_days": "30",
        "attribution_half_life_days": "7",
        "attribution_model": "last_touch",
        "deliverables-TOTAL_FORMS": str(len(rows)),
        "deliverables-INITIAL_FORMS": "0",
        "deliverables-MIN_NUM_FORMS": "0",
        "deliverables-MAX_NUM_FORMS": "1000",
    }
    for i, (platform, fmt, quantity, fee) in enumerate(rows):
        data.update(
            {
                f"deliverables-{i}-platform": platform,
                f"deliverables-{i}-format": fmt,
                f"deliverables-{i}-quantity": quantity,
                f"deliverables-{i}-fee": fee,
                f"deliverables-{i}-notes": "",
            }
        )
    data.update(overrides)
    return data


def url(name, tenant, *args):
    return reverse(f"campaigns:{name}", args=[tenant.org.slug, *args])


def test_create_through_the_form_bad_then_good(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    page = client.get(url("create", tenant_a))
    assert page.status_code == 200
    assert b"Add a deliverable" in page.content

    bad = form_data(
        tenant_a,
        rows=[("tiktok", "video", "1", "150.001"), ("youtube", "reel", "1", "10")],
        budget="-5",
        currency="USD",
        posting_ends=days(10).isoformat(),
    )
    response = client.post(url("create", tenant_a), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please fix the highlighted fields" in html
    assert "USD amounts take at most 2 decimals" in html
    assert "Enter an amount above zero" in html
    assert not Campaign.objects.exists()

    # The fee typo fixed; the service now names the remaining problems on their fields.
    bad2 = form_data(
        tenant_a,
        rows=[("tiktok", "video", "1", "150.00"), ("youtube", "reel", "1", "10")],
        posting_ends=days(10).isoformat(),
    )
    response = client.post(url("create", tenant_a), bad2)
    assert response.status_code == 400
    html = response.content.decode()
    assert "YouTube has no reel format" in html
    assert not Campaign.objects.exists()

    response = client.post(url("create", tenant_a), form_data(tenant_a))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", tenant_a, campaign.public_id)
    assert campaign.budget_cents == 2_000_000
    assert campaign.per_creator_fee_cents == 35_000
    assert campaign.required_hashtags == ["launch", "summer"]
    assert campaign.required_mentions == ["acme"]
    assert campaign.min_engagement_bp == 250
    assert campaign.reference_links == ["https://example.com/a", "https://example.com/b"]
    assert campaign.status == Campaign.Status.DRAFT


def test_form_money_is_converted_exactly_for_zero_decimal_currencies(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    response = client.post(
        url("create", tenant_a),
        form_data(
            tenant_a, rows=[("tiktok", "video", "1", "15000")], currency="JPY", budget="3000000"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.budget_cents == 3_000_000
    assert campaign.deliverables.get().fee_cents == 15_000


def test_empty_extra_deliverable_rows_are_ignored_and_removed_rows_deleted(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    data = form_data(
        tenant_a, rows=[("tiktok", "video", "1", "150"), ("instagram", "reel", "1", "200")]
    )
    data["deliverables-1-DELETE"] = "on"
    assert client.post(url("create", tenant_a), data).status_code == 302
    campaign = Campaign.objects.get()
    assert [d.platform for d in campaign.deliverables.all()] == ["tiktok"]


def test_edit_page_prefills_and_saves(tenant_a, client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    client = client_for(tenant_a.owner)
    page = client.get(url("edit", tenant_a, campaign.public_id))
    assert page.status_code == 200
    assert "10000.00" in page.content.decode()  # the budget, in major units
    dlv = campaign.deliverables.get()
    data = form_data(tenant_a, rows=[("tiktok", "video", "2", "150.00")], name="Edited")
    data["deliverables-0-id"] = dlv.public_id
    data["deliverables-INITIAL_FORMS"] = "1"
    response = client.post(url("edit", tenant_a, campaign.public_id), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Edited"
    assert campaign.deliverables.get().public_id == dlv.public_id
    assert campaign.deliverables.get().quantity == 2


def test_edit_with_budget_below_committed_shows_the_error_on_the_budget(tenant_a, client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, budget_cents=100_000, committed_cents=50_000)
    client = client_for(tenant_a.owner)
    data = form_data(tenant_a, rows=[], budget="400.00")
    data["deliverables-TOTAL_FORMS"] = "0"
    response = client.post(url("edit", tenant_a, campaign.public_id), data)
    assert response.status_code == 400
    assert "already committed to creators" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.budget_cents == 100_000


def test_list_page_runs_a_fixed_number_of_queries(tenant_a, client_for):
    other = BrandFactory(organization=tenant_a.org)
    client = client_for(tenant_a.owner)
    for i in range(3):
        CampaignFactory(brand=tenant_a.brand if i % 2 else other)
    client.get(url("list", tenant_a))
    with CaptureQueriesContext(connection) as three:
        response = client.get(url("list", tenant_a))
    assert response.status_code == 200
    for i in range(9):
        CampaignFactory(
            brand=tenant_a.brand if i % 2 else other,
            deliverables=[("tiktok", "video", 1, 100), ("youtube", "short", 2, 300)],
        )
    with CaptureQueriesContext(connection) as twelve:
        response = client.get(url("list", tenant_a))
    assert response.status_code == 200
    assert response.content.decode().count("cmp-platform") >= 12
    sql = "\n".join(q["sql"] for q in twelve.captured_queries)
    assert len(twelve.captured_queries) == len(three.captured_queries), sql


def test_list_filters_and_shows_money(tenant_a, client_for):
    other = BrandFactory(organization=tenant_a.org, name="Other Brand")
    CampaignFactory(
        brand=tenant_a.brand, name="Alpha", budget_cents=2_000_000, committed_cents=35_000
    )
    CampaignFactory(brand=other, name="Beta", status=Campaign.Status.DRAFT)
    CampaignFactory(brand=other, name="Gamma", status=Campaign.Status.ARCHIVED)
    client = client_for(tenant_a.owner)
    html = client.get(url("list", tenant_a)).content.decode()
    assert "Alpha" in html
    assert "Beta" in html
    assert "Gamma" not in html
    assert "USD 350.00" in html
    assert "USD 20,000.00" in html
    html = client.get(url("list", tenant_a), {"status": "draft"}).content.decode()
    assert "Beta" in html
    assert "Alpha" not in html
    html = client.get(url("list", tenant_a), {"brand": other.public_id}).content.decode()
    assert "Beta" in html
    assert "Alpha" not in html
    html = client.get(url("list", tenant_a), {"status": "archived"}).content.decode()
    assert "Gamma" in html


def test_detail_renders_the_brief_safely(tenant_a, client_for):
    campaign = CampaignFactory(
        brand=tenant_a.brand,
        brief="Hello **world** <script>alert('x')</script> [click](javascript:alert(1))",
    )
    html = (
        client_for(tenant_a.owner).get(url("detail", tenant_a, campaign.public_id)).content.decode()
    )
    assert "<strong>world</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "USD 150.00" in html
    assert "Next step" in html


def test_publish_button_publishes_and_errors_are_flashed(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    empty = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT, deliverables=[])
    response = client.post(url("publish", tenant_a, empty.public_id), follow=True)
    assert "Add at least one deliverable" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == Campaign.Status.DRAFT

    ready = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    response = client.post(url("publish", tenant_a, ready.public_id))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Campaign.Status.RECRUITING


def test_duplicate_redirects_to_the_new_draft(tenant_a, client_for):
    source = CampaignFactory(brand=tenant_a.brand)
    response = client_for(tenant_a.owner).post(url("duplicate", tenant_a, source.public_id))
    copy = Campaign.objects.exclude(pk=source.pk).get()
    assert response["Location"] == url("detail", tenant_a, copy.public_id)
    assert copy.status == Campaign.Status.DRAFT


def test_actions_need_post(tenant_a, client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    assert (
        client_for(tenant_a.owner).get(url("publish", tenant_a, campaign.public_id)).status_code
        == 405
    )


def test_viewer_sees_campaigns_but_cannot_create_edit_or_act(tenant_a, client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    viewer = tenant_a.add_member(Role.VIEWER)
    client = client_for(viewer)
    assert client.get(url("list", tenant_a)).status_code == 200
    detail = client.get(url("detail", tenant_a, campaign.public_id))
    assert detail.status_code == 200
    assert url("publish", tenant_a, campaign.public_id) not in detail.content.decode()
    assert client.get(url("create", tenant_a)).status_code == 403
    assert client.post(url("create", tenant_a), form_data(tenant_a)).status_code == 403
    assert client.get(url("edit", tenant_a, campaign.public_id)).status_code == 403
    assert client.post(url("publish", tenant_a, campaign.public_id)).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert Campaign.objects.count() == 1


def test_other_tenants_campaign_pages_are_404(tenant_a, tenant_b, client_for):
    theirs = CampaignFactory(brand=tenant_b.brand)
    client = client_for(tenant_a.owner)
    assert client.get(url("detail", tenant_a, theirs.public_id)).status_code == 404
    assert client.get(url("edit", tenant_a, theirs.public_id)).status_code == 404
    assert client.post(url("complete", tenant_a, theirs.public_id)).status_code == 404
    assert client.get(url("list", tenant_b)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Campaign.Status.RECRUITING


def test_add_row_endpoint_returns_the_next_row_and_bumps_the_total(tenant_a, client_for):
    response = client_for(tenant_a.owner).get(
        reverse("campaigns:deliverable_row", args=[tenant_a.org.slug]),
        {"deliverables-TOTAL_FORMS": "2"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="deliverables-2-fee"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'value="3"' in html


def _error_of(html, field_id):
    """The text of the error element rendered next to the field with this id."""
    import re

    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</small>', html, re.S)
    return match.group(1) if match else ""


def test_every_error_shows_in_one_round_next_to_its_field(tenant_a, client_for):
    """Form errors (typo'd fee, missing name) and service errors (dates out of order, a format
    the platform lacks, a fee above the budget) all show after ONE submit."""
    client = client_for(tenant_a.owner)
    bad = form_data(
        tenant_a,
        rows=[
            ("tiktok", "video", "1", "150.001"),
            ("youtube", "reel", "1", "10"),
            ("instagram", "reel", "1", "30000"),
        ],
        name="",
        budget="20000",
        posting_ends=days(10).isoformat(),
    )
    response = client.post(url("create", tenant_a), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required" in _error_of(html, "id_name")
    assert "at most 2 decimals" in _error_of(html, "id_deliverables-0-fee")
    assert "YouTube has no reel format" in _error_of(html, "id_deliverables-1-format")
    assert "above the budget" in _error_of(html, "id_deliverables-2-fee")
    assert "must not be before" in _error_of(html, "id_posting_ends")
    # A field the form already flagged does not get a second, service-made message.
    assert "Give the campaign a name" not in html
    assert not Campaign.objects.exists()


def _format_options(html, index):
    import re

    select = re.search(rf'<select name="deliverables-{index}-format".*?</select>', html, re.S)
    assert select, f"no format select for row {index}"
    return re.findall(r'<option value="([^"]+)"', select.group(0))


def test_format_select_offers_only_the_platforms_formats(tenant_a, client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    campaign.deliverables.update(platform="youtube", format="short")
    client = client_for(tenant_a.owner)
    html = client.get(url("edit", tenant_a, campaign.public_id)).content.decode()
    assert _format_options(html, 0) == ["video", "short"]
    assert 'id="platform-formats"' in html  # the map static/js/deliverables.js uses
    # A re-rendered bound row follows its posted platform too.
    bad = form_data(tenant_a, rows=[("instagram", "reel", "1", "0")])
    html = client.post(url("create", tenant_a), bad).content.decode()
    assert _format_options(html, 0) == ["reel", "story", "photo", "carousel"]
    # And a row added with "+ Add a deliverable" starts as TikTok with TikTok's formats.
    row = client.get(
        reverse("campaigns:deliverable_row", args=[tenant_a.org.slug]),
        {"deliverables-TOTAL_FORMS": "1"},
    ).content.decode()
    assert _format_options(row, 1) == ["video", "photo", "carousel", "story"]
