"""Demo recruitment: a living applications queue on the open Glow campaign.

Builds on ``web.demo.seed_demo``, ``creators.demo.seed_creators_demo`` and
``campaigns.demo.seed_campaigns_demo``. On "Glow Serum Summer Launch": about 15 pending
applications, 8 accepted creators (participations with their codes, fees reserved from the
budget through the same path the services use, so ``committed_cents`` adds up), a few
wait-listed and declined. creator@demo.chorus.test has a pending invitation to Glow (accept it
live) and takes part in the invite-only "Hiking Boots Spring Push".

Idempotent: the Glow queue is made once (while the campaign has no application yet) and then
left as people leave it; the demo creator's rows are found by (campaign, creator). It may run
inside the caller's transaction (it opens no durable one, and sends no e-mail).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.demo import GLOW_LAUNCH
from campaigns.models import Campaign
from core.errors import ChorusError
from creators.eligibility import check_eligibility
from creators.models import CreatorProfile, SocialAccount
from notifications.models import Notification
from organizations.models import Organization
from recruitment.models import Application, CampaignInvitation, Participation
from recruitment.notifications import Kind
from recruitment.services import _participation_create
from users.models import User

DEMO_DOMAIN = "demo.chorus.test"
MAIN_CREATOR = f"creator@{DEMO_DOMAIN}"
DECIDER = f"manager@{DEMO_DOMAIN}"
BOOTS = "Hiking Boots Spring Push"
PLAN = [("accepted", 8), ("pending", 15), ("waitlisted", 2), ("declined", 2)]
PITCHES = [
    "My morning routine videos are my most watched: I'd film the serum in daylight, "
    "bare-faced first, and talk through the texture honestly.",
    "I review one skincare product a week and my followers ask me about vitamin C all the "
    "time. I'd love to show how it layers under my SPF.",
    "Short, real, no filters: that's my style. I'll show the bottle, two drops, and the glow "
    "after, with my promo code in the caption.",
    "My audience is 80% women 18-34 who love simple routines. A summer serum is a perfect fit "
    "for my 'get ready with me' series.",
    "I've used vitamin C serums for years and can compare honestly. I post daily and reply to "
    "every comment.",
]


def _campaign(org_slug: str, name: str) -> Campaign | None:
    return (
        Campaign.objects.select_related("brand", "organization")
        .prefetch_related("deliverables")
        .filter(organization__slug=org_slug, name=name)
        .first()
    )


def _account(creator: CreatorProfile, platforms: list[str]) -> SocialAccount | None:
    accounts = [
        a
        for a in creator.social_accounts.all()
        if a.is_verified and (not platforms or a.platform in platforms)
    ]
    return max(accounts, key=lambda a: a.follower_count, default=None)


def _accept(
    campaign: Campaign, creator: CreatorProfile, account: SocialAccount, **links: object
) -> bool:
    try:
        with transaction.atomic():
            _participation_create(
                campaign=campaign,
                creator=creator,
                social_account=account,
                **links,  # type: ignore[arg-type]
            )
    except ChorusError:
        return False  # full or out of budget: leave the rest pending
    return True


def _note(user: User, org: Organization, kind: str, title: str, url: str, body: str = "") -> None:
    if not Notification.objects.filter(recipient=user, kind=kind, title=title).exists():
        Notification.objects.create(
            recipient=user, organization=org, kind=kind, title=title, body=body, url=url
        )


def _glow_counts(glow: Campaign) -> dict[str, int]:
    counts = {status: 0 for status, _ in PLAN}
    for status in Application.objects.filter(campaign=glow).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _seed_glow(glow: Campaign, decider: User | None) -> dict[str, int]:
    if Application.objects.filter(campaign=glow).exists():
        return _glow_counts(glow)  # seeded before (or in use): leave the queue as people left it
    platforms = glow.platforms
    creators = list(
        CreatorProfile.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(user__email=MAIN_CREATOR)
        .select_related("user")
        .prefetch_related("social_accounts", "niche_links")
        .order_by("user__email")
    )
    # Creators who qualify come first, so the accepted ones fit the targeting; the demo has too
    # few of them to fill the whole queue, so the rest are creators with an account on a
    # campaign platform (as if their stats had changed since they applied).
    qualifies = {
        c.pk: check_eligibility(
            creator=c, campaign=glow, accounts=list(c.social_accounts.all())
        ).eligible
        for c in creators
    }
    creators.sort(key=lambda c: not qualifies[c.pk])
    plan = [status for status, n in PLAN for _ in range(n)]
    now = timezone.now()
    index = 0
    for creator in creators:
        if index >= len(plan):
            break
        account = _account(creator, platforms)
        if account is None:
            continue
        status = plan[index]
        index += 1
        application = Application.objects.create(
            organization=glow.organization,
            campaign=glow,
            creator=creator,
            social_account=account,
            pitch=PITCHES[index % len(PITCHES)],
            status=Application.Status.PENDING,
        )
        if status == "pending":
            continue
        if status == "accepted" and not _accept(glow, creator, account, application=application):
            continue  # full or out of budget: it stays pending
        application.status = status
        application.decided_by = decider
        application.decided_at = now
        application.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return _glow_counts(glow)


def _seed_main_creator(glow: Campaign | None, boots: Campaign | None, decider: User | None) -> None:
    creator = (
        CreatorProfile.objects.filter(user__email=MAIN_CREATOR)
        .select_related("user")
        .prefetch_related("social_accounts")
        .first()
    )
    if creator is None:
        return
    user = creator.user
    if boots is not None and boots.status in (Campaign.Status.RECRUITING, Campaign.Status.ACTIVE):
        account = _account(creator, boots.platforms)
        if (
            account is not None
            and not Participation.objects.filter(campaign=boots, creator=creator).exists()
        ):
            invitation, _ = CampaignInvitation.objects.get_or_create(
                organization=boots.organization,
                campaign=boots,
                creator=creator,
                defaults={
                    "invited_by": decider,
                    "message": "We loved your trail videos: come test the Summit Boots with us.",
                    "status": CampaignInvitation.Status.ACCEPTED,
                    "responded_at": timezone.now(),
                },
            )
            if _accept(boots, creator, account, invitation=invitation):
                _note(
                    user,
                    boots.organization,
                    Kind.APPLICATION_DECIDED,
                    f"You're in: {boots.name}",
                    reverse("recruitment:my_work"),
                    "Your tracking link and promo code are in My work.",
                )
    if glow is not None and glow.status == Campaign.Status.RECRUITING:
        invitation, _ = CampaignInvitation.objects.get_or_create(
            organization=glow.organization,
            campaign=glow,
            creator=creator,
            defaults={
                "invited_by": decider,
                "message": "Your morning routine videos are exactly the vibe for Glow Serum!",
            },
        )
        if invitation.status == CampaignInvitation.Status.PENDING:
            _note(
                user,
                glow.organization,
                Kind.INVITATION_RECEIVED,
                f"{glow.brand.name} invited you to {glow.name}",
                reverse("recruitment:my_work"),
                f'"{invitation.message}"',
            )


def seed_recruitment_demo() -> dict[str, int]:
    """Fill the demo's recruitment; returns the Glow applications per status."""
    with transaction.atomic():
        glow = _campaign("northstar", GLOW_LAUNCH)
        boots = _campaign("northstar", BOOTS)
        decider = User.objects.filter(email=DECIDER).first()
        counts = _seed_glow(glow, decider) if glow is not None else {}
        _seed_main_creator(glow, boots, decider)
        if glow is not None and decider is not None and counts.get("pending"):
            _note(
                decider,
                glow.organization,
                Kind.APPLICATION_RECEIVED,
                f"{counts['pending']} creators applied to {glow.name}",
                reverse(
                    "recruitment:applications_for_campaign",
                    kwargs={"org_slug": glow.organization.slug, "campaign_id": glow.public_id},
                ),
            )
    return counts
