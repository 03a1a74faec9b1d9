"""Brand pages: search, shortlists, inviting, and the progress of a batch."""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign
from discovery.models import InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from discovery.services import invite_batch_process
from organizations.roles import Role
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.discovery.conftest import Cast, make_creator, recruiting_campaign, verified_tiktok
from tests.factories.discovery import (
    InviteBatchFactory,
    InviteBatchRowFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)
from users.models import User

ClientFor = Callable[[User], Client]


@pytest.fixture
def owner(tenant_a: Tenant, client_for: ClientFor) -> Client:
    return client_for(tenant_a.owner)


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return recruiting_campaign(tenant_a)


def url(name: str, tenant: Tenant, *args: str) -> str:
    return reverse(f"discovery:{name}", args=[tenant.org.slug, *args])


# -- search ---------------------------------------------------------------------------------------


def test_search_page_lists_creators_with_badges(
    owner: Client, tenant_a: Tenant, cast: Cast, campaign: Campaign
) -> None:
    from tests.factories.recruitment import ParticipationFactory

    ParticipationFactory(campaign=campaign, creator=cast.ben, social_account=None)
    response = owner.get(url("search", tenant_a), {"country": "GB"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ben" in html
    assert "Ana" not in html
    assert "worked with you" in html
    assert "✓ verified" in html
    assert "@ben.tt" in html
    assert "Fitness" in html
    assert "United Kingdom" in html
    assert 'name="creators"' in html  # a manager or owner can tick creators
    assert "Glow Launch" in html  # the recruiting campaign to invite them to


def test_search_page_htmx_returns_only_the_results(
    owner: Client, tenant_a: Tenant, cast: Cast
) -> None:
    response = owner.get(url("search", tenant_a), {"platform": "instagram"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="dc-results"')
    assert "Cara" in html
    assert "Ben" not in html
    assert "<html" not in html


def test_search_page_explains_bad_filters(owner: Client, tenant_a: Tenant, cast: Cast) -> None:
    response = owner.get(url("search", tenant_a), {"min_followers": 9, "max_followers": 1})
    html = response.content.decode()
    assert "Fix these filters" in html
    assert "below the minimum" in html


def test_viewer_sees_results_without_selection_tools(
    tenant_a: Tenant, client_for: ClientFor, cast: Cast
) -> None:
    viewer = tenant_a.add_member(Role.VIEWER)
    html = client_for(viewer).get(url("search", tenant_a)).content.decode()
    assert "Cara" in html
    assert "dc-selection" not in html


def test_search_page_runs_the_same_queries_for_5_or_30_creators(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    ShortlistFactory(organization=tenant_a.org)

    def fill(count: int) -> None:
        for n in range(count):
            make_creator(
                f"F{n}",
                niches=["beauty"],
                accounts=[{"platform": "tiktok", "follower_count": 5000 + n}],
            )

    fill(5)
    with CaptureQueriesContext(connection) as five:
        assert owner.get(url("search", tenant_a), {"page_size": 30}).status_code == 200
    fill(25)
    with CaptureQueriesContext(connection) as thirty:
        response = owner.get(url("search", tenant_a), {"page_size": 30})
    assert response.content.decode().count('class="dc-pick"') == 30
    assert len(thirty.captured_queries) == len(five.captured_queries), "\n".join(
        q["sql"] for q in thirty.captured_queries
    )


def test_ticked_creators_go_to_a_new_shortlist(owner: Client, tenant_a: Tenant, cast: Cast) -> None:
    response = owner.post(
        url("search_selection", tenant_a),
        {
            "creators": [cast.ana.public_id, cast.cara.public_id],
            "action": "shortlist",
            "new_shortlist": "Beauty",
            "query": "niche=beauty",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/creators/?niche=beauty")
    shortlist = Shortlist.objects.get(organization=tenant_a.org, name="Beauty")
    assert ShortlistEntry.objects.filter(shortlist=shortlist).count() == 2


def test_ticked_creators_can_be_invited(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    maya = verified_tiktok("Maya", "maya.makes")
    response = owner.post(
        url("search_selection", tenant_a),
        {"creators": [maya.public_id], "action": "invite", "campaign": campaign.public_id},
    )
    batch = InviteBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("batch", tenant_a, batch.public_id)
    assert (batch.source, batch.total) == ("single", 1)


def test_selection_without_creators_says_so(owner: Client, tenant_a: Tenant) -> None:
    response = owner.post(url("search_selection", tenant_a), {"action": "shortlist"}, follow=True)
    assert "Tick at least one creator first." in response.content.decode()
    assert not Shortlist.objects.exists()


# -- shortlists -----------------------------------------------------------------------------------


def test_shortlists_page_creates_and_lists(owner: Client, tenant_a: Tenant) -> None:
    response = owner.post(url("shortlists", tenant_a), {"name": "Autumn"})
    shortlist = Shortlist.objects.get(name="Autumn")
    assert response["Location"] == url("shortlist", tenant_a, shortlist.public_id)
    html = owner.get(url("shortlists", tenant_a)).content.decode()
    assert "Autumn" in html

    again = owner.post(url("shortlists", tenant_a), {"name": "autumn"})
    assert again.status_code == 400
    assert "There is already a shortlist called" in again.content.decode()


def test_shortlist_page_shows_entries_and_removes_one(
    owner: Client, tenant_a: Tenant, cast: Cast, campaign: Campaign
) -> None:
    shortlist = ShortlistFactory(organization=tenant_a.org, name="Picks")
    ShortlistEntryFactory(shortlist=shortlist, creator=cast.ana, note="lovely light")
    ShortlistEntryFactory(shortlist=shortlist, creator=cast.ben)
    html = owner.get(url("shortlist", tenant_a, shortlist.public_id)).content.decode()
    assert "lovely light" in html
    assert "Invite all to a campaign" in html
    assert "Glow Launch" in html

    owner.post(
        url("shortlist_remove", tenant_a, shortlist.public_id), {"creators": cast.ben.public_id}
    )
    assert list(
        ShortlistEntry.objects.filter(shortlist=shortlist).values_list(
            "creator__display_name", flat=True
        )
    ) == ["Ana"]


def test_shortlist_rename_and_delete_pages(owner: Client, tenant_a: Tenant) -> None:
    shortlist = ShortlistFactory(organization=tenant_a.org, name="Old")
    owner.post(url("shortlist_rename", tenant_a, shortlist.public_id), {"name": "New"})
    shortlist.refresh_from_db()
    assert shortlist.name == "New"
    response = owner.post(url("shortlist_delete", tenant_a, shortlist.public_id))
    assert response["Location"] == url("shortlists", tenant_a)
    assert not Shortlist.objects.exists()


def test_invite_whole_shortlist_from_its_page(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    shortlist = ShortlistFactory(organization=tenant_a.org)
    ShortlistEntryFactory(shortlist=shortlist, creator=verified_tiktok("Kim", "kim.tt"))
    response = owner.post(
        url("shortlist_invite", tenant_a, shortlist.public_id), {"campaign": campaign.public_id}
    )
    batch = InviteBatch.objects.get()
    assert response["Location"] == url("batch", tenant_a, batch.public_id)
    assert batch.shortlist_id == shortlist.pk


def test_shortlist_page_queries_do_not_grow(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    shortlist = ShortlistFactory(organization=tenant_a.org)

    def add(count: int) -> None:
        for n in range(count):
            ShortlistEntryFactory(
                shortlist=shortlist,
                creator=make_creator(f"S{n}", niches=["pets"], accounts=[{"platform": "tiktok"}]),
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        owner.get(url("shortlist", tenant_a, shortlist.public_id))
    add(10)
    with CaptureQueriesContext(connection) as more:
        response = owner.get(url("shortlist", tenant_a, shortlist.public_id))
    assert response.content.decode().count('id="entry-') == 12
    assert len(more.captured_queries) == len(few.captured_queries)


def test_other_tenants_shortlist_page_is_404(
    owner: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    theirs = ShortlistFactory(organization=tenant_b.org)
    assert owner.get(url("shortlist", tenant_a, theirs.public_id)).status_code == 404
    assert owner.post(url("shortlist_delete", tenant_a, theirs.public_id)).status_code == 404
    assert Shortlist.objects.filter(pk=theirs.pk).exists()


# -- inviting -------------------------------------------------------------------------------------


def test_invite_page_offers_three_ways_and_a_template(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    html = owner.get(url("invite", tenant_a, campaign.public_id)).content.decode()
    for words in ("From a shortlist", "Paste handles", "Upload a CSV", "Download a template"):
        assert words in html
    template = owner.get(url("invite_template", tenant_a, campaign.public_id))
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().startswith("handle,platform,message")


def test_pasting_handles_starts_a_batch(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    response = owner.post(
        url("invite", tenant_a, campaign.public_id),
        {"method": "handles", "platform": "tiktok", "handles": "@maya.makes, leo"},
    )
    batch = InviteBatch.objects.get()
    assert response["Location"] == url("batch", tenant_a, batch.public_id)
    assert batch.total == 2


def test_bad_csv_upload_shows_the_error_on_the_form(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    upload = SimpleUploadedFile("list.csv", "handle\ncafé\n".encode("latin-1"))
    response = owner.post(
        url("invite", tenant_a, campaign.public_id),
        {"method": "csv", "file": upload, "platform": "tiktok"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file is not UTF-8: line 2" in html
    assert 'class="field-error"' in html
    assert not InviteBatch.objects.exists()


def test_invite_page_for_a_campaign_not_recruiting_shows_why(
    owner: Client, tenant_a: Tenant
) -> None:
    draft = recruiting_campaign(tenant_a, status=Campaign.Status.DRAFT)
    response = owner.post(
        url("invite", tenant_a, draft.public_id),
        {"method": "handles", "platform": "tiktok", "handles": "maya"},
    )
    assert response.status_code == 400
    assert "is not recruiting creators" in response.content.decode()


def test_reviewer_cannot_open_the_invite_page(
    tenant_a: Tenant, client_for: ClientFor, campaign: Campaign
) -> None:
    reviewer = tenant_a.add_member(Role.REVIEWER)
    assert client_for(reviewer).get(url("invite", tenant_a, campaign.public_id)).status_code == 403


# -- a batch's progress ---------------------------------------------------------------------------


def test_batch_page_polls_until_done_then_lists_failures(
    owner: Client, tenant_a: Tenant, campaign: Campaign
) -> None:
    verified_tiktok("Maya", "maya.makes")
    owner.post(
        url("invite", tenant_a, campaign.public_id),
        {"method": "handles", "platform": "tiktok", "handles": "@maya.makes\nghost.account"},
    )
    batch = InviteBatch.objects.get()
    page = owner.get(url("batch", tenant_a, batch.public_id))
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "0 of 2 processed" in html

    invite_batch_process(batch_id=batch.pk)
    partial = owner.get(url("batch", tenant_a, batch.public_id), HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert html.lstrip().startswith('<section id="dc-batch"')
    assert "every 1s" not in html  # finished: polling stops
    assert "2 of 2 processed (100 %)" in html
    assert "No creator on Chorus has verified @ghost.account on TikTok." in html
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 1


def test_other_tenants_batch_page_is_404(owner: Client, tenant_a: Tenant, tenant_b: Tenant) -> None:
    theirs = InviteBatchFactory(campaign=recruiting_campaign(tenant_b))
    InviteBatchRowFactory(batch=theirs, outcome=InviteBatchRow.Outcome.FAILED, reason="secret")
    assert owner.get(url("batch", tenant_a, theirs.public_id)).status_code == 404
