"""The maximum number of creators holds under concurrency: many brand members accepting at the
same moment, each on their own database connection, never overfill a campaign or its budget."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from core.errors import ChorusError
from recruitment import services
from recruitment.models import Application, CampaignInvitation, Participation
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ApplicationFactory, CampaignInvitationFactory

pytestmark = pytest.mark.django_db(transaction=True)

FEE = 15_000


def _race(jobs: list[Callable[[], object]]) -> tuple[int, list[str]]:
    """Run the jobs in threads that all start together; count successes and failure codes."""
    barrier = threading.Barrier(len(jobs))
    lock = threading.Lock()
    successes: list[int] = []
    failures: list[str] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            job()
            with lock:
                successes.append(1)
        except ChorusError as exc:
            with lock:
                failures.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(successes), failures


def test_concurrent_acceptances_stop_at_exactly_the_maximum(tenant_a):
    campaign = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, max_creators=3, budget_cents=1_000_000
    )
    applications = [ApplicationFactory(campaign=campaign) for _ in range(8)]
    access = tenant_a.access()

    def accept(application: Application) -> Callable[[], object]:
        return lambda: services.application_decide(
            access=access, application=application, decision="accept"
        )

    succeeded, failures = _race([accept(a) for a in applications])

    assert succeeded == 3
    assert sorted(failures) == ["campaign_full"] * 5
    assert Participation.objects.filter(campaign=campaign).count() == 3
    assert Application.objects.filter(campaign=campaign, status="accepted").count() == 3
    campaign.refresh_from_db()
    assert campaign.committed_cents == 3 * FEE


def test_concurrent_bulk_accepts_from_two_members_stop_at_the_maximum(tenant_a):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, max_creators=4)
    applications = [ApplicationFactory(campaign=campaign) for _ in range(10)]
    ids = [a.public_id for a in applications]
    access = tenant_a.access()
    results: list[services.BulkDecisionResult] = []

    def bulk(order: list[str]) -> Callable[[], object]:
        return lambda: results.append(
            services.applications_decide_bulk(
                access=access, application_ids=order, decision="accept"
            )
        )

    _race([bulk(ids), bulk(list(reversed(ids)))])

    assert Participation.objects.filter(campaign=campaign).count() == 4
    assert sum(len(r.succeeded) for r in results) == 4
    campaign.refresh_from_db()
    assert campaign.committed_cents == 4 * FEE


def test_the_budget_holds_when_it_runs_out_before_the_maximum(tenant_a):
    campaign = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, max_creators=10, budget_cents=2 * FEE
    )
    applications = [ApplicationFactory(campaign=campaign) for _ in range(5)]
    access = tenant_a.access()
    succeeded, failures = _race(
        [
            (
                lambda a=a: services.application_decide(
                    access=access, application=a, decision="accept"
                )
            )
            for a in applications
        ]
    )
    assert succeeded == 2
    assert sorted(failures) == ["budget_exceeded"] * 3
    campaign.refresh_from_db()
    assert campaign.committed_cents == 2 * FEE


def test_invitation_acceptances_and_application_acceptances_share_the_maximum(
    tenant_a, make_creator
):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, max_creators=2)
    access = tenant_a.access()
    jobs: list[Callable[[], object]] = []
    for _ in range(3):
        application = ApplicationFactory(campaign=campaign)
        jobs.append(
            lambda a=application: services.application_decide(
                access=access, application=a, decision="accept"
            )
        )
    for _ in range(3):
        creator, _account = make_creator()
        invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
        jobs.append(
            lambda c=creator, i=invitation: services.invitation_respond(
                creator=c, invitation=i, accept=True
            )
        )
    succeeded, failures = _race(jobs)
    assert succeeded == 2
    assert sorted(failures) == ["campaign_full"] * 4
    assert Participation.objects.filter(campaign=campaign).count() == 2
    assert (
        CampaignInvitation.objects.filter(campaign=campaign, status="accepted").count()
        + Application.objects.filter(campaign=campaign, status="accepted").count()
        == 2
    )


def test_the_same_application_accepted_twice_at_once_makes_one_participation(tenant_a):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    application = ApplicationFactory(campaign=campaign)
    access = tenant_a.access()
    succeeded, failures = _race(
        [
            lambda: services.application_decide(
                access=access, application=application, decision="accept"
            )
        ]
        * 2
    )
    assert succeeded == 1
    assert failures == ["already_accepted"]
    assert Participation.objects.filter(application=application).count() == 1
    campaign.refresh_from_db()
    assert campaign.committed_cents == FEE
