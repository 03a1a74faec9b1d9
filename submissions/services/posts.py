"""Live posts: the creator pastes the address of the published post, we check it against the
platform (through platforms/, batched), and it goes to review. A post counts once: the same
platform post cannot be submitted again, by anyone, in any campaign."""

import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ChorusError
from core.outbox import outbox_enqueue
from core.queues import Queue
from creators.models import CreatorProfile, SocialAccount
from creators.tokens import platform_access_token
from organizations.audit import audit_record
from platforms.errors import PlatformError, PlatformUnavailable
from platforms.post_urls import PostRef, PostUrlError
from platforms.registry import get_client, parse_post_url_resolving
from platforms.types import PostBatch, PostInfo
from recruitment.models import ParticipationSlot
from submissions import checks
from submissions.models import POST_URL_MAX_CHARS, LivePost, ReviewState, Submission
from submissions.notifications import Kind, notify, reviewers_for_campaign
from submissions.services._common import require_active_slot, submission_for_slot_locked
from submissions.services.drafts import _context, _enter_review

logger = logging.getLogger(__name__)

POST_STAGES = (Submission.Stage.POST_DUE, Submission.Stage.POST_CHANGES)
# A platform that did not answer: check again after 1, 2, 4 … minutes, at most hourly.
CHECK_RETRY_FIRST = datetime.timedelta(minutes=1)
CHECK_RETRY_MAX = datetime.timedelta(hours=1)
CHECK_SWEEP_LIMIT = 500
CHECK_TASK = "submissions.tasks.check_live_posts"
_PLATFORM_NAMES = checks.PLATFORM_NAMES


def _a(word: str) -> str:
    """ "a TikTok", "an Instagram"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _url_error(message: str, code: str = "invalid") -> ChorusError:
    return ChorusError(code, message, fields={"url": [message]})


def _parse(url: str) -> PostRef:
    if len(url or "") > POST_URL_MAX_CHARS:
        raise _url_error(f"This address is too long (at most {POST_URL_MAX_CHARS} characters).")
    try:
        return parse_post_url_resolving(url)
    except PostUrlError as exc:
        raise _url_error(exc.message, exc.code) from None
    except PlatformUnavailable:
        raise ChorusError(
            "platform_unavailable",
            "TikTok did not answer to open this short link. Try again in a minute, or paste the "
            "full link from the post's Share → Copy link.",
            fields={"url": ["Could not open the short link right now."]},
            status_code=503,
        ) from None


def live_post_submit(*, creator: CreatorProfile, slot: ParticipationSlot, url: str) -> LivePost:
    """Record the live post for ``slot`` (whose draft is approved) and queue its checks."""
    require_active_slot(slot)
    existing = Submission.objects.filter(slot=slot).first()
    if existing is None or existing.stage not in POST_STAGES:
        stage = existing.get_stage_display() if existing else "Draft due"
        raise ChorusError(
            "post_not_expected",
            f"A live post is expected once the draft is approved; this post is “{stage}”.",
            status_code=409,
        )
    ref = _parse(url)
    if ref.platform != slot.platform:
        raise _url_error(
            f"This is {_a(_PLATFORM_NAMES[ref.platform])} post; this slot is for "
            f"{_PLATFORM_NAMES.get(slot.platform, slot.platform)}.",
            "wrong_platform",
        )
    taken = _post_taken(ref, slot)
    try:
        with transaction.atomic(durable=True):
            submission = submission_for_slot_locked(slot)
            if submission.stage not in POST_STAGES:
                raise ChorusError(
                    "post_not_expected",
                    f"A live post is not expected now: “{submission.get_stage_display()}”.",
                    status_code=409,
                )
            post = _post_row(ref, slot, submission, creator, taken)
            now = timezone.now()
            _enter_review(submission, stage=Submission.Stage.POST_REVIEW, now=now)
            submission.current_post = post
            submission.save(
                update_fields=[
                    "stage",
                    "review_since",
                    "auto_approve_at",
                    "current_post",
                    "updated_at",
                ]
            )
            campaign = slot.campaign
            audit_record(
                organization=campaign.organization,
                actor=creator.user,
                action="submission.post_submitted",
                target=submission,
                data={"post": post.public_id, "url": post.url},
            )
            notify(
                Kind.SUBMISSION_RECEIVED,
                recipients=reviewers_for_campaign(campaign),
                campaign=campaign,
                email=False,
                **_context(submission, creator, target="post"),
            )
            outbox_enqueue(CHECK_TASK, kwargs={"live_post_ids": [post.pk]}, queue=Queue.DEFAULT)
    except IntegrityError:  # another submission claimed the same post a moment earlier
        raise _already_submitted() from None
    return post


def _already_submitted() -> ChorusError:
    return ChorusError(
        "post_already_submitted",
        "This post was already submitted to Chorus. Each post counts once: paste the link to "
        "the post you made for this campaign.",
        fields={"url": ["This post was already submitted."]},
        status_code=409,
    )


def _post_taken(ref: PostRef, slot: ParticipationSlot) -> LivePost | None:
    """The row that claims this post already: this slot's own (a resubmission after changes
    were asked) is reused; anyone else's refuses."""
    claimed = LivePost.objects.filter(platform=ref.platform, post_id=ref.post_id).first()
    if claimed is not None and claimed.slot_id != slot.pk:
        raise _already_submitted()
    return claimed


def _post_row(
    ref: PostRef,
    slot: ParticipationSlot,
    submission: Submission,
    creator: CreatorProfile,
    taken: LivePost | None,
) -> LivePost:
    if taken is not None:
        post = LivePost.objects.select_for_update().get(pk=taken.pk)
        post.url = ref.canonical_url
        post.state = ReviewState.CHECKING
        post.checks_status = LivePost.Checks.PENDING
        post.check_results = []
        post.check_attempts = 0
        post.next_check_at = None
        post.feedback = ""
        post.decided_by = None
        post.decided_at = None
        post.save(
            update_fields=[
                "url",
                "state",
                "checks_status",
                "check_results",
                "check_attempts",
                "next_check_at",
                "feedback",
                "decided_by",
                "decided_at",
                "updated_at",
            ]
        )
        return post
    return LivePost.objects.create(
        organization_id=slot.organization_id,
        submission=submission,
        campaign_id=slot.campaign_id,
        creator=creator,
        slot=slot,
        url=ref.canonical_url,
        platform=ref.platform,
        post_id=ref.post_id,
        fee_cents=slot.fee_cents,
        currency=slot.currency,
    )


# -- the automatic checks ------------------------------------------------------------------------


def _expectations(post: LivePost, accounts: Sequence[SocialAccount]) -> checks.PostExpectations:
    campaign = post.campaign
    return checks.PostExpectations(
        platform=post.platform,
        account_handles=[a.handle for a in accounts],
        account_ids=[a.external_id for a in accounts if a.external_id],
        window_starts=campaign.posting_starts,
        window_ends=campaign.posting_ends,
        required_hashtags=list(campaign.required_hashtags or []),
        required_mentions=list(campaign.required_mentions or []),
        disclosure_required=campaign.disclosure_required,
    )


def _retry_delay(attempts: int) -> datetime.timedelta:
    return min(CHECK_RETRY_FIRST * (2 ** max(attempts - 1, 0)), CHECK_RETRY_MAX)


def live_posts_check(*, live_post_ids: Sequence[int]) -> int:
    """Run the checks of these posts (each looked up through its platform; posts of one creator
    and platform share one batched call). Returns how many got final results."""
    posts = list(
        LivePost.objects.filter(
            pk__in=list(live_post_ids),
            state__in=[ReviewState.CHECKING, ReviewState.IN_REVIEW],
            checks_status=LivePost.Checks.PENDING,
        ).select_related("campaign", "creator")
    )
    groups: dict[tuple[int, str], list[LivePost]] = defaultdict(list)
    for post in posts:
        groups[(post.creator_id, post.platform)].append(post)
    settled = 0
    for (creator_id, platform), group in groups.items():
        accounts = list(
            SocialAccount.objects.filter(
                creator_id=creator_id, platform=platform, verified_at__isnull=False
            ).select_related("creator")
        )
        try:
            token = platform_access_token(accounts[0]) if accounts else ""
            batch = get_client(platform).lookup_posts(
                [p.post_id for p in group], access_token=token
            )
        except PlatformError as exc:
            batch = PostBatch(failed={p.post_id: exc for p in group})
        for post in group:
            settled += _store_results(post, batch, accounts)
    return settled


def _store_results(
    post: LivePost, batch: PostBatch[PostInfo], accounts: Sequence[SocialAccount]
) -> int:
    now = timezone.now()
    with transaction.atomic(durable=True):
        locked = LivePost.objects.select_for_update().get(pk=post.pk)
        if locked.checks_status != LivePost.Checks.PENDING or locked.state not in (
            ReviewState.CHECKING,
            ReviewState.IN_REVIEW,
        ):
            return 0  # decided or checked meanwhile
        update = ["check_results", "checks_status", "check_attempts", "updated_at"]
        locked.check_attempts += 1
        if post.post_id in batch.found:
            info = batch.found[post.post_id]
            results = checks.post_results(info, _expectations(post, accounts))
            locked.api_post_id = info.post_id
            locked.published_at = info.published_at
            locked.platform_caption = info.caption[:10000]
            locked.permalink = info.permalink[:POST_URL_MAX_CHARS]
            update += ["api_post_id", "published_at", "platform_caption", "permalink"]
        elif post.post_id in batch.unavailable:
            results = checks.unavailable_results(batch.unavailable[post.post_id], post.platform)
        else:
            error = batch.failed.get(post.post_id)
            name = _PLATFORM_NAMES.get(post.platform, post.platform)
            reason = getattr(error, "message", "") or "no answer"
            results = checks.pending_results(
                f"{name} did not answer yet ({reason}); checking again automatically."
            )
            wait = _retry_delay(locked.check_attempts)
            retry_after = batch.retry_after_seconds
            if retry_after:
                wait = max(wait, datetime.timedelta(seconds=retry_after))
            locked.next_check_at = now + wait
            update.append("next_check_at")
        final = checks.summary([r.as_json() for r in results]) != "pending"
        locked.check_results = [r.as_json() for r in results]
        if final:
            locked.checks_status = LivePost.Checks.DONE
            locked.checked_at = now
            locked.next_check_at = None
            update += ["checked_at", "next_check_at"]
            if locked.state == ReviewState.CHECKING:
                locked.state = ReviewState.IN_REVIEW
                update.append("state")
        locked.save(update_fields=list(dict.fromkeys(update)))
        return 1 if final else 0


def live_post_checks_retry_due(*, now: datetime.datetime | None = None) -> int:
    """Queue the checks a platform outage left pending (beat). Returns how many were queued."""
    now = now or timezone.now()
    due = list(
        LivePost.objects.filter(
            checks_status=LivePost.Checks.PENDING,
            state__in=[ReviewState.CHECKING, ReviewState.IN_REVIEW],
            next_check_at__lte=now,
        )
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:CHECK_SWEEP_LIMIT]
    )
    if due:
        with transaction.atomic(durable=True):
            outbox_enqueue(CHECK_TASK, kwargs={"live_post_ids": due}, queue=Queue.DEFAULT)
    return len(due)
