"""The latest figures through the API: one tracked post by its live post id, the list with
filters, and nothing of another organization."""

import pytest
from django.utils import timezone

from analytics.models import PostMetrics
from submissions.models import LivePost, ReviewState
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def tracked_post(tenant, **figures) -> LivePost:
    campaign = CampaignFactory(organization=tenant.org, brand=tenant.brand)
    participation = ParticipationFactory(campaign=campaign)
    submission = SubmissionFactory(slot=participation.slots.order_by("id").first())
    post = LivePostFactory(
        submission=submission, state=ReviewState.APPROVED, approved_at=timezone.now()
    )
    PostMetrics.objects.create(
        organization=tenant.org,
        live_post=post,
        campaign=campaign,
        participation=participation,
        platform=post.platform,
        retrieved_at=timezone.now(),
        status=PostMetrics.Status.OK,
        **figures,
    )
    return post


def test_a_live_posts_latest_figures_are_readable_by_its_id(tenant_a, api_client_for):
    post = tracked_post(tenant_a, views=12_345, likes=None, comments=40)

    response = api_client_for(tenant_a).get(f"/api/v1/post-metrics/{post.public_id}/")

    assert response.status_code == 200
    body = response.json()
    assert body["live_post"] == post.public_id
    assert (body["views"], body["likes"], body["comments"]) == (12_345, None, 40)
    assert body["status"] == "ok"


def test_the_list_filters_by_campaign_and_status(tenant_a, api_client_for):
    post = tracked_post(tenant_a, views=10)
    tracked_post(tenant_a, views=20)
    client = api_client_for(tenant_a)

    response = client.get("/api/v1/post-metrics/", {"campaign": post.campaign.public_id})

    assert response.status_code == 200
    assert [r["live_post"] for r in response.json()["results"]] == [post.public_id]
    unavailable = client.get("/api/v1/post-metrics/", {"status": "unavailable"}).json()
    assert unavailable["results"] == []


def test_another_organizations_post_answers_404(tenant_a, tenant_b, api_client_for):
    theirs = tracked_post(tenant_b, views=99)

    response = api_client_for(tenant_a).get(f"/api/v1/post-metrics/{theirs.public_id}/")

    assert response.status_code == 404
    assert "99" not in response.content.decode()
