"""Seeded data for the API contract tests: one agency with something of every kind.

Used by the schemathesis run (so generated requests meet real objects, not only 404s) and kept
small: a run touches every operation a few times.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from analytics.models import PostMetrics
from analytics.pulls import posts_track
from campaigns.models import Campaign
from discovery.models import InviteBatch, InviteBatchRow
from organizations.models import Invitation, Membership
from organizations.roles import Role
from organizations.services import api_key_create
from recruitment.models import Application, Participation
from submissions.services import submission_decide
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.discovery import (
    InviteBatchFactory,
    InviteBatchRowFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)
from tests.factories.organizations import (
    BrandFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)
from tests.factories.submissions import submission_in_review


@dataclass
class Seeded:
    tenant: Tenant
    api_key: str
    ids: dict[str, list[str]] = field(default_factory=dict)  # router basename -> public ids


def seed_agency() -> Seeded:
    owner = UserFactory(email="contract-owner@example.com", full_name="Cora Owner")
    org = OrganizationFactory(name="Contract Agency", slug="contract")
    brand = BrandFactory(organization=org, name="Contract Shoes", slug="contract-shoes")
    BrandFactory(organization=org, name="Contract Socks", slug="contract-socks")
    MembershipFactory(organization=org, user=owner, role=Role.OWNER)
    tenant = Tenant(org=org, brand=brand, owner=owner)
    viewer = tenant.add_member(Role.VIEWER, email="contract-viewer@example.com")
    _key, raw = api_key_create(access=tenant.access(), name="contract", role=Role.ADMIN)

    creators = []
    for n in range(4):
        profile = CreatorProfileFactory(display_name=f"contract.creator{n}", niches=["beauty"])
        SocialAccountFactory(creator=profile, follower_count=5_000 + n * 1_000)
        creators.append(profile)
    draft = CampaignFactory(brand=brand, status=Campaign.Status.DRAFT, published_at=None)
    recruiting = CampaignFactory(brand=brand)
    for profile in creators[:2]:
        ApplicationFactory(campaign=recruiting, creator=profile)
    CampaignInvitationFactory(campaign=recruiting, creator=creators[2])
    participation = ParticipationFactory(campaign=recruiting, creator=creators[3])
    shortlist = ShortlistFactory(organization=org, name="Contract favourites")
    ShortlistEntryFactory(shortlist=shortlist, creator=creators[3])
    batch = InviteBatchFactory(campaign=recruiting, status=InviteBatch.Status.DONE)
    # A failed row without a platform: the row the schema once could not describe.
    InviteBatchRowFactory(
        batch=batch,
        platform="",
        handle="nobody",
        raw_input="nobody",
        outcome=InviteBatchRow.Outcome.FAILED,
        reason="Say which platform this handle is on.",
    )
    # Submissions: a draft and a live post in review (decisions reach them), and one done, whose
    # approved draft is in the content library.
    submissions = []
    for n, target in enumerate(("draft", "post", "post")):
        profile = CreatorProfileFactory(display_name=f"contract.maker{n}")
        made = ParticipationFactory(campaign=recruiting, creator=profile)
        submissions.append(
            submission_in_review(target=target, slot=made.slots.order_by("id").first())
        )
    submission_decide(access=tenant.access(), submission=submissions[2], decision="approve")
    posts_track()  # the approved live post is tracked: its metrics row is readable
    Invitation.objects.create(
        organization=org,
        email="invitee@example.com",
        role=Role.VIEWER,
        invited_by=owner,
        token_hash="contract-seed",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )

    store, conversion = _seed_conversions(tenant, participation)
    ids = {
        "store": [store.public_id],
        "conversion": [conversion.public_id],
        "brand": list(org.brands.values_list("public_id", flat=True)),
        "member": list(
            Membership.objects.filter(organization=org, user=viewer).values_list(
                "public_id", flat=True
            )
        ),
        "invitation": list(
            Invitation.objects.filter(organization=org).values_list("public_id", flat=True)
        ),
        "campaign": [draft.public_id, recruiting.public_id],
        "creator-search": [c.public_id for c in creators],
        "shortlist": [shortlist.public_id],
        "invite-batch": [batch.public_id],
        "application": list(
            Application.objects.filter(campaign=recruiting).values_list("public_id", flat=True)
        ),
        "participation": [participation.public_id],
        "campaign-invitation": list(recruiting.invitations.values_list("public_id", flat=True)),
        "submission": [s.public_id for s in submissions],
        "post-metrics": list(
            PostMetrics.objects.filter(organization=org).values_list(
                "live_post__public_id", flat=True
            )
        ),
    }
    return Seeded(tenant=tenant, api_key=raw, ids=ids)


def _seed_conversions(tenant: Tenant, participation: Participation) -> tuple[Any, Any]:
    """A connected store and an order attributed by promo code (the conversions API)."""
    from analytics.conversions import OrderIn, conversion_record
    from analytics.conversions_stores import store_connect
    from analytics.models import Conversion

    store = store_connect(
        access=tenant.access(),
        brand=tenant.brand,
        shop_domain="contract-shoes.myshopify.com",
        secret="shpss_contract_secret_0123456789",
    )
    conversion, _ = conversion_record(
        organization_id=tenant.org.pk,
        brand_id=None,
        source=Conversion.Source.API,
        order=OrderIn(
            order_id="contract-order-1",
            occurred_at=timezone.now(),
            currency="USD",
            revenue_cents=4_990,
            promo_codes=[participation.promo_code],
        ),
    )
    return store, conversion
