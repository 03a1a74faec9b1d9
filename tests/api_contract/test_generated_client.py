"""An agency's Python client, generated from the live schema by openapi-python-client, runs the
agency's journey: create a campaign with deliverables, publish it, search creators, shortlist
them, invite them (one by one and as a batch), decide applications — and reads the errors.

The client is generated at test time into a temporary folder from ``/api/v1/schema/`` (about ten
seconds), so no generated code is committed and any drift between the schema and the API — a
body offered as form data, a list that is really a page, a response the models cannot parse, an
error without a body — fails here. It talks to the Django WSGI app in-process through httpx's
WSGI transport, with an organization API key, as an agency's script would over the network.
"""

import datetime
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from campaigns.models import Campaign
from config.wsgi import application
from organizations.roles import Role
from organizations.services import api_key_create
from tests.conftest import Tenant
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.discovery import InviteBatchFactory, InviteBatchRowFactory
from tests.factories.recruitment import ApplicationFactory

pytestmark = pytest.mark.django_db
PACKAGE = "chorus_generated_client"


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """The WSGI handler closes the connection after each request (ending the test's
    transaction); Django's test client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def generate_client(tmp_path: Path, http: httpx.Client) -> ModuleType:
    schema = http.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema.json()))
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema_file),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
        ],
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    # A warning means an operation or model was skipped: the schema says something the client
    # cannot express (what broke 12 of 59 operations once).
    assert result.returncode == 0, output
    assert "Warning" not in output, output
    sys.path.insert(0, str(tmp_path))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]
    return importlib.import_module(PACKAGE)


def api(package: ModuleType, path: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{path}")


def models() -> Any:
    return importlib.import_module(f"{PACKAGE}.models")


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_an_agency_runs_a_campaign_with_the_generated_client(
    tenant_a: Tenant, tenant_b: Tenant, tmp_path: Path, wsgi_in_test_transaction: None
) -> None:
    _key, raw = api_key_create(access=tenant_a.access(), name="agency script", role=Role.ADMIN)
    http = httpx.Client(
        base_url="http://localhost",
        transport=httpx.WSGITransport(app=application),
        headers={"Authorization": f"Bearer {raw}"},
    )
    package = generate_client(tmp_path, http)
    m = models()
    client = package.AuthenticatedClient(base_url="http://localhost", token=raw)
    client.set_httpx_client(http)
    creators = []
    for n in range(3):
        profile = CreatorProfileFactory(display_name=f"journey.creator{n}", niches=["beauty"])
        SocialAccountFactory(creator=profile, platform="tiktok", follower_count=20_000 + n)
        creators.append(profile)

    # The brands the key can use.
    brands = api(package, "brands.brands_list").sync(client=client)
    assert [b.id for b in brands.results] == [tenant_a.brand.public_id]

    # A draft campaign with its deliverables, in one JSON request (nested bodies stay JSON).
    created = api(package, "campaigns.campaigns_create").sync_detailed(
        client=client,
        body=m.CampaignRequest(
            brand=tenant_a.brand.public_id,
            name="Glow launch",
            objective="Launch the serum",
            brief="Show your routine.",
            # Publishing needs a landing page on the brand's own website domain.
            landing_url="https://example.com/glow",
            budget_cents=500_000,
            currency=m.CurrencyEnum.USD,
            application_deadline=_days(10),
            draft_due=_days(20),
            posting_starts=_days(25),
            posting_ends=_days(40),
            deliverables=[
                m.DeliverableRequest(
                    platform=m.PlatformEnum.TIKTOK,
                    format_=m.FormatEnum.VIDEO,
                    quantity=1,
                    fee_cents=15_000,
                ),
                m.DeliverableRequest(
                    platform=m.PlatformEnum.TIKTOK,
                    format_=m.FormatEnum.PHOTO,
                    quantity=2,
                    fee_cents=5_000,
                ),
            ],
        ),
    )
    assert created.status_code == 201, created.content
    campaign = created.parsed
    assert isinstance(campaign, m.Campaign)
    assert campaign.per_creator_fee_cents == 25_000
    assert len(campaign.deliverables) == 2

    # Errors come back parsed, with their code and the field to fix; another organization's
    # brand answers exactly as a missing one.
    foreign = api(package, "campaigns.campaigns_create").sync_detailed(
        client=client,
        body=m.CampaignRequest(brand=tenant_b.brand.public_id, name="x", budget_cents=100),
    )
    missing = api(package, "campaigns.campaigns_create").sync_detailed(
        client=client, body=m.CampaignRequest(brand="brd_missing", name="x", budget_cents=100)
    )
    assert foreign.status_code == missing.status_code == 400
    assert isinstance(foreign.parsed, m.Error)
    assert foreign.parsed.code == "not_found"
    assert foreign.parsed.fields.additional_properties == {"brand": ["No such brand."]}
    assert foreign.content == missing.content

    published = api(package, "campaigns.campaigns_publish_create").sync(campaign.id, client=client)
    assert published.status == m.CampaignStatusEnum.RECRUITING

    # Search creators: a page object, parsed as one.
    page = api(package, "creators.creators_list").sync(
        client=client, platform=m.CreatorsListPlatform.TIKTOK, min_followers=20_000
    )
    assert isinstance(page, m.CreatorSearchPage)
    found = {r.id for r in page.results}
    assert {c.public_id for c in creators} <= found

    # Shortlist them.
    shortlist = api(package, "shortlists.shortlists_create").sync(
        client=client, body=m.ShortlistCreateRequest(name="Glow picks")
    )
    change = api(package, "shortlists.shortlists_add_create").sync(
        shortlist.id,
        client=client,
        body=m.ShortlistCreatorsRequest(creators=[c.public_id for c in creators]),
    )
    assert change.added == 3
    assert change.shortlist.creator_count == 3

    # Invite one creator directly, and the shortlist as a batch.
    invitation = api(package, "campaign_invitations.campaign_invitations_create").sync(
        client=client,
        body=m.CampaignInvitationCreateRequest(
            campaign=campaign.id, creator=creators[0].public_id, message="Join us!"
        ),
    )
    assert isinstance(invitation, m.CampaignInvitation), invitation
    batch = api(package, "invite_batches.invite_batches_create").sync_detailed(
        client=client,
        body=m.InviteBatchCreateRequest(campaign=campaign.id, shortlist=shortlist.id),
    )
    assert batch.status_code == 202, batch.content
    assert isinstance(batch.parsed, m.InviteBatchDetail)
    # A batch with a failed row that names no platform parses too (it once broke the client).
    failed_batch = InviteBatchFactory(campaign=_campaign(campaign.id))
    InviteBatchRowFactory(batch=failed_batch, platform="", handle="who", outcome="failed")
    detail = api(package, "invite_batches.invite_batches_retrieve").sync(
        failed_batch.public_id, client=client
    )
    assert isinstance(detail, m.InviteBatchDetail)
    assert detail.failed_rows[0].platform is None

    # Creators apply (in the portal); the agency decides, one and in bulk.
    for profile in creators[1:]:
        ApplicationFactory(campaign=_campaign(campaign.id), creator=profile)
    queue = api(package, "applications.applications_list").sync(
        client=client, campaign=campaign.id, status=m.ApplicationsListStatus.PENDING
    )
    assert len(queue.results) == 2
    first, second = queue.results
    accepted = api(package, "applications.applications_decide_create").sync(
        first.id, client=client, body=m.DecisionRequest(decision=m.DecisionEnum.ACCEPT)
    )
    assert isinstance(accepted, m.Application)
    assert accepted.participation
    bulk = api(package, "applications.applications_bulk_decide_create").sync(
        client=client,
        body=m.BulkDecisionRequest(ids=[second.id, "app_missing"], decision=m.DecisionEnum.DECLINE),
    )
    assert (bulk.succeeded, bulk.failed) == (1, 1)
    participations = api(package, "participations.participations_list").sync(
        client=client, campaign=campaign.id
    )
    assert [p.id for p in participations.results] == [accepted.participation]


def _campaign(public_id: str) -> Campaign:
    return Campaign.objects.get(public_id=public_id)
