"""The notification API: organization side (a member's session naming the organization; an API
key, being no person, has none) and creator side (every organization's), list and mark read,
described in the OpenAPI schema."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

ORG = "/api/v1/notifications/"
CREATOR = "/api/v1/creator/notifications/"


def _session(user, org_slug: str | None = None) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    if org_slug:
        client.credentials(HTTP_X_CHORUS_ORGANIZATION=org_slug)
    return client


def test_a_member_lists_their_notifications_from_the_named_organization(tenant_a, tenant_b):
    user = tenant_b.owner  # a member of A and the owner of B
    mine = NotificationFactory(
        recipient=user, organization=tenant_a.org, title="Maya Lopez applied to Glow"
    )
    NotificationFactory(recipient=user, organization=tenant_b.org, title="From Bolt")
    NotificationFactory(recipient=tenant_a.owner, organization=tenant_a.org, title="Not mine")
    body = _session(user, "acme").get(ORG).json()
    assert [n["id"] for n in body["results"]] == [mine.public_id]
    item = body["results"][0]
    assert item["title"] == "Maya Lopez applied to Glow"
    assert item["organization"] == "Acme Agency"
    assert item["unread"] is True
    assert item["link"].startswith("http")
    assert item["link"].endswith("/creator/work/")


def test_filter_unread_and_mark_read_one_and_all(tenant_a):
    owner = tenant_a.owner
    one, two = NotificationFactory.create_batch(2, recipient=owner, organization=tenant_a.org)
    client = _session(owner, "acme")
    response = client.post(f"{ORG}{one.public_id}/read/")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    assert [n["id"] for n in client.get(ORG, {"unread": "true"}).json()["results"]] == [
        two.public_id
    ]
    assert client.post(f"{ORG}read-all/").json() == {"marked_read": 1}
    assert not Notification.objects.filter(read_at=None).exists()


def test_another_persons_notification_is_404_like_a_missing_one(tenant_a, tenant_b):
    theirs = NotificationFactory(recipient=tenant_b.owner, organization=tenant_a.org)
    client = _session(tenant_a.owner, "acme")
    for url in (f"{ORG}{theirs.public_id}/", f"{ORG}ntf_missing/"):
        assert client.get(url).status_code == 404
    assert client.post(f"{ORG}{theirs.public_id}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_api_key_has_no_notifications(tenant_a, api_client_for):
    note = NotificationFactory(recipient=tenant_a.owner, organization=tenant_a.org)
    client = api_client_for(tenant_a)
    assert client.get(ORG).json()["results"] == []
    assert client.get(f"{ORG}{note.public_id}/").status_code == 404
    assert client.post(f"{ORG}read-all/").json() == {"marked_read": 0}


def test_a_creator_lists_every_organizations_notifications_and_marks_them_read(
    creator, tenant_a, tenant_b
):
    a = NotificationFactory(recipient=creator.user, organization=tenant_a.org)
    b = NotificationFactory(recipient=creator.user, organization=tenant_b.org)
    NotificationFactory(recipient=tenant_a.owner, organization=tenant_a.org)
    client = _session(creator.user)
    assert {n["id"] for n in client.get(CREATOR).json()["results"]} == {a.public_id, b.public_id}
    assert client.post(f"{CREATOR}{a.public_id}/read/").json()["unread"] is False
    assert client.post(f"{CREATOR}read-all/").json() == {"marked_read": 1}
    assert not Notification.objects.filter(recipient=creator.user, read_at=None).exists()


def test_the_creator_api_refuses_an_organization_key(tenant_a, api_client_for):
    response = api_client_for(tenant_a).get(CREATOR)
    assert response.status_code == 403
    assert response.json()["code"] == "creator_only"


def test_the_schema_describes_both_notification_apis(client: Client):
    schema = client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/notifications/",
        "/api/v1/notifications/{public_id}/read/",
        "/api/v1/notifications/read-all/",
        "/api/v1/creator/notifications/",
        "/api/v1/creator/notifications/{public_id}/read/",
        "/api/v1/creator/notifications/read-all/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/notifications/"]["get"]["parameters"]}
    assert {"unread", "kind"} <= params
