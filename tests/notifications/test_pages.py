"""Notification pages: the unread count in the brand sidebar (one query per request), the member's
page with mark-read and mark-all-read over htmx (focus target and live region in the response),
the creator portal's page, and following a notification's link."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _count_queries(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if "notifications_notification" in q["sql"] and '"read_at" IS NULL' in q["sql"]
    ]


def _nav_count(html: str) -> str:
    """The sidebar badge's text: "3 unread", or "" when there is nothing unread."""
    match = re.search(r'<span id="nav-unread"[^>]*>(.*?)</span>(?:</span>)?\s*</a>', html, re.S)
    assert match, "the sidebar has no unread count slot"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_brand_sidebar_shows_the_unread_count_of_this_organization(
    tenant_a, tenant_b, client_for
):
    owner = tenant_a.owner
    NotificationFactory.create_batch(3, recipient=owner, organization=tenant_a.org)
    NotificationFactory(recipient=owner, organization=tenant_a.org, read_at="2026-01-01T00:00Z")
    NotificationFactory(recipient=tenant_b.owner, organization=tenant_a.org)  # someone else's
    client = client_for(owner)
    html = client.get(reverse("organizations:dashboard", args=["acme"])).content.decode()
    assert _nav_count(html) == "3 unread"
    Notification.objects.filter(recipient=owner).update(read_at="2026-01-01T00:00Z")
    html = client.get(reverse("organizations:dashboard", args=["acme"])).content.decode()
    assert 'id="nav-unread"' in html
    assert _nav_count(html) == ""


def test_the_unread_count_is_one_query_per_request_however_often_a_page_shows_it(
    tenant_a, client_for
):
    NotificationFactory.create_batch(2, recipient=tenant_a.owner, organization=tenant_a.org)
    client = client_for(tenant_a.owner)
    # The applications page shows the count twice (sidebar and a link in its heading).
    for url in ("/o/acme/", "/o/acme/applications/", "/o/acme/notifications/"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts = _count_queries(captured)
        assert len(counts) == 1, f"{url}: {counts}"


def test_the_members_page_lists_their_notifications_from_this_organization_only(
    tenant_a, tenant_b, client_for
):
    mine = NotificationFactory(
        recipient=tenant_a.owner, organization=tenant_a.org, title="Maya Lopez applied to Glow"
    )
    NotificationFactory(recipient=tenant_a.owner, organization=tenant_b.org, title="Other org")
    NotificationFactory(recipient=tenant_b.owner, organization=tenant_a.org, title="Not yours")
    html = client_for(tenant_a.owner).get("/o/acme/notifications/").content.decode()
    assert "Maya Lopez applied to Glow" in html
    assert "Other org" not in html
    assert "Not yours" not in html
    assert f'id="ntf-read-{mine.public_id}"' in html
    assert 'role="status"' in html
    assert 'aria-live="polite"' in html
    assert "1 unread" in html


def test_marking_one_read_over_htmx_returns_the_item_the_counts_and_an_announcement(
    tenant_a, client_for
):
    one, _two = NotificationFactory.create_batch(
        2, recipient=tenant_a.owner, organization=tenant_a.org
    )
    client = client_for(tenant_a.owner)
    response = client.post(reverse("notifications:read", args=[one.public_id]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    # the same id on the replacement, so htmx puts focus back on it
    assert f'<span id="ntf-read-{one.public_id}"' in html
    assert 'tabindex="-1"' in html
    assert 'id="ntf-count" hx-swap-oob="innerHTML">1 unread' in html
    assert "Marked read. 1 unread notification." in html
    assert 'id="nav-unread" class="nav-count" hx-swap-oob="outerHTML"' in html
    one.refresh_from_db()
    assert one.read_at is not None


def test_marking_one_read_without_htmx_goes_back(tenant_a, client_for):
    note = NotificationFactory(recipient=tenant_a.owner, organization=tenant_a.org)
    response = client_for(tenant_a.owner).post(
        reverse("notifications:read", args=[note.public_id]), {"next": "/o/acme/notifications/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/notifications/"


def test_marking_all_read_over_htmx_swaps_the_panel_and_keeps_the_focus_target(
    tenant_a, tenant_b, client_for
):
    NotificationFactory.create_batch(3, recipient=tenant_a.owner, organization=tenant_a.org)
    elsewhere = NotificationFactory(recipient=tenant_a.owner, organization=tenant_b.org)
    response = client_for(tenant_a.owner).post("/o/acme/notifications/", **HTMX)
    html = response.content.decode()
    assert '<div id="ntf-panel"' in html
    assert '<span id="ntf-read-all" class="muted small" tabindex="-1">All caught up</span>' in html
    assert "Marked 3 notifications read. No unread notifications." in html
    assert not Notification.objects.filter(organization=tenant_a.org, read_at=None).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None  # another organization's stay unread


def test_someone_elses_notification_cannot_be_marked_or_opened(tenant_a, tenant_b, client_for):
    theirs = NotificationFactory(recipient=tenant_b.owner, organization=tenant_a.org)
    client = client_for(tenant_a.owner)
    assert client.post(reverse("notifications:read", args=[theirs.public_id])).status_code == 404
    assert client.get(reverse("notifications:open", args=[theirs.public_id])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_creator_portal_marks_all_read_over_htmx(client_for, creator, tenant_a, tenant_b):
    NotificationFactory(recipient=creator.user, organization=tenant_a.org, title="From Acme")
    NotificationFactory(recipient=creator.user, organization=tenant_b.org, title="From Bolt")
    client = client_for(creator.user)
    html = client.get("/creator/notifications/").content.decode()
    assert "From Acme" in html
    assert "Bolt Beverages" in html
    assert "2 unread" in html
    html = client.post("/creator/notifications/", **HTMX).content.decode()
    assert "No unread notifications." in html
    assert 'id="nav-unread" class="rc-dot" hx-swap-oob="outerHTML"' in html
    assert not Notification.objects.filter(recipient=creator.user, read_at=None).exists()
