"""The one way to scope a query, tested once, generically: ``for_access`` and ``require_owns``.

For every tenant model that declares a path to its brand: an organization-wide member sees both
brands' rows, a member limited to one brand sees only that brand's, and another organization sees
none. ``OrgAccess.owns`` (the in-memory twin used by ``require_owns``) agrees row by row.
"""

import datetime
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import models
from django.utils import timezone

from analytics.models import (
    BrandDay,
    CampaignDay,
    Click,
    Conversion,
    ConversionCredit,
    ConversionRefund,
    CreatorDay,
    PostDay,
    PostMetrics,
    PostMetricSnapshot,
    ShopifyDelivery,
    StoreConnection,
)
from campaigns.models import Campaign, CampaignAsset, Deliverable
from core.errors import NotFound
from core.ownership import require_owns
from discovery.models import InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from ledger.models import AccountKind, Entry, LedgerAccount, Transaction
from ledger.services import account_for
from organizations.access import OrgAccess
from organizations.models import (
    ApiKey,
    Brand,
    Invitation,
    Membership,
    OrgScopedQuerySet,
    brand_path_of,
)
from organizations.roles import Role
from payouts.models import Funding, Payout, PayoutRetry
from recruitment.models import Application, CampaignInvitation, Participation, ParticipationSlot
from submissions.models import (
    DraftVersion,
    LivePost,
    ReviewDecision,
    SlotReminder,
    Submission,
    UploadTicket,
)
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory, DeliverableFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.discovery import (
    InviteBatchFactory,
    InviteBatchRowFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)
from tests.factories.organizations import BrandFactory, MembershipFactory, UserFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)
from tests.factories.submissions import submission_in_review

OUR_APPS = {
    "core",
    "platforms",
    "users",
    "organizations",
    "notifications",
    "campaigns",
    "creators",
    "ledger",
    "recruitment",
    "discovery",
    "submissions",
    "analytics",
    "payouts",
    "web",
}


def _campaign(brand: Brand) -> Campaign:
    return CampaignFactory(brand=brand)


def _asset(brand: Brand) -> CampaignAsset:
    campaign = _campaign(brand)
    return CampaignAsset.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        file="campaigns/assets/brief.pdf",
        name="brief.pdf",
        content_type="application/pdf",
        size_bytes=10,
    )


def _ledger_transaction(brand: Brand) -> Transaction:
    participation = ParticipationFactory(campaign=_campaign(brand))  # posts its commitment
    return Transaction.objects.get(
        organization=brand.organization, key=f"commit:participation:{participation.pk}"
    )


def _click(brand: Brand) -> Click:
    participation = ParticipationFactory(campaign=_campaign(brand))
    return Click.objects.create(
        organization=brand.organization, participation=participation, visitor_hash="x" * 64
    )


def _live_post(brand: Brand) -> LivePost:
    post = _submission(brand).current_post
    assert post is not None
    return post


def _snapshot(brand: Brand) -> PostMetricSnapshot:
    post = _live_post(brand)
    return PostMetricSnapshot.objects.create(
        organization=post.organization,
        live_post=post,
        campaign=post.campaign,
        participation=post.slot.participation,
        platform=post.platform,
        retrieved_at=timezone.now(),
        views=10,
    )


def _post_metrics(brand: Brand) -> PostMetrics:
    post = _live_post(brand)
    return PostMetrics.objects.create(
        organization=post.organization,
        live_post=post,
        campaign=post.campaign,
        participation=post.slot.participation,
        platform=post.platform,
    )


def _store(brand: Brand) -> StoreConnection:
    return StoreConnection.objects.create(
        organization=brand.organization,
        brand=brand,
        shop_domain=f"s{uuid.uuid4().hex[:12]}.myshopify.com",
        secret_encrypted="x",
        secret_hint="x",
    )


def _conversion(brand: Brand) -> Conversion:
    participation = ParticipationFactory(campaign=_campaign(brand))
    return Conversion.objects.create(
        organization=brand.organization,
        source=Conversion.Source.API,
        order_id=uuid.uuid4().hex,
        occurred_at=timezone.now(),
        currency="USD",
        revenue_cents=5000,
        campaign=participation.campaign,
        participation=participation,
        method=Conversion.Method.PROMO_CODE,
    )


def _conversion_refund(brand: Brand) -> ConversionRefund:
    conversion = _conversion(brand)
    return ConversionRefund.objects.create(
        organization=conversion.organization,
        conversion=conversion,
        refund_id="r1",
        amount_cents=100,
        occurred_at=timezone.now(),
    )


def _conversion_credit(brand: Brand) -> ConversionCredit:
    conversion = _conversion(brand)
    assert conversion.campaign is not None
    assert conversion.participation is not None
    return ConversionCredit.objects.create(
        organization=conversion.organization,
        conversion=conversion,
        model=ConversionCredit.Model.LINEAR,
        campaign=conversion.campaign,
        participation=conversion.participation,
        weight_ppm=1_000_000,
        revenue_cents=conversion.revenue_cents,
        occurred_at=conversion.occurred_at,
    )


# One maker per model with a brand path: a row of that model belonging to ``brand``.
def _invitation(brand: Brand) -> Invitation:
    return Invitation.objects.create(
        organization=brand.organization,
        email=f"{uuid.uuid4().hex}@example.com",
        role=Role.VIEWER,
        brand=brand,
        token_hash=uuid.uuid4().hex,
        expires_at=timezone.now() + timedelta(days=1),
    )


def _api_key(brand: Brand) -> ApiKey:
    return ApiKey.objects.create(
        organization=brand.organization,
        name="brand key",
        role=Role.VIEWER,
        prefix="chorus_test",
        key_hash=uuid.uuid4().hex,
        brand=brand,
    )


def _submission(brand: Brand) -> Submission:
    slot = ParticipationFactory(campaign=_campaign(brand)).slots.first()
    return submission_in_review(target="post", slot=slot)


def _upload_ticket(brand: Brand) -> UploadTicket:
    slot = ParticipationFactory(campaign=_campaign(brand)).slots.first()
    return UploadTicket.objects.create(
        organization=slot.organization,
        slot=slot,
        campaign=slot.campaign,
        creator=slot.creator,
        key=f"x/draft/{uuid.uuid4().hex}.mp4",
        content_type="video/mp4",
        size_bytes=10,
        expires_at=timezone.now() + timedelta(hours=1),
    )


def _slot_reminder(brand: Brand) -> SlotReminder:
    slot = ParticipationFactory(campaign=_campaign(brand)).slots.first()
    return SlotReminder.objects.create(
        organization=slot.organization, slot=slot, kind="draft", due=timezone.localdate()
    )


def _review_decision(brand: Brand) -> ReviewDecision:
    submission = _submission(brand)
    return ReviewDecision.objects.create(
        organization=submission.organization,
        submission=submission,
        campaign=submission.campaign,
        target="post",
        live_post=submission.current_post,
        decision="approve",
    )


def _funding(brand: Brand) -> Funding:
    campaign = _campaign(brand)
    return Funding.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        amount_cents=1000,
        currency=campaign.currency,
    )


def _payout(brand: Brand) -> Payout:
    return Payout.objects.create(
        organization=brand.organization,
        brand=brand,
        creator=CreatorProfileFactory(),
        currency="USD",
        amount_cents=1000,
    )


def _payout_retry(brand: Brand) -> PayoutRetry:
    return PayoutRetry.objects.create(
        organization=brand.organization,
        brand=brand,
        creator=CreatorProfileFactory(),
        currency="USD",
        attempts=1,
    )


def _post_day(brand: Brand) -> PostDay:
    post = _submission(brand).current_post
    return PostDay.objects.create(
        organization=brand.organization,
        campaign_id=post.campaign_id,
        participation_id=post.submission.participation_id,
        live_post=post,
        day=ROLLUP_DAY,
    )


def _creator_day(brand: Brand) -> CreatorDay:
    participation = ParticipationFactory(campaign=_campaign(brand))
    return CreatorDay.objects.create(
        organization=brand.organization,
        campaign=participation.campaign,
        participation=participation,
        day=ROLLUP_DAY,
    )


def _campaign_day(brand: Brand) -> CampaignDay:
    return CampaignDay.objects.create(
        organization=brand.organization,
        brand=brand,
        campaign=_campaign(brand),
        currency="USD",
        day=ROLLUP_DAY,
    )


def _brand_day(brand: Brand) -> BrandDay:
    row, _ = BrandDay.objects.get_or_create(
        organization=brand.organization, brand=brand, currency="USD", day=ROLLUP_DAY
    )
    return row


ROLLUP_DAY = datetime.date(2026, 11, 20)

MAKERS: dict[type[models.Model], Callable[[Brand], Any]] = {
    Invitation: _invitation,
    ApiKey: _api_key,
    Brand: lambda brand: brand,
    Campaign: _campaign,
    Deliverable: lambda brand: DeliverableFactory(campaign=_campaign(brand)),
    CampaignAsset: _asset,
    CampaignInvitation: lambda brand: CampaignInvitationFactory(campaign=_campaign(brand)),
    Application: lambda brand: ApplicationFactory(campaign=_campaign(brand)),
    Participation: lambda brand: ParticipationFactory(campaign=_campaign(brand)),
    Shortlist: lambda brand: ShortlistFactory(organization=brand.organization, brand=brand),
    ShortlistEntry: lambda brand: ShortlistEntryFactory(
        shortlist=ShortlistFactory(organization=brand.organization, brand=brand)
    ),
    InviteBatch: lambda brand: InviteBatchFactory(campaign=_campaign(brand)),
    InviteBatchRow: lambda brand: InviteBatchRowFactory(
        batch=InviteBatchFactory(campaign=_campaign(brand))
    ),
    Click: _click,
    ParticipationSlot: lambda brand: ParticipationFactory(campaign=_campaign(brand)).slots.first(),
    LedgerAccount: lambda brand: account_for(campaign=_campaign(brand), kind=AccountKind.BUDGET),
    Transaction: _ledger_transaction,
    Entry: lambda brand: _ledger_transaction(brand).entries.first(),
    Submission: _submission,
    DraftVersion: lambda brand: _submission(brand).current_draft,
    LivePost: lambda brand: _submission(brand).current_post,
    ReviewDecision: _review_decision,
    UploadTicket: _upload_ticket,
    SlotReminder: _slot_reminder,
    Funding: _funding,
    Payout: _payout,
    PayoutRetry: _payout_retry,
    PostMetricSnapshot: _snapshot,
    PostMetrics: _post_metrics,
    Conversion: _conversion,
    ConversionRefund: _conversion_refund,
    ConversionCredit: _conversion_credit,
    StoreConnection: _store,
    ShopifyDelivery: lambda brand: ShopifyDelivery.objects.create(
        organization=brand.organization, store=_store(brand), webhook_id="w", topic="t"
    ),
    PostDay: _post_day,
    CreatorDay: _creator_day,
    CampaignDay: _campaign_day,
    BrandDay: _brand_day,
}


def _tenant_models() -> list[type[models.Model]]:
    """Our models whose rows belong to an organization (a non-null ``organization`` key)."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        field = next((f for f in model._meta.fields if f.name == "organization"), None)
        if field is not None and field.is_relation and not field.null:
            found.append(model)
    return found


def test_every_tenant_model_uses_the_scoped_queryset_and_declares_its_brand_path() -> None:
    for model in _tenant_models():
        assert isinstance(model._default_manager.all(), OrgScopedQuerySet), model.__name__
        path = brand_path_of(model)  # TypeError when not declared
        if path is not None:
            try:
                str(model._default_manager.filter(**{path: 1}).query)
            except FieldError as exc:  # pragma: no cover - the message is the point
                pytest.fail(f"{model.__name__}.brand_path {path!r} does not resolve: {exc}")


def test_every_model_with_a_brand_path_has_a_maker_here() -> None:
    with_path = {m for m in _tenant_models() if brand_path_of(m) is not None}
    assert with_path == set(MAKERS), "add a maker for each new model with a brand path"


def _limited_access(tenant: Tenant, brand: Brand) -> OrgAccess:
    user = UserFactory()
    membership = MembershipFactory(
        organization=tenant.org, user=user, role=Role.MANAGER, brand=brand
    )
    return OrgAccess(organization=tenant.org, role=Role.MANAGER, user=user, membership=membership)


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda m: m.__name__)
def test_for_access_applies_organization_and_brand_limit(
    model: type[models.Model], tenant_a: Tenant, tenant_b: Tenant
) -> None:
    other_brand = BrandFactory(organization=tenant_a.org, name="Acme Socks")
    mine, theirs = MAKERS[model](tenant_a.brand), MAKERS[model](other_brand)
    foreign = MAKERS[model](tenant_b.brand)
    org_wide, limited, other_org = (
        tenant_a.access(),
        _limited_access(tenant_a, tenant_a.brand),
        tenant_b.access(),
    )
    manager: Any = model._default_manager

    def seen(access: OrgAccess) -> set[int]:
        return set(
            manager.for_access(access)
            .filter(pk__in=[mine.pk, theirs.pk, foreign.pk])
            .values_list("pk", flat=True)
        )

    assert seen(org_wide) == {mine.pk, theirs.pk}
    assert seen(limited) == {mine.pk}
    assert seen(other_org) == {foreign.pk}
    for access in (org_wide, limited, other_org):
        for row in (mine, theirs, foreign):
            fresh = manager.get(pk=row.pk)
            assert access.owns(fresh) == (row.pk in seen(access)), (model.__name__, row.pk)


def test_organization_wide_rows_are_not_narrowed_by_a_brand_limit(tenant_a: Tenant) -> None:
    limited = _limited_access(tenant_a, tenant_a.brand)
    members = set(Membership.objects.for_access(limited).values_list("pk", flat=True))
    assert members == set(Membership.objects.for_org(tenant_a.org).values_list("pk", flat=True))


def test_require_owns_answers_someone_elses_object_like_a_missing_one(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    campaign = _campaign(tenant_b.brand)
    with pytest.raises(NotFound) as foreign:
        require_owns(tenant_a.access(), campaign, what="campaign")
    with pytest.raises(NotFound) as missing:
        require_owns(tenant_a.access(), None, what="campaign")
    assert foreign.value.as_dict() == missing.value.as_dict()
    assert require_owns(tenant_b.access(), campaign, what="campaign") is campaign


def test_require_owns_keeps_a_creator_to_their_own_rows(db: None) -> None:
    creator, other = CreatorProfileFactory(), CreatorProfileFactory()
    account = SocialAccountFactory(creator=other)
    with pytest.raises(NotFound, match="No such account"):
        require_owns(creator, account, what="account")
    assert require_owns(other, account, what="account") is account
