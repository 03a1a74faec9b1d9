"""PostgreSQL connections terminated again and again (pg_terminate_backend) while the API
creates batches and the worker sends them: no half-written rows, no stuck batches, and every
error the API answers is JSON."""

import threading
import time
from collections import Counter
from typing import Any

import httpx
import psycopg
import pytest
from django.db import connection

from core.models import OutboxTask
from discovery.models import InviteBatch, InviteBatchRow
from organizations.services import api_key_create
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.discovery.conftest import recruiting_campaign
from tests.factories.creators import SocialAccountFactory
from tests.faults.harness import install_sweep_schedules, report, stack, wait_until

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

FINISH_LIMIT = 600.0
REQUESTS = 24


def _killer(dsn: str, db_name: str, stop: threading.Event, kills: list[int]) -> None:
    """Every 1.5 s, terminate every other connection to the test database (web, worker, beat):
    often enough that requests and tasks are cut in every phase, rarely enough that some finish."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [db_name],
            ).fetchall()
            kills.append(sum(1 for (ok,) in rows if ok))
            time.sleep(1.5)


def _answers(api: httpx.Client) -> bool:
    try:
        return api.get("/api/v1/campaigns/").status_code == 200
    except httpx.HTTPError:
        return False


def test_terminated_database_connections_leave_no_half_work_and_answer_json(
    fault_tmp: Any, tenant_a: Tenant
) -> None:
    install_sweep_schedules()
    handles = [SocialAccountFactory().handle for _ in range(10)]
    campaigns = [recruiting_campaign(tenant_a, name=f"Campaign {i}") for i in range(REQUESTS)]
    _, key = api_key_create(access=tenant_a.access(), name="fault test", role="admin")
    params = connection.get_connection_params()
    dsn = psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname")}
    )
    db_name = str(connection.settings_dict["NAME"])

    with stack(fault_tmp) as s:
        s.worker().start()
        s.beat().start()
        web, base_url = s.web()
        web.start()
        api = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
        )
        wait_until(lambda: _answers(api), 60, "the web server did not start")
        stop, kills = threading.Event(), []
        killer = threading.Thread(target=_killer, args=(dsn, db_name, stop, kills), daemon=True)
        killer.start()
        statuses: Counter[int] = Counter()
        not_json: list[str] = []
        for campaign in campaigns:
            response = api.post(
                "/api/v1/invite-batches/",
                json={
                    "campaign": campaign.public_id,
                    "platform": "tiktok",
                    "handles": "\n".join(handles),
                },
            )
            statuses[response.status_code] += 1
            if not response.headers["Content-Type"].startswith("application/json"):
                not_json.append(f"{response.status_code}: {response.content[:200]!r}")
            elif response.status_code >= 500:
                assert set(response.json()) == {"code", "message", "fields"}
            time.sleep(0.2)
        time.sleep(5)  # the worker is hit too while it sends
        stop.set()
        killer.join(10)
        stopped_at = time.monotonic()
        connection.close()  # this process's connection was terminated too

        assert not_json == []
        assert statuses[202] > 0, statuses
        assert set(statuses) <= {202, 500, 503}, statuses
        try:
            done = wait_until(
                lambda: not InviteBatch.objects.exclude(status="done").exists(),
                FINISH_LIMIT,
                "a batch is stuck",
            )
            wait_until(
                lambda: not OutboxTask.objects.filter(completed_at__isnull=True).exists(),
                FINISH_LIMIT,
                "work was left in the outbox",
            )
        except AssertionError:
            print(s.logs())
            raise
        report(
            "PostgreSQL connections terminated",
            requests=REQUESTS,
            answered=dict(statuses),
            connections_killed=sum(kills),
            batches_done_after_kills_stop_s=done,
            all_work_done_s=time.monotonic() - stopped_at,
        )
        # No half-written batch: every saved batch has all its rows, and was sent exactly once.
        for batch in InviteBatch.objects.all():
            assert InviteBatchRow.objects.filter(batch=batch).count() == batch.total == len(handles)
            assert batch.invited == len(handles)
            assert CampaignInvitation.objects.filter(campaign_id=batch.campaign_id).count() == len(
                handles
            )
        # A 5xx may come after the commit (the answer's read was cut off): such a batch exists
        # and is whole too; the 202s certainly exist.
        assert InviteBatch.objects.count() >= statuses[202]
        sent = Counter(s.mail_log.read_text().splitlines()) if s.mail_log.exists() else Counter()
        assert {line: n for line, n in sent.items() if n > 1} == {}
        assert sum(sent.values()) == InviteBatch.objects.count() * len(handles)
