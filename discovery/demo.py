"""Demo discovery: shortlists for the Northstar agency and one finished invitation batch.

Builds on ``web.demo.seed_demo``, ``creators.demo.seed_creators_demo``,
``campaigns.demo.seed_campaigns_demo`` and ``recruitment.demo.seed_recruitment_demo``:

- "Glow — beauty picks" (Glow Skincare): demo creators in beauty or lifestyle;
- "Peak — trail crew" (Peak Outdoor): demo creators in outdoors or travel;
- on "Glow Serum Summer Launch", a finished CSV batch ("spring-creators.csv") with a few
  invited rows and the rows that could not be invited, each with its reason — what the batch
  page shows after a real upload.

Idempotent: shortlists are found by name, the batch by its file name; only missing rows are
made. It writes rows directly (no e-mails, no durable transaction), so it may run inside the
caller's transaction.
"""

from django.db import transaction
from django.utils import timezone

from campaigns.demo import GLOW_LAUNCH
from campaigns.models import Campaign
from creators.models import CreatorProfile
from discovery.models import InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from organizations.models import Brand, Organization
from recruitment.models import Application, CampaignInvitation, Participation
from users.models import User

DEMO_DOMAIN = "demo.chorus.test"
DEMO_FILE = "spring-creators.csv"
SHORTLISTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Glow — beauty picks", "glow-skincare", ("beauty", "lifestyle")),
    ("Peak — trail crew", "peak-outdoor", ("outdoors", "travel")),
]


def _demo_creators(niches: tuple[str, ...], limit: int) -> list[CreatorProfile]:
    return list(
        CreatorProfile.objects.filter(
            user__email__endswith=f"@{DEMO_DOMAIN}",
            niche_links__niche__in=niches,
            has_verified_account=True,
        )
        .distinct()
        .order_by("-total_followers", "id")[:limit]
    )


def _seed_shortlists(org: Organization, owner: User | None) -> int:
    made = 0
    for name, brand_slug, niches in SHORTLISTS:
        brand = Brand.objects.filter(organization=org, slug=brand_slug).first()
        shortlist, _ = Shortlist.objects.get_or_create(
            organization=org, name=name, defaults={"brand": brand, "created_by": owner}
        )
        present = set(
            ShortlistEntry.objects.filter(organization=org, shortlist=shortlist).values_list(
                "creator_id", flat=True
            )
        )
        new = [c for c in _demo_creators(niches, 8) if c.pk not in present]
        ShortlistEntry.objects.bulk_create(
            [
                ShortlistEntry(organization=org, shortlist=shortlist, creator=c, added_by=owner)
                for c in new
            ],
            ignore_conflicts=True,
        )
        made += len(new)
    return made


def _seed_batch(glow: Campaign, owner: User | None) -> InviteBatch | None:
    org = glow.organization
    existing = InviteBatch.objects.filter(
        organization=org, campaign=glow, file_name=DEMO_FILE
    ).first()
    if existing is not None:
        return existing
    involved = (
        set(CampaignInvitation.objects.filter(campaign=glow).values_list("creator_id", flat=True))
        | set(Application.objects.filter(campaign=glow).values_list("creator_id", flat=True))
        | set(Participation.objects.filter(campaign=glow).values_list("creator_id", flat=True))
    )
    fresh = [
        c
        for c in CreatorProfile.objects.filter(
            user__email__endswith=f"@{DEMO_DOMAIN}", has_verified_account=True
        )
        .prefetch_related("social_accounts")
        .order_by("id")
        if c.pk not in involved
    ][:3]
    now = timezone.now()
    rows: list[InviteBatchRow] = []
    for creator in fresh:
        account = next((a for a in creator.social_accounts.all() if a.is_verified), None)
        if account is None:
            continue
        CampaignInvitation.objects.get_or_create(
            organization=org,
            campaign=glow,
            creator=creator,
            defaults={"invited_by": owner, "message": "We loved your routine videos!"},
        )
        rows.append(
            InviteBatchRow(
                raw_input=f"@{account.handle}",
                platform=account.platform,
                handle=account.handle,
                creator=creator,
                outcome=InviteBatchRow.Outcome.INVITED,
            )
        )
    rows += [
        InviteBatchRow(
            raw_input="@not.on.chorus.yet",
            platform="tiktok",
            handle="not.on.chorus.yet",
            outcome=InviteBatchRow.Outcome.FAILED,
            reason="No creator on Chorus has verified @not.on.chorus.yet on TikTok.",
        ),
        InviteBatchRow(
            raw_input="https://vm.tiktok.com/ZM1234/",
            outcome=InviteBatchRow.Outcome.FAILED,
            reason=(
                "'https://vm.tiktok.com/ZM1234/' is a short link; open it and paste the TikTok "
                "profile address instead."
            ),
        ),
    ]
    invited = sum(1 for r in rows if r.outcome == InviteBatchRow.Outcome.INVITED)
    batch = InviteBatch.objects.create(
        organization=org,
        campaign=glow,
        created_by=owner,
        source=InviteBatch.Source.CSV,
        file_name=DEMO_FILE,
        status=InviteBatch.Status.DONE,
        total=len(rows),
        processed=len(rows),
        invited=invited,
        failed_count=len(rows) - invited,
        started_at=now,
        finished_at=now,
    )
    for line, row in enumerate(rows, start=2):
        row.organization = org
        row.batch = batch
        row.line_number = line
        row.processed_at = now
    InviteBatchRow.objects.bulk_create(rows)
    return batch


def seed_discovery_demo() -> dict[str, int]:
    """Shortlists and a finished batch for Northstar; returns what it added."""
    with transaction.atomic():
        org = Organization.objects.filter(slug="northstar").first()
        if org is None:
            return {"entries": 0, "batches": 0}
        owner = User.objects.filter(email=f"owner@{DEMO_DOMAIN}").first()
        entries = _seed_shortlists(org, owner)
        glow = Campaign.objects.filter(organization=org, name=GLOW_LAUNCH).first()
        before = InviteBatch.objects.filter(organization=org).count()
        if glow is not None:
            _seed_batch(glow, owner)
        batches = InviteBatch.objects.filter(organization=org).count() - before
    return {"entries": entries, "batches": batches}
