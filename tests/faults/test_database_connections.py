"""PostgreSQL connections terminated again and again (pg_terminate_backend) while the API
creates batches and the worker sends them: no half-written rows, no stuck batches, and every
error the API answers is JSON."""

import threading
import time
from collections import Counter
from typing import Any

import psycopg
from django.db import connection

from core.models import OutboxTask
from creators.models import CreatorProfile
from discovery.models import InviteBatch, InviteBatchRow
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.discovery.conftest import recruiting_campaign
from tests.faults.harness import install_sweep_schedules, report, stack, wait_until

FINISH_LIMIT = 600.0
REQUESTS = 24


def _killer(dsn: str, db_name: str, stop: threading.Event, kills: list[int]) -> None:
    """Every 0.3 s, terminate every other connection to the test database (web, worker, beat)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [db_name],
            ).fetchall()
            kills.append(sum(1 for (ok,) in rows if ok))
            time.sleep(0.3)


def test_terminated_database_connections_leave_no_half_work_and_answer_json(
    fault_tmp: Any, tenant_a: Tenant, creators: list[CreatorProfile], api_client_for: Any
) -> None:
    install_sweep_schedules()
    handles = [c.social_accounts.get().handle for c in creators[:10]]
    campaigns = [recruiting_campaign(tenant_a, name=f"Campaign {i}") for i in range(REQUESTS)]
    api = api_client_for(tenant_a)
    api.raise_request_exception = False
    params = connection.get_connection_params()
    dsn = psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname")}
    )
    db_name = str(connection.settings_dict["NAME"])

    with stack(fault_tmp) as s:
        s.worker().start()
        s.beat().start()
        time.sleep(3)
        stop, kills = threading.Event(), []
        killer = threading.Thread(target=_killer, args=(dsn, db_name, stop, kills), daemon=True)
        killer.start()
        statuses: Counter[int] = Counter()
        not_json: list[str] = []
        for campaign in campaigns:
            response = api.post(
                "/api/v1/invite-batches/",
                {
                    "campaign": campaign.public_id,
                    "platform": "tiktok",
                    "handles": "\n".join(handles),
                },
                format="json",
            )
            statuses[response.status_code] += 1
            if not response["Content-Type"].startswith("application/json"):
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
