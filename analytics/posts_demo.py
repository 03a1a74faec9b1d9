"""Demo live posts: "Glow Serum Early Access", an active campaign whose creators have posted on
TikTok, Instagram and YouTube, each post approved, tracked and paid its slot's fee.

Builds on the demo creators (``creators.demo``: verified accounts on the simulator) and the
Glow Skincare brand (``web.demo``). The campaign is made like the other demo campaigns
(``campaigns.demo``); creators join through the recruitment service's acceptance (budget
reserved, fees committed in the ledger); each post's submission is written up to "live post in
review" as ``submissions.demo`` writes its rows (an approved draft, the post with the results of
the real checks on what the simulator will say of it), then the reviewer approves it through
the review service (``decide_locked``): the decision, its audit row, the creator's notice and
the accrual of the slot's fee (committed → payable) all happen there, never by hand here.

The posts get ids in each platform's real shape (an Instagram reel a shortcode for its address
and a media id for the API), so ``analytics.pulls_demo`` can put them on the simulator and the
pulls read their growing figures. Runs inside the caller's transaction (no durable one of its
own). Idempotent: a campaign that has any participation is left as it is.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services import DeliverableSpec
from campaigns.services.editing import _campaign_create, _default_values
from core.errors import ChorusError
from creators.models import CreatorProfile, SocialAccount
from organizations.access import access_for_user
from organizations.models import Brand
from platforms.post_urls import parse_post_url
from platforms.types import Platform, PostInfo, Visibility
from recruitment.models import CampaignInvitation, Participation, ParticipationSlot
from recruitment.services import _participation_create
from submissions import checks
from submissions.demo import _Seeder
from submissions.models import LivePost, ReviewDecision, ReviewState, Submission
from submissions.services.review import decide_locked
from users.models import User

DEMO_DOMAIN = "demo.chorus.test"
MAIN_CREATOR = f"creator@{DEMO_DOMAIN}"
REVIEWER = f"reviewer@{DEMO_DOMAIN}"
INVITER = f"manager@{DEMO_DOMAIN}"
EARLY_ACCESS = "Glow Serum Early Access"
PLATFORMS = ("tiktok", "instagram", "youtube")
CREATORS = 8  # the demo creator and seven others
POSTS_PER_CREATOR = 2
CAPTION = (
    "#ad First week with @glowskincare Glow Serum: two drops, then SPF. #GlowSerum #SummerGlow"
)
TIKTOK_ID_BASE = 7_391_000_000_000_000_000  # clear of submissions.demo's and the simulator's
INSTAGRAM_MEDIA_ID_BASE = 17_900_000_000_000_000


@dataclass(frozen=True)
class DemoPost:
    """Where a demo post lives on its platform: the address, and the API's id for it."""

    url: str
    post_id: str  # as in the address: TikTok item id, Instagram shortcode, YouTube video id
    api_post_id: str  # Instagram's media id; the same id elsewhere


def _code(slot: ParticipationSlot, length: int) -> str:
    """A stable address code for a slot's post (Instagram shortcodes, YouTube ids)."""
    digest = hashlib.sha256(f"chorus-demo:{slot.public_id}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:length]


def demo_post_address(slot: ParticipationSlot, handle: str) -> DemoPost:
    """The post a creator made for ``slot`` from the account ``handle``, in its platform's shape
    (read back through the same URL parser a pasted link goes through)."""
    if slot.platform == "tiktok":
        url = f"https://www.tiktok.com/@{handle}/video/{TIKTOK_ID_BASE + slot.pk}"
    elif slot.platform == "instagram":
        url = f"https://www.instagram.com/reel/{_code(slot, 11)}/"
    else:
        url = f"https://www.youtube.com/shorts/{_code(slot, 11)}"
    ref = parse_post_url(url)
    api_id = str(INSTAGRAM_MEDIA_ID_BASE + slot.pk) if slot.platform == "instagram" else ref.post_id
    return DemoPost(url=ref.canonical_url, post_id=ref.post_id, api_post_id=api_id)


def _specs() -> tuple[list[DeliverableSpec], dict[str, object]]:
    today = timezone.localdate()
    deliverables = [
        DeliverableSpec("tiktok", "video", 1, 12_000),
        DeliverableSpec("instagram", "reel", 1, 15_000),
        DeliverableSpec("youtube", "short", 1, 10_000),
    ]
    fields: dict[str, object] = {
        "objective": "A first wave of honest reviews while the serum is still early access",
        "brief": "You got **Glow Serum** a month early. Show the first week of your routine "
        "with it, in daylight, and say how it layers under SPF.",
        "product_name": "Glow Serum 30 ml",
        "landing_url": "https://glow-skincare.example/serum",
        "required_hashtags": ["GlowSerum", "SummerGlow"],
        "required_mentions": ["glowskincare"],
        "currency": "USD",
        "budget_cents": 1_000_000,
        "bonus_per_1k_views_cents": 150,
        "bonus_cap_per_post_cents": 5_000,
        "commission_per_conversion_cents": 300,
        # Posting is open now: every date is today or later (the services refuse a past
        # deadline), and the posts below are published today.
        "application_deadline": today,
        "draft_due": today,
        "posting_starts": today,
        "posting_ends": today + datetime.timedelta(days=14),
        "niches": ["beauty", "lifestyle"],
        "max_creators": 20,
        "visibility": Campaign.Visibility.INVITE_ONLY,
    }
    return deliverables, fields


def _campaign() -> Campaign | None:
    brand = (
        Brand.objects.select_related("organization")
        .filter(organization__slug="northstar", slug="glow-skincare")
        .first()
    )
    if brand is None:
        return None
    existing = Campaign.objects.filter(
        organization=brand.organization, brand=brand, name=EARLY_ACCESS
    ).first()
    if existing is not None:
        return existing
    deliverables, fields = _specs()
    campaign = _campaign_create(
        organization_id=brand.organization_id,
        brand=brand,
        deliverables=deliverables,
        values=_default_values() | fields | {"name": EARLY_ACCESS},
    )
    campaign.status = Campaign.Status.ACTIVE
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["status", "published_at", "updated_at"])
    return campaign


def _creators() -> list[tuple[CreatorProfile, dict[str, SocialAccount]]]:
    """The demo creator first, then others in e-mail order, so that every platform is covered;
    each with their verified accounts by platform."""
    profiles = (
        CreatorProfile.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user")
        .prefetch_related("social_accounts")
        .order_by("user__email")
    )
    found: list[tuple[CreatorProfile, dict[str, SocialAccount]]] = []
    for profile in profiles:
        accounts = {
            a.platform: a
            for a in sorted(profile.social_accounts.all(), key=lambda a: a.pk)
            if a.is_verified and a.platform in PLATFORMS
        }
        if accounts:
            found.append((profile, accounts))
    found.sort(key=lambda item: item[0].user.email != MAIN_CREATOR)
    chosen = found[:CREATORS]
    covered = {p for _, accounts in chosen for p in accounts}
    for platform in PLATFORMS:  # swap in a creator for a platform nobody chosen has
        if platform not in covered:
            extra = next((f for f in found[CREATORS:] if platform in f[1]), None)
            if extra is not None and len(chosen) > 1:
                chosen[-1] = extra
                covered = {p for _, accounts in chosen for p in accounts}
    return chosen


def _join(campaign: Campaign, creator: CreatorProfile, account: SocialAccount) -> bool:
    inviter = User.objects.filter(email=INVITER).first()
    invitation, _ = CampaignInvitation.objects.get_or_create(
        organization=campaign.organization,
        campaign=campaign,
        creator=creator,
        defaults={
            "invited_by": inviter,
            "message": "You loved the serum in early access: tell your followers!",
            "status": CampaignInvitation.Status.ACCEPTED,
            "responded_at": timezone.now(),
        },
    )
    try:
        with transaction.atomic():
            _participation_create(
                campaign=campaign, creator=creator, social_account=account, invitation=invitation
            )
    except ChorusError:
        return False  # full or out of budget: the rest stay out
    return True


def _post_in_review(
    seeder: _Seeder, slot: ParticipationSlot, account: SocialAccount, index: int
) -> Submission:
    """The slot's submission as the services leave it once the post is submitted and checked:
    an approved draft, the live post in review with the checks' results."""
    now = seeder.now
    submission = seeder.submission(slot)
    draft = seeder.draft(submission, 1, ReviewState.APPROVED, datetime.timedelta(days=1))
    address = demo_post_address(slot, account.handle)
    # Published earlier today (never before the window opened), a little apart per post.
    start_of_day = now.replace(hour=0, minute=5, second=0, microsecond=0)
    published = max(now - datetime.timedelta(hours=2 + 0.75 * index), start_of_day)
    published = min(published, now)
    info = PostInfo(
        platform=Platform(slot.platform),
        post_id=address.api_post_id,
        author_id=account.external_id,
        author_handle=account.handle.lower(),
        caption=CAPTION,
        published_at=published,
        visibility=Visibility.PUBLIC,
        permalink=address.url,
        media_type={"tiktok": "VIDEO", "instagram": "REELS", "youtube": "short"}[slot.platform],
        shortcode=address.post_id if slot.platform == "instagram" else "",
    )
    campaign = seeder.campaign
    results = checks.post_results(
        info,
        checks.PostExpectations(
            platform=slot.platform,
            account_handles=[account.handle],
            account_ids=[account.external_id] if account.external_id else [],
            window_starts=campaign.posting_starts,
            window_ends=campaign.posting_ends,
            required_hashtags=list(campaign.required_hashtags or []),
            required_mentions=list(campaign.required_mentions or []),
            disclosure_required=campaign.disclosure_required,
        ),
    )
    post = LivePost.objects.create(
        organization_id=slot.organization_id,
        submission=submission,
        campaign=campaign,
        creator_id=slot.creator_id,
        slot=slot,
        url=address.url,
        platform=slot.platform,
        post_id=address.post_id,
        api_post_id=address.api_post_id,
        fee_cents=slot.fee_cents,
        currency=slot.currency,
        state=ReviewState.IN_REVIEW,
        checks_status=LivePost.Checks.DONE,
        check_results=[r.as_json() for r in results],
        check_attempts=1,
        checked_at=min(published + datetime.timedelta(minutes=10), now),
        published_at=published,
        platform_caption=CAPTION,
        permalink=address.url,
    )
    submission.current_draft = draft
    submission.current_post = post
    submission.stage = Submission.Stage.POST_REVIEW
    submission.review_since = post.checked_at
    submission.save(update_fields=["current_draft", "current_post", "stage", "review_since"])
    return submission


def seed_posts_demo() -> int:
    """Make the Early Access campaign with its approved posts; returns how many were approved."""
    campaign = _campaign()
    reviewer = User.objects.filter(email=REVIEWER).first()
    if campaign is None or reviewer is None:
        return 0
    if Participation.objects.filter(campaign=campaign).exists():
        return 0  # seeded before (or in use): leave it as people left it
    access = access_for_user(reviewer, campaign.organization.slug)
    seeder = _Seeder(campaign, reviewer, timezone.now())
    approved = 0
    for profile, accounts in _creators():
        # The participation's account is the creator's largest; they post from each account.
        main = max(accounts.values(), key=lambda a: a.follower_count)
        if not _join(campaign, profile, main):
            continue
        slots = ParticipationSlot.objects.filter(
            campaign=campaign, creator=profile, status=ParticipationSlot.Status.OPEN
        ).order_by("deliverable__position", "slot_number")
        posted = [s for s in slots if s.platform in accounts][:POSTS_PER_CREATOR]
        for slot in posted:
            seeder.made = approved * 3  # a different draft picture for each
            submission = _post_in_review(seeder, slot, accounts[slot.platform], approved)
            decide_locked(
                submission_pk=submission.pk,
                decision=ReviewDecision.Decision.APPROVE,
                feedback="",
                access=access,
            )
            approved += 1
    return approved
