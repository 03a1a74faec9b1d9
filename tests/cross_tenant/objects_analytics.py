"""Cross-tenant builders for the analytics API: the victim's approved live post (on the victim
submission's slot) with its latest metrics, so a leak would show the victim's figures."""

from django.utils import timezone

from analytics.models import PostMetrics
from submissions.models import ReviewState
from tests.cross_tenant.objects_submissions_api import victim_submission
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.submissions import LivePostFactory


def victim_post_metrics(owner: Owner) -> PostMetrics:
    def make() -> PostMetrics:
        submission = victim_submission(owner)
        post = LivePostFactory(
            submission=submission, state=ReviewState.APPROVED, approved_at=timezone.now()
        )
        return PostMetrics.objects.create(
            organization=post.organization,
            live_post=post,
            campaign=post.campaign,
            participation=submission.participation,
            platform=post.platform,
            views=987_654,
            retrieved_at=timezone.now(),
            status=PostMetrics.Status.OK,
        )

    return owner.once("analytics:post_metrics", make)


@url_param("api:post-metrics")
def api_post_metrics(owner: Owner) -> str:
    return str(victim_post_metrics(owner).live_post.public_id)
