"""Fixtures for payouts: the real stripe library aimed at a fresh Stripe stand-in (one server
for the session, reset per test), Celery run eagerly, and signed webhook deliveries."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.test.client import Client as DjangoClient

from config.celery import app as celery_app
from payouts.stripe_standin import STANDIN_SECRET_KEY, STANDIN_WEBHOOK_SECRET
from payouts.stripe_standin.client import StandinControl
from payouts.stripe_standin.server import running_standin

WEBHOOK_URL = "/webhooks/stripe/"


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture(scope="session")
def stripe_standin_url() -> Iterator[str]:
    with running_standin() as url:
        yield url


@pytest.fixture
def stripe_standin(stripe_standin_url: str, settings: Any) -> Iterator[StandinControl]:
    """The stand-in behind the real stripe library (our settings), with a clean state."""
    settings.STRIPE_API_BASE = stripe_standin_url
    settings.STRIPE_CONNECT_BASE = stripe_standin_url
    settings.STRIPE_SECRET_KEY = STANDIN_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRETS = [STANDIN_WEBHOOK_SECRET]
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    control = StandinControl(stripe_standin_url)
    control.reset()
    control.configure_webhooks(mode="hold")  # tests deliver through the Django test client
    yield control
    control.reset()
    control.close()


Deliver = Callable[..., Any]


@pytest.fixture
def deliver(stripe_standin: StandinControl, django_capture_on_commit_callbacks: Any) -> Deliver:
    """``deliver(event_id, timestamp=None, secrets=None, client=None)``: POST the stand-in's
    signed delivery of the event to our endpoint, running what it queues on commit (the
    processing task, eagerly). Returns the response."""

    def post(
        event_id: str,
        *,
        timestamp: int | None = None,
        secrets: list[str] | None = None,
        client: DjangoClient | None = None,
    ) -> Any:
        body, signature = stripe_standin.signed(event_id, timestamp=timestamp, secrets=secrets)
        with django_capture_on_commit_callbacks(execute=True):
            return (client or Client()).post(
                WEBHOOK_URL,
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )

    return post


@pytest.fixture
def creator(db: None) -> Any:
    from tests.factories.creators import CreatorProfileFactory

    return CreatorProfileFactory(display_name="Maya Lopez")


@pytest.fixture
def creator_client(creator: Any) -> Client:
    client = Client()
    client.force_login(creator.user)
    return client


@pytest.fixture
def funding_campaign(tenant_a: Any) -> Any:
    """A draft campaign of tenant A with a USD 1,000 budget, nothing funded."""
    from campaigns.models import Campaign
    from tests.factories.campaigns import CampaignFactory

    return CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Glow Launch",
        budget_cents=100_000,
        status=Campaign.Status.DRAFT,
    )


@pytest.fixture
def funded_session(
    stripe_standin: StandinControl, tenant_a: Any, funding_campaign: Any
) -> tuple[Any, str]:
    """(Funding, checkout.session.completed event id): the brand paid on the hosted page;
    the webhook has not been delivered yet."""
    from payouts.funding import funding_start

    row = funding_start(access=tenant_a.access(), campaign=funding_campaign)
    stripe_standin.visit(row.checkout_url)
    [event] = stripe_standin.events("checkout.session.completed")
    return row, event["id"]
