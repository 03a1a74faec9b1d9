"""Fixtures for recruitment: a recruiting campaign in tenant A, qualifying creators, and
Celery run eagerly so e-mails queued on commit land in ``mailoutbox``."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from campaigns.models import Campaign
from config.celery import app as celery_app
from creators.models import CreatorProfile, SocialAccount
from organizations.access import OrgAccess
from organizations.roles import Role
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from users.models import User

FEE = 15_000  # the CampaignFactory's one TikTok video


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    """Recruiting, open, one TikTok video at USD 150, max 3 creators, budget USD 10,000."""
    return CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Glow Launch",
        max_creators=3,
        budget_cents=1_000_000,
    )


@pytest.fixture
def access(tenant_a: Tenant) -> OrgAccess:
    return tenant_a.access(Role.MANAGER)


MakeCreator = Callable[..., tuple[CreatorProfile, SocialAccount]]


@pytest.fixture
def make_creator(db: None) -> MakeCreator:
    """A creator with one verified TikTok account that qualifies for the default campaign."""

    def make(**account: Any) -> tuple[CreatorProfile, SocialAccount]:
        profile_kwargs = {
            k: account.pop(k) for k in ("display_name", "country", "user") if k in account
        }
        profile = CreatorProfileFactory(**profile_kwargs)
        return profile, SocialAccountFactory(creator=profile, **account)

    return make


@pytest.fixture
def creator(make_creator: MakeCreator) -> CreatorProfile:
    return make_creator(display_name="Ava Bloom")[0]


@pytest.fixture
def creator_account(creator: CreatorProfile) -> SocialAccount:
    return creator.social_accounts.get()


@pytest.fixture
def creator_client(creator: CreatorProfile, client_for: Callable[[User], Client]) -> Client:
    return client_for(creator.user)
