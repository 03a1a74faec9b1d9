"""The brand's review desk: the queue (filters, media, requirements beside the checks, overdue
flags, decisions over htmx and in bulk, roles), one submission's page and the content library —
scoped to the organization and brand, with pinned query counts."""

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.models import AuditEvent, Membership
from organizations.roles import Role
from recruitment.models import ParticipationSlot
from submissions.models import ReviewDecision, ReviewState, Submission
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import BrandFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import DraftVersionFactory, submission_in_review

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _in_review(
    tenant: Tenant, *, target: str = "draft", brand: Any = None, **kw: Any
) -> Submission:
    campaign = kw.pop("campaign", None) or CampaignFactory(
        organization=tenant.org, brand=brand or tenant.brand
    )
    creator = kw.pop("creator", None) or CreatorProfileFactory()
    participation = ParticipationFactory(campaign=campaign, creator=creator)
    slot = participation.slots.order_by("id").first()
    return submission_in_review(target=target, slot=slot, **kw)


def _queue(slug: str = "acme", **query: str) -> str:
    url = reverse("submissions:queue", kwargs={"org_slug": slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _decide(sub: Submission) -> str:
    return reverse(
        "submissions:decide",
        kwargs={"org_slug": sub.organization.slug, "submission_id": sub.public_id},
    )


def _detail(sub: Submission) -> str:
    return reverse(
        "submissions:detail",
        kwargs={"org_slug": sub.organization.slug, "submission_id": sub.public_id},
    )


def _member(tenant: Tenant, role: str, client_for: Callable[..., Client], **kw: Any) -> Client:
    user = tenant.add_member(role)
    if kw.get("brand"):
        Membership.objects.filter(user=user).update(brand=kw["brand"])
    return client_for(user)


# -- the queue --------------------------------------------------------------------------------


def test_the_queue_shows_what_waits_oldest_first_with_media_caption_requirements_and_checks(
    tenant_a, client_for
):
    older = _in_review(tenant_a)
    Submission.objects.filter(pk=older.pk).update(
        review_since=timezone.now() - datetime.timedelta(days=2)
    )
    newer = _in_review(tenant_a, target="post")
    newer.current_post.check_results = [
        {"key": "public", "status": "passed", "message": "The post is public."},
        {"key": "lookup", "status": "pending", "message": "TikTok did not answer; retrying."},
    ]
    newer.current_post.save(update_fields=["check_results"])
    done = _in_review(tenant_a)
    Submission.objects.filter(pk=done.pk).update(stage="post_due", review_since=None)

    html = client_for(tenant_a.owner).get(_queue()).content.decode()

    assert html.index(older.public_id) < html.index(newer.public_id)
    assert done.public_id not in html
    # the draft's video through the authorizing file view, its caption, the brief and checks
    assert f'src="/files/draft/{older.current_draft.public_id}"' in html
    assert "#ad Loving this #glowserum @glowskincare" in html
    assert "Hashtag <strong>#glowserum</strong>" in html
    assert "Mention <strong>@glowskincare</strong>" in html
    assert "#glowserum is in the caption." in html
    # the post's check results, item by item, pending shown as pending
    assert "The post is public." in html
    assert '<span class="badge muted">Pending</span> TikTok did not answer; retrying.' in html
    assert "Checks on the live post" in html
    assert "2 </strong>" not in html
    assert "<strong>2</strong> waiting" in html
    assert "Approve selected" in html
    assert 'data-shortcut="a"' in html


def test_a_video_without_a_poster_and_a_draft_without_media_show_a_clear_placeholder(
    tenant_a, client_for
):
    video = _in_review(tenant_a)
    image = _in_review(tenant_a)
    image.current_draft.content_type = "image/png"
    image.current_draft.thumbnail_key = "org/draft-thumb/t.jpg"
    image.current_draft.save(update_fields=["content_type", "thumbnail_key"])
    posted = _in_review(tenant_a)
    posted.current_draft.poster_key = "org/draft-poster/p.jpg"
    posted.current_draft.save(update_fields=["poster_key"])
    waiting = _in_review(tenant_a)
    Submission.objects.filter(pk=waiting.pk).update(stage="draft_due", current_draft=None)

    html = client_for(tenant_a.owner).get(_queue(stage="all")).content.decode()

    assert "The poster frame is being prepared. Press play to watch the video." in html
    assert f'<img src="/files/draft-thumb/{image.current_draft.public_id}"' in html
    assert f'poster="/files/draft-poster/{posted.current_draft.public_id}"' in html
    assert "No draft uploaded yet." in html
    assert video.public_id in html


def test_the_queue_filters_by_campaign_brand_platform_stage_and_creator(tenant_a, client_for):
    other_brand = BrandFactory(organization=tenant_a.org, name="Acme Socks")
    tiktok = _in_review(tenant_a)
    socks = _in_review(tenant_a, brand=other_brand)
    post = _in_review(tenant_a, target="post")
    Submission.objects.filter(pk=post.pk).update(platform="instagram")
    client = client_for(tenant_a.owner)

    def shown(**query: str) -> set[str]:
        html = client.get(_queue(**query)).content.decode()
        return {s.public_id for s in (tiktok, socks, post) if f'id="sub-{s.public_id}"' in html}

    assert shown() == {tiktok.public_id, socks.public_id, post.public_id}
    assert shown(campaign=tiktok.campaign.public_id) == {tiktok.public_id}
    assert shown(brand=other_brand.public_id) == {socks.public_id}
    assert shown(platform="instagram") == {post.public_id}
    assert shown(stage="post_review") == {post.public_id}
    assert shown(creator=socks.creator.public_id) == {socks.public_id}
    html = client.get(_queue(creator=socks.creator.public_id)).content.decode()
    assert f"Creator: <strong>{socks.creator.display_name}</strong>" in html
    # nonsense falls back to the defaults; an unknown id matches nothing
    assert shown(stage="bogus", platform="myspace", page="x") == shown()
    assert shown(campaign="cmp_doesnotexist") == set()


def test_overdue_slots_are_flagged(tenant_a, client_for):
    late = _in_review(tenant_a)
    ParticipationSlot.objects.filter(pk=late.slot_id).update(
        post_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    on_time = _in_review(tenant_a)
    html = client_for(tenant_a.owner).get(_queue()).content.decode()
    card = html[html.index(f'id="sub-{late.public_id}"') :]
    assert 'data-testid="overdue"' in card[: card.index("</header>")]
    card = html[html.index(f'id="sub-{on_time.public_id}"') :]
    assert 'data-testid="overdue"' not in card[: card.index("</header>")]


def test_the_queue_is_paginated_and_keeps_its_filters(tenant_a, client_for):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    for _ in range(21):
        _in_review(tenant_a, campaign=campaign)
    html = client_for(tenant_a.owner).get(_queue(campaign=campaign.public_id)).content.decode()
    assert html.count("data-review-item ") == 20
    assert f"campaign={campaign.public_id}&amp;page=2" in html
    html = client_for(tenant_a.owner).get(_queue(campaign=campaign.public_id, page="2")).content
    assert html.decode().count("data-review-item ") == 1


def _queue_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_queue_runs_a_fixed_number_of_queries(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    _in_review(tenant_a)
    _in_review(tenant_a, target="post")
    few = _queue_queries(client, _queue())
    for _ in range(6):
        _in_review(tenant_a)
        _in_review(tenant_a, target="post", brand=BrandFactory(organization=tenant_a.org))
    more = _queue_queries(client, _queue())
    assert len(more) == len(few), "\n\n".join(more)
    # user, membership, count, the page's ids, its rows, campaigns and brands for the filters,
    # unread notifications
    assert len(few) == 8, "\n\n".join(few)


# -- deciding ---------------------------------------------------------------------------------


def test_an_htmx_approval_swaps_the_item_in_place_and_records_who_decided(tenant_a, client_for):
    sub = _in_review(tenant_a)
    response = client_for(tenant_a.owner).post(
        _decide(sub), {"decision": "approve", "item": sub.current_draft.public_id}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="sub-{sub.public_id}"')
    assert "draft approved." in html
    assert "data-focus-after-swap" in html  # the result takes focus in place
    assert 'name="decision"' not in html  # nothing left to decide
    sub.refresh_from_db()
    assert sub.stage == Submission.Stage.POST_DUE
    decision = ReviewDecision.objects.get(submission=sub)
    assert decision.decided_by == tenant_a.owner
    assert decision.decision == "approve"
    assert AuditEvent.objects.filter(action="submission.draft_approve").exists()


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("request_changes", "Say what to change, so the creator can fix it."),
        ("reject", "Give the reason for rejecting, so the creator knows why."),
    ],
)
def test_changes_and_rejections_need_feedback_shown_beside_the_field(
    tenant_a, client_for, decision, message
):
    sub = _in_review(tenant_a)
    client = client_for(tenant_a.owner)
    html = client.post(_decide(sub), {"decision": decision, "feedback": "  "}, **HTMX)
    html = html.content.decode()
    assert f'id="fb-{sub.public_id}-error" class="rv-field-error" role="alert">{message}' in html
    assert 'aria-invalid="true"' in html
    sub.refresh_from_db()
    assert sub.stage == Submission.Stage.DRAFT_REVIEW
    assert not ReviewDecision.objects.exists()

    response = client.post(_decide(sub), {"decision": decision, "feedback": "Show the label."})
    assert response.status_code == 302
    assert response["Location"] == _detail(sub)
    sub.refresh_from_db()
    assert sub.stage == ("draft_changes" if decision == "request_changes" else "rejected")
    assert ReviewDecision.objects.get().feedback == "Show the label."


def test_a_decision_on_a_version_that_was_replaced_is_refused(tenant_a, client_for):
    sub = _in_review(tenant_a)
    seen = sub.current_draft.public_id
    newer = DraftVersionFactory(submission=sub, number=2)
    Submission.objects.filter(pk=sub.pk).update(current_draft=newer)
    html = client_for(tenant_a.owner).post(
        _decide(sub), {"decision": "approve", "item": seen}, **HTMX
    )
    assert "A newer version arrived since you opened this" in html.content.decode()
    sub.refresh_from_db()
    assert sub.stage == Submission.Stage.DRAFT_REVIEW


def test_bulk_approve_decides_each_and_reports_the_ones_that_failed(tenant_a, client_for):
    first, second = _in_review(tenant_a), _in_review(tenant_a, target="post")
    decided = _in_review(tenant_a)
    Submission.objects.filter(pk=decided.pk).update(stage="post_due", review_since=None)
    response = client_for(tenant_a.owner).post(
        reverse("submissions:bulk_approve", args=["acme"]),
        {"ids": [first.public_id, second.public_id, decided.public_id], "next": "/o/acme/review/"},
        follow=True,
    )
    html = response.content.decode()
    assert "2 submissions approved." in html
    assert f"1 submission could not be approved: {decided.public_id}: Nothing of this" in html
    assert Submission.objects.get(pk=first.pk).stage == "post_due"
    assert Submission.objects.get(pk=second.pk).stage == "done"
    response = client_for(tenant_a.owner).post(
        reverse("submissions:bulk_approve", args=["acme"]), follow=True
    )
    assert "Select at least one submission to approve." in response.content.decode()


def test_viewers_see_the_queue_without_decision_controls_and_cannot_decide(tenant_a, client_for):
    sub = _in_review(tenant_a)
    viewer = _member(tenant_a, Role.VIEWER, client_for)
    html = viewer.get(_queue()).content.decode()
    assert sub.public_id in html
    assert 'name="decision"' not in html
    assert "Approve selected" not in html
    assert 'class="rv-pick"' not in html
    assert viewer.post(_decide(sub), {"decision": "approve"}).status_code == 403
    bulk = reverse("submissions:bulk_approve", args=["acme"])
    assert viewer.post(bulk, {"ids": [sub.public_id]}).status_code == 403
    assert Submission.objects.get(pk=sub.pk).stage == Submission.Stage.DRAFT_REVIEW
    reviewer = _member(tenant_a, Role.REVIEWER, client_for)
    assert reviewer.post(_decide(sub), {"decision": "approve"}).status_code == 302
    assert Submission.objects.get(pk=sub.pk).stage == Submission.Stage.POST_DUE


def test_a_brand_limited_reviewer_sees_and_decides_only_their_brand(tenant_a, client_for):
    socks = BrandFactory(organization=tenant_a.org, name="Acme Socks")
    mine = _in_review(tenant_a, brand=socks)
    theirs = _in_review(tenant_a)
    client = _member(tenant_a, Role.REVIEWER, client_for, brand=socks)
    html = client.get(_queue()).content.decode()
    assert mine.public_id in html
    assert theirs.public_id not in html
    assert theirs.campaign.name not in html  # not even in the campaign filter
    assert 'id="f-brand"' not in html
    assert client.get(_detail(theirs)).status_code == 404
    assert client.post(_decide(theirs), {"decision": "approve"}).status_code == 404
    client.post(reverse("submissions:bulk_approve", args=["acme"]), {"ids": [theirs.public_id]})
    assert Submission.objects.get(pk=theirs.pk).stage == Submission.Stage.DRAFT_REVIEW


def test_another_tenants_submission_answers_404(tenant_a, tenant_b, client_for):
    theirs = _in_review(tenant_b)
    client = client_for(tenant_a.owner)
    for url in (
        reverse("submissions:detail", args=["acme", theirs.public_id]),
        reverse("submissions:detail", args=["bolt", theirs.public_id]),
    ):
        assert client.get(url).status_code == 404
    url = reverse("submissions:decide", args=["acme", theirs.public_id])
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert theirs.public_id not in client.get(_queue()).content.decode()


# -- one submission ---------------------------------------------------------------------------


def test_the_detail_page_shows_every_version_post_decision_fee_and_dates(tenant_a, client_for):
    sub = _in_review(tenant_a, target="post")
    draft = sub.current_draft
    draft.decided_by = tenant_a.owner
    draft.save(update_fields=["decided_by"])
    first = DraftVersionFactory(
        submission=sub, number=0, state=ReviewState.CHANGES_REQUESTED, feedback="Brighter please"
    )
    ReviewDecision.objects.create(
        organization=sub.organization,
        submission=sub,
        campaign=sub.campaign,
        target="draft",
        draft=first,
        decision="request_changes",
        feedback="Brighter please",
        decided_by=tenant_a.owner,
    )
    ReviewDecision.objects.create(
        organization=sub.organization,
        submission=sub,
        campaign=sub.campaign,
        target="draft",
        draft=draft,
        decision="approve",
        automatic=True,
    )
    ParticipationSlot.objects.filter(pk=sub.slot_id).update(
        draft_due=datetime.date(2026, 3, 1), post_due=datetime.date(2026, 3, 15)
    )
    html = client_for(tenant_a.owner).get(_detail(sub)).content.decode()
    assert "Version 1" in html
    assert "Version 0" in html
    assert "Brighter please" in html
    assert sub.current_post.url in html
    assert "USD 150.00" in html
    assert "Mar 1, 2026" in html
    assert "Mar 15, 2026" in html
    history = html[html.index('id="history-title"') :]
    assert "Ada Owner" in history
    assert '<span class="badge muted">Automatic</span>' in history
    assert "Changes requested" in history
    assert 'name="decision" value="approve"' in html  # the live post waits for a decision


def test_the_detail_page_of_a_submission_without_drafts(tenant_a, client_for):
    sub = _in_review(tenant_a)
    Submission.objects.filter(pk=sub.pk).update(
        stage="draft_due", current_draft=None, review_since=None
    )
    sub.drafts.all().delete()
    html = client_for(tenant_a.owner).get(_detail(sub)).content.decode()
    assert "No draft uploaded yet." in html
    assert "No decision yet." in html
    assert 'name="decision"' not in html


# -- the content library ----------------------------------------------------------------------


def _approved(tenant: Tenant, *, days_ago: int = 0, **kw: Any) -> Any:
    sub = _in_review(tenant, target="post", **kw)
    draft = sub.current_draft
    draft.decided_at = timezone.now() - datetime.timedelta(days=days_ago)
    draft.save(update_fields=["decided_at"])
    return draft


def test_the_library_lists_approved_assets_with_download_and_usage_rights(tenant_a, client_for):
    paid = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, usage_rights="paid", paid_usage_months=1
    )
    organic = _approved(tenant_a)
    lapsing = _approved(tenant_a, campaign=paid, days_ago=20)
    lapsed = _approved(tenant_a, campaign=paid, days_ago=45)
    waiting = _in_review(tenant_a)

    html = client_for(tenant_a.owner).get(reverse("submissions:library", args=["acme"])).content
    html = html.decode()
    assert waiting.current_draft.public_id not in html
    assert f'href="/files/draft/{organic.public_id}?download=1"' in html
    assert "Organic use on the brand&#x27;s channels." in html
    card = html[html.index(f'id="asset-{lapsing.public_id}"') :]
    assert "Rights lapse soon" in card[: card.index("</li>")]
    card = html[html.index(f'id="asset-{lapsed.public_id}"') :]
    assert "Rights lapsed" in card[: card.index("</li>")]
    assert "Paid usage (ads) for 1 months" in html


def test_the_library_filters_by_campaign_creator_and_platform(tenant_a, client_for):
    one, two = _approved(tenant_a), _approved(tenant_a)
    Submission.objects.filter(pk=two.submission_id).update(platform="youtube")
    client = client_for(tenant_a.owner)
    url = reverse("submissions:library", args=["acme"])

    def shown(**query: str) -> set[str]:
        html = client.get(url, query).content.decode()
        return {d.public_id for d in (one, two) if f'id="asset-{d.public_id}"' in html}

    assert shown() == {one.public_id, two.public_id}
    assert shown(campaign=one.campaign.public_id) == {one.public_id}
    assert shown(creator=two.creator.public_id) == {two.public_id}
    assert shown(platform="youtube") == {two.public_id}


def test_the_library_runs_a_fixed_number_of_queries(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    url = reverse("submissions:library", args=["acme"])
    _approved(tenant_a)
    few = _queue_queries(client, url)
    for _ in range(8):
        _approved(tenant_a, brand=BrandFactory(organization=tenant_a.org))
    more = _queue_queries(client, url)
    assert len(more) == len(few), "\n\n".join(more)
    assert len(few) == 7, "\n\n".join(few)


def test_the_sidebar_links_to_review_and_the_library(tenant_a, client_for):
    html = client_for(tenant_a.owner).get(_queue()).content.decode()
    nav = html[html.index('aria-label="Workspace sections"') :]
    assert re.search(r'<a href="/o/acme/review/" aria-current="page">', nav)
    assert '<a href="/o/acme/library/" >' in nav or 'href="/o/acme/library/"' in nav


def test_a_second_decision_on_the_same_item_says_it_was_already_decided(tenant_a, client_for):
    sub = _in_review(tenant_a)
    client = client_for(tenant_a.owner)
    item = sub.current_draft.public_id
    client.post(_decide(sub), {"decision": "approve", "item": item}, **HTMX)
    html = client.post(_decide(sub), {"decision": "reject", "feedback": "No", "item": item}, **HTMX)
    html = html.content.decode()
    assert 'class="rv-error" role="alert" data-focus-after-swap>Nothing of this submission' in html
    assert ReviewDecision.objects.filter(submission=sub).count() == 1


def test_a_brand_limited_member_sees_only_their_brands_assets(tenant_a, client_for):
    socks = BrandFactory(organization=tenant_a.org, name="Acme Socks")
    mine = _approved(tenant_a, brand=socks)
    theirs = _approved(tenant_a)
    client = _member(tenant_a, Role.VIEWER, client_for, brand=socks)
    html = client.get(reverse("submissions:library", args=["acme"])).content.decode()
    assert f'id="asset-{mine.public_id}"' in html
    assert theirs.public_id not in html
    assert theirs.campaign.name not in html
