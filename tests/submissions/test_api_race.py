"""Two reviewers deciding the same submission at once through the API get one decision: each
request runs on its own thread with its own database connection (as two web processes would).

To make the overlap certain, the test holds the submission's row lock itself while both requests
start, waits until PostgreSQL shows both waiting for that lock, then lets go: without the
service's row lock they would not wait at all (and both would decide), with it the first decides
and the second is refused with ``already_decided``.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from organizations.roles import Role
from submissions.models import ReviewDecision, Submission
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import submission_in_review

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 20


def _waiting_for_locks() -> int:
    """Other backends waiting for a lock right now (pg_locks is live, not a snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def _race(requests: list[Callable[[], Any]], pk: int) -> list[Any]:
    """Run each request on its own thread while this test holds the submission's row lock;
    let go once PostgreSQL shows every request waiting for it. Returns the answers in order."""
    answers: list[Any] = [None] * len(requests)

    def worker(n: int) -> None:
        try:
            answers[n] = requests[n]()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(len(requests))]
    with transaction.atomic():
        Submission.objects.select_for_update().get(pk=pk)  # hold the row the deciders lock
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + WAIT_SECONDS
        while _waiting_for_locks() < len(requests) and time.monotonic() < deadline:
            time.sleep(0.05)
        blocked = _waiting_for_locks()
    for thread in threads:
        thread.join(timeout=WAIT_SECONDS)
    assert blocked == len(requests), "every decision should have waited for the row lock"
    return answers


def test_two_reviewers_deciding_at_once_get_one_decision(tenant_a: Tenant, api_client_for: Any):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    slot = ParticipationFactory(campaign=campaign).slots.order_by("id").first()
    submission = submission_in_review(target="draft", slot=slot)
    clients = [api_client_for(tenant_a, Role.REVIEWER), api_client_for(tenant_a, Role.MANAGER)]
    for client in clients:  # each key's first use records last_used_at: not part of the race
        assert client.get("/api/v1/submissions/").status_code == 200
    bodies = [
        {"decision": "approve"},
        {"decision": "reject", "feedback": "Off brief"},
    ]

    url = f"/api/v1/submissions/{submission.public_id}/decision/"
    answers = _race(
        [lambda n=n: clients[n].post(url, bodies[n], format="json") for n in (0, 1)],
        submission.pk,
    )

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200, 409], [a.content for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json()["code"] == "already_decided"
    winner = next(n for n, a in enumerate(answers) if a.status_code == 200)
    [decision] = ReviewDecision.objects.filter(submission=submission)
    assert decision.decision == bodies[winner]["decision"]
    submission.refresh_from_db()
    expected = Submission.Stage.POST_DUE if winner == 0 else Submission.Stage.REJECTED
    assert submission.stage == expected


def test_a_bulk_and_a_single_decision_at_once_decide_once(tenant_a: Tenant, api_client_for: Any):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    slot = ParticipationFactory(campaign=campaign).slots.order_by("id").first()
    submission = submission_in_review(target="post", slot=slot)
    single, bulk = api_client_for(tenant_a, Role.REVIEWER), api_client_for(tenant_a, Role.ADMIN)
    for client in (single, bulk):
        assert client.get("/api/v1/submissions/").status_code == 200
    url = f"/api/v1/submissions/{submission.public_id}/decision/"
    body = {"ids": [submission.public_id], "decision": "approve"}
    answers = _race(
        [
            lambda: single.post(url, {"decision": "approve"}, format="json"),
            lambda: bulk.post("/api/v1/submissions/bulk-decision/", body, format="json"),
        ],
        submission.pk,
    )

    single_ok = answers[0].status_code == 200
    bulk_ok = answers[1].json()["succeeded"] == 1
    assert single_ok != bulk_ok, (answers[0].content, answers[1].content)
    if not single_ok:
        assert answers[0].json()["code"] == "already_decided"
    else:
        assert answers[1].json()["results"][0]["code"] == "already_decided"
    assert ReviewDecision.objects.filter(submission=submission).count() == 1
