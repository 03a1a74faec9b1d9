"""The move out of recruitment: rows in the old ``recruitment_notification`` table come over with
their public ids, times, read state and kinds when the migrations run."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from tests.factories.organizations import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("recruitment", "0002_periodic_tasks"), ("notifications", "0001_initial")]


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def test_old_recruitment_notifications_are_copied_with_their_ids_and_state():
    user = UserFactory()
    org = OrganizationFactory()
    executor = MigrationExecutor(connection)
    leaves = _leaves(executor)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        Old = old_apps.get_model("recruitment", "Notification")
        read_at = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)
        Old.objects.create(
            public_id="ntf_oldunread", recipient_id=user.pk, organization_id=org.pk,
            kind="application_received", title="Maya applied to Glow", url="/o/x/",
        )  # fmt: skip
        Old.objects.create(
            public_id="ntf_oldread", recipient_id=user.pk, organization_id=None,
            kind="invitation_received", title="Invited", body="Hi", read_at=read_at,
        )  # fmt: skip
        created = {r.public_id: r.created_at for r in Old.objects.all()}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    rows = {n.public_id: n for n in Notification.objects.all()}
    assert set(rows) == {"ntf_oldunread", "ntf_oldread"}
    unread, read = rows["ntf_oldunread"], rows["ntf_oldread"]
    assert (unread.recipient_id, unread.organization_id, unread.kind) == (
        user.pk, org.pk, "application_received",
    )  # fmt: skip
    assert unread.title == "Maya applied to Glow"
    assert unread.url == "/o/x/"
    assert unread.read_at is None
    assert read.read_at == read_at
    assert read.organization_id is None
    assert read.body == "Hi"
    assert {k: v.created_at for k, v in rows.items()} == created
    assert not unread.email_wanted
    assert unread.data == {}
