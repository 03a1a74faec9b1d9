"""The ledger's services: posting, commitments through recruitment, accruals through review,
bonuses at the budget's edge, refunds, payouts, funding, and the figures they add up to."""

import pytest
from django.db import transaction

from campaigns.models import Campaign
from core.errors import ChorusError
from ledger.models import AccountKind, Entry, LedgerAccount, Transaction, TransactionKind
from ledger.selectors import (
    campaign_figures,
    creator_figures,
    creator_payable,
    ledger_check_campaign,
)
from ledger.services import (
    accrual_post,
    accrued_for_prefix,
    bonus_accrue,
    commission_refund,
    commitment_release,
    commitment_reserve,
    funding_receive,
    funding_refund,
    ledger_post,
    payout_key,
    payout_post,
    payout_reverse,
    payout_settle,
    reverse_key,
    settle_key,
)
from recruitment import services as recruitment
from submissions.services import submission_decide, submissions_auto_approve
from tests.factories.creators import CreatorProfileFactory
from tests.factories.recruitment import ApplicationFactory, ParticipationFactory
from tests.factories.submissions import submission_in_review
from tests.ledger.helpers import TOTAL, balances, campaign, joined
from tests.submissions.conftest import access_for

pytestmark = pytest.mark.django_db


def _atomic(fn, **kwargs):
    with transaction.atomic():
        return fn(**kwargs)


# -- ledger_post --------------------------------------------------------------------------------


def _lines(c, creator, amount=100):
    return [
        (
            LedgerAccount.objects.get_or_create(
                organization=c.organization, campaign=c, kind="funding", currency=c.currency
            )[0],
            -amount,
        ),
        (
            LedgerAccount.objects.get_or_create(
                organization=c.organization, campaign=c, kind="funded", currency=c.currency
            )[0],
            amount,
        ),
    ]


def test_posting_the_same_key_again_returns_the_first_transaction():
    c = campaign()
    first = _atomic(
        ledger_post,
        organization=c.organization,
        campaign=c,
        kind=TransactionKind.FUNDING,
        key="funding:cs_1",
        lines=_lines(c, None),
    )
    again = _atomic(
        ledger_post,
        organization=c.organization,
        campaign=c,
        kind=TransactionKind.FUNDING,
        key="funding:cs_1",
        lines=_lines(c, None),
    )
    assert first.created_now
    assert not again.created_now
    assert again.pk == first.pk
    assert Entry.objects.count() == 2
    assert balances(c)["funded"] == 100


def test_the_same_key_with_other_amounts_is_a_conflict():
    c = campaign()
    _atomic(
        ledger_post,
        organization=c.organization,
        campaign=c,
        kind=TransactionKind.FUNDING,
        key="funding:cs_1",
        lines=_lines(c, None),
    )
    with pytest.raises(ChorusError) as info:
        _atomic(
            ledger_post,
            organization=c.organization,
            campaign=c,
            kind=TransactionKind.FUNDING,
            key="funding:cs_1",
            lines=_lines(c, None, amount=101),
        )
    assert info.value.code == "ledger_key_conflict"
    assert balances(c)["funded"] == 100


def test_unbalanced_lines_are_refused_before_the_database_sees_them():
    c = campaign()
    lines = _lines(c, None)
    lines[1] = (lines[1][0], 99)
    with pytest.raises(ValueError, match="balance"):
        _atomic(
            ledger_post,
            organization=c.organization,
            campaign=c,
            kind=TransactionKind.FUNDING,
            key="k",
            lines=lines,
        )
    assert not Transaction.objects.exists()


def test_lines_of_another_campaign_are_refused():
    c, other = campaign(), campaign()
    with pytest.raises(ValueError, match="campaign"):
        _atomic(
            ledger_post,
            organization=c.organization,
            campaign=c,
            kind=TransactionKind.FUNDING,
            key="k",
            lines=_lines(other, None),
        )


@pytest.mark.django_db(transaction=True)
def test_services_must_run_inside_the_callers_transaction():
    c = campaign()
    with pytest.raises(RuntimeError):
        funding_receive(campaign=c, amount_cents=100, key="funding:x")
    assert not Transaction.objects.exists()


# -- commitments through recruitment -------------------------------------------------------------


def test_accepting_a_creator_posts_the_commitment_and_keeps_the_cached_figure(tenant_a):
    c = campaign(organization=tenant_a.org, brand=tenant_a.brand)
    application = ApplicationFactory(campaign=c)
    recruitment.application_decide(
        access=tenant_a.access(), application=application, decision="accept"
    )
    participation = application.participation
    txn = Transaction.objects.get()
    assert (txn.kind, txn.key) == ("commit", f"commit:participation:{participation.pk}")
    assert balances(c)["budget"] == -TOTAL
    assert balances(c, application.creator)["committed"] == TOTAL
    c.refresh_from_db()
    assert c.committed_cents == TOTAL
    assert ledger_check_campaign(c).ok


def test_acceptance_past_the_budget_is_refused_and_posts_nothing(tenant_a):
    c = campaign(organization=tenant_a.org, brand=tenant_a.brand, budget_cents=2 * TOTAL)
    applications = [ApplicationFactory(campaign=c) for _ in range(3)]
    access = tenant_a.access()
    for application in applications[:2]:
        recruitment.application_decide(access=access, application=application, decision="accept")
    with pytest.raises(ChorusError) as info:
        recruitment.application_decide(
            access=access, application=applications[2], decision="accept"
        )
    assert info.value.code == "budget_exceeded"
    assert Transaction.objects.count() == 2
    c.refresh_from_db()
    assert c.committed_cents == 2 * TOTAL == -balances(c)["budget"]


def test_the_ledger_refuses_past_the_budget_even_when_the_cached_figure_lags():
    c = campaign(budget_cents=TOTAL)
    joined(c)
    Campaign.objects.filter(pk=c.pk).update(committed_cents=0)  # a stale cache
    with pytest.raises(ChorusError) as info:
        _atomic(
            commitment_reserve,
            campaign=c,
            creator=CreatorProfileFactory(),
            participation_id=999,
            amount_cents=1,
        )
    assert info.value.code == "budget_exceeded"


def test_cancelling_releases_the_commitment(tenant_a):
    c = campaign(organization=tenant_a.org, brand=tenant_a.brand)
    participation = joined(c)
    recruitment.participation_cancel(access=tenant_a.access(), participation=participation)
    release = Transaction.objects.get(kind="release")
    assert release.key == f"release:participation:{participation.pk}"
    assert balances(c)["budget"] == 0
    assert balances(c, participation.creator)["committed"] == 0
    c.refresh_from_db()
    assert c.committed_cents == 0
    assert ledger_check_campaign(c).ok


def test_cancelling_after_an_approved_post_releases_only_what_is_not_earned(tenant_a):
    c = campaign(organization=tenant_a.org, brand=tenant_a.brand)
    participation = joined(c)
    slot = participation.slots.order_by("id").first()  # the 10,000 one
    submission = submission_in_review(target="post", slot=slot)
    submission_decide(access=access_for(c.organization), submission=submission, decision="approve")

    recruitment.participation_cancel(access=tenant_a.access(), participation=participation)

    mine = balances(c, participation.creator)
    assert (mine["committed"], mine["payable"]) == (0, 10_000)
    c.refresh_from_db()
    assert c.committed_cents == 10_000 == -balances(c)["budget"]
    assert ledger_check_campaign(c).ok


# -- accruals through review ---------------------------------------------------------------------


def test_approving_a_live_post_accrues_its_slot_fee_once():
    submission = submission_in_review(target="post")
    c = submission.campaign
    submission_decide(access=access_for(c.organization), submission=submission, decision="approve")
    txn = Transaction.objects.get(kind="accrue")
    assert txn.key == f"accrue:slot:{submission.slot_id}"
    assert txn.data["live_post"] == submission.current_post.public_id
    mine = balances(c, submission.creator)
    assert (mine["committed"], mine["payable"]) == (0, 15_000)
    # The same slot cannot accrue twice, whatever calls it.
    again = _atomic(
        accrual_post,
        campaign=c,
        creator=submission.creator,
        slot_id=submission.slot_id,
        amount_cents=15_000,
    )
    assert again.pk == txn.pk
    assert not again.created_now
    assert balances(c, submission.creator)["payable"] == 15_000


def test_approving_a_draft_accrues_nothing():
    submission = submission_in_review(target="draft")
    submission_decide(
        access=access_for(submission.organization), submission=submission, decision="approve"
    )
    assert not Transaction.objects.filter(kind="accrue").exists()


def test_rejecting_a_live_post_accrues_nothing():
    submission = submission_in_review(target="post")
    submission_decide(
        access=access_for(submission.organization),
        submission=submission,
        decision="reject",
        feedback="Not our product",
    )
    assert not Transaction.objects.filter(kind="accrue").exists()


def test_an_automatic_approval_accrues_too():
    from django.utils import timezone

    submission = submission_in_review(target="post")
    submission.auto_approve_at = timezone.now()
    submission.save(update_fields=["auto_approve_at"])
    assert submissions_auto_approve() == 1
    assert balances(submission.campaign, submission.creator)["payable"] == 15_000


def test_a_post_of_a_cancelled_participation_cannot_be_approved_for_pay(tenant_a):
    c = campaign(organization=tenant_a.org, brand=tenant_a.brand)
    participation = joined(c)
    submission = submission_in_review(target="post", slot=participation.slots.first())
    recruitment.participation_cancel(access=tenant_a.access(), participation=participation)
    with pytest.raises(ChorusError) as info:
        submission_decide(
            access=access_for(c.organization), submission=submission, decision="approve"
        )
    assert info.value.code == "fee_not_committed"
    submission.refresh_from_db()
    assert submission.stage == "post_review"
    assert balances(c, participation.creator)["payable"] == 0


def test_a_fee_never_committed_cannot_accrue():
    c = campaign()
    participation = ParticipationFactory(campaign=c, commitment=False)
    with pytest.raises(ChorusError) as info:
        _atomic(
            accrual_post,
            campaign=c,
            creator=participation.creator,
            slot_id=1,
            amount_cents=10_000,
        )
    assert info.value.code == "fee_not_committed"
    assert not Transaction.objects.filter(kind="accrue").exists()


# -- bonuses and commissions at the budget's edge ------------------------------------------------


def test_a_bonus_past_the_budget_is_capped_with_its_reason():
    c = campaign(budget_cents=TOTAL + 3_000)
    participation = joined(c)
    txn = _atomic(
        bonus_accrue,
        campaign=c,
        creator=participation.creator,
        key="bonus:post:1:1",
        amount_cents=5_000,
    )
    assert txn.capped_cents == 2_000
    assert txn.data["capped_reason"] == "budget"
    assert "was not accrued" in txn.data["capped_message"]
    assert balances(c, participation.creator)["payable"] == 3_000
    c.refresh_from_db()
    assert c.committed_cents == c.budget_cents == -balances(c)["budget"]
    figures = campaign_figures(c)
    assert (figures.remaining, figures.capped) == (0, 2_000)


def test_a_bonus_with_nothing_left_is_recorded_as_capped_and_never_accrues_later(tenant_a):
    c = campaign(organization=tenant_a.org, brand=tenant_a.brand, budget_cents=TOTAL)
    participation = joined(c)
    first = _atomic(
        bonus_accrue,
        campaign=c,
        creator=participation.creator,
        key="bonus:post:1:1",
        amount_cents=500,
    )
    assert first.capped_cents == 500
    assert not first.entries.exists()
    recruitment.participation_cancel(access=tenant_a.access(), participation=participation)
    again = _atomic(
        bonus_accrue,
        campaign=c,
        creator=participation.creator,
        key="bonus:post:1:1",
        amount_cents=500,
    )
    assert again.pk == first.pk
    assert balances(c, participation.creator)["payable"] == 0


def test_a_commission_goes_through_the_same_cap():
    c = campaign()
    creator = joined(c).creator
    txn = _atomic(
        bonus_accrue,
        campaign=c,
        creator=creator,
        key="commission:conversion:9",
        amount_cents=700,
        kind=TransactionKind.COMMISSION,
    )
    assert (txn.kind, txn.capped_cents) == ("commission", 0)
    assert balances(c, creator)["payable"] == 700
    assert accrued_for_prefix(campaign=c, key_prefix="commission:conversion:") == 700


def test_a_refund_takes_back_what_is_still_payable_and_records_the_rest():
    c = campaign()
    creator = joined(c).creator
    _atomic(
        bonus_accrue,
        campaign=c,
        creator=creator,
        key="commission:conversion:9",
        amount_cents=700,
        kind=TransactionKind.COMMISSION,
    )
    _atomic(payout_post, campaign=c, creator=creator, amount_cents=500, key="payout:1:1")
    refund = _atomic(
        commission_refund,
        campaign=c,
        creator=creator,
        original_key="commission:conversion:9",
        key="refund:conversion:9",
    )
    assert refund.data["unrecovered_cents"] == 500
    assert balances(c, creator)["payable"] == 0
    c.refresh_from_db()
    assert c.committed_cents == TOTAL + 500 == -balances(c)["budget"]
    assert accrued_for_prefix(campaign=c, key_prefix="commission:conversion:9") == 700
    assert accrued_for_prefix(campaign=c, key_prefix="refund:conversion:9") == -200


# -- payouts and funding -------------------------------------------------------------------------


def test_a_payout_moves_payable_to_in_transit_then_paid_and_a_reversal_back():
    submission = submission_in_review(target="post")
    c, creator = submission.campaign, submission.creator
    submission_decide(access=access_for(c.organization), submission=submission, decision="approve")
    assert [a.balance_cents for a in creator_payable(creator)] == [15_000]

    key = payout_key(1, c.pk)
    _atomic(payout_post, campaign=c, creator=creator, amount_cents=15_000, key=key)
    _atomic(payout_post, campaign=c, creator=creator, amount_cents=15_000, key=key)  # a retry
    assert balances(c, creator)["in_transit"] == 15_000
    assert balances(c, creator)["payable"] == 0
    _atomic(
        payout_settle, campaign=c, creator=creator, amount_cents=15_000, key=settle_key(1, c.pk)
    )
    assert balances(c, creator)["paid"] == 15_000
    _atomic(
        payout_reverse,
        campaign=c,
        creator=creator,
        amount_cents=15_000,
        key=reverse_key("tr_1", c.pk),
        source=AccountKind.PAID,
    )
    assert Transaction.objects.filter(kind__in=["payout", "settle", "reverse"]).count() == 3
    [figures] = creator_figures(creator)
    assert (figures.pending, figures.payable, figures.in_transit, figures.paid) == (0, 15_000, 0, 0)


def test_a_failed_transfer_returns_from_in_transit():
    c = campaign()
    creator = joined(c).creator
    _atomic(bonus_accrue, campaign=c, creator=creator, key="bonus:post:1:1", amount_cents=900)
    _atomic(payout_post, campaign=c, creator=creator, amount_cents=900, key="payout:7")
    _atomic(payout_reverse, campaign=c, creator=creator, amount_cents=900, key="reverse:payout:7")
    assert balances(c, creator)["payable"] == 900


def test_nobody_is_paid_more_than_is_payable():
    c = campaign()
    creator = joined(c).creator
    with pytest.raises(ChorusError) as info:
        _atomic(payout_post, campaign=c, creator=creator, amount_cents=1, key="payout:1")
    assert info.value.code == "insufficient_balance"
    with pytest.raises(ChorusError):
        _atomic(payout_settle, campaign=c, creator=creator, amount_cents=1, key="settle:1")
    assert not Transaction.objects.filter(kind__in=["payout", "settle"]).exists()


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, "100"])
def test_amounts_are_positive_whole_numbers(amount):
    c = campaign()
    with pytest.raises(ChorusError) as info:
        _atomic(funding_receive, campaign=c, amount_cents=amount, key="funding:1")
    assert info.value.code == "invalid_amount"


def test_funding_received_and_refunded():
    c = campaign()
    _atomic(funding_receive, campaign=c, amount_cents=50_000, key="funding:cs_1")
    _atomic(funding_receive, campaign=c, amount_cents=50_000, key="funding:cs_1")  # replayed
    assert campaign_figures(c).funded == 50_000
    _atomic(funding_refund, campaign=c, amount_cents=20_000, key="funding_refund:re_1")
    assert campaign_figures(c).funded == 30_000
    with pytest.raises(ChorusError):
        _atomic(funding_refund, campaign=c, amount_cents=30_001, key="funding_refund:re_2")


# -- figures and the check -----------------------------------------------------------------------


def test_campaign_figures_add_up():
    c = campaign(budget_cents=100_000)
    first, second = joined(c), joined(c)
    _atomic(funding_receive, campaign=c, amount_cents=40_000, key="funding:cs_1")
    slot = first.slots.order_by("id").first()
    _atomic(accrual_post, campaign=c, creator=first.creator, slot_id=slot.pk, amount_cents=10_000)
    _atomic(payout_post, campaign=c, creator=first.creator, amount_cents=4_000, key="payout:1")
    _atomic(payout_settle, campaign=c, creator=first.creator, amount_cents=4_000, key="settle:1")
    _atomic(bonus_accrue, campaign=c, creator=second.creator, key="bonus:p:1", amount_cents=250)

    f = campaign_figures(c)
    assert (f.budget, f.funded, f.promised) == (100_000, 40_000, 2 * TOTAL + 250)
    assert (f.committed, f.payable, f.in_transit, f.paid) == (TOTAL + 5_000, 6_250, 0, 4_000)
    assert f.accrued == 10_250
    assert f.remaining == 100_000 - 2 * TOTAL - 250
    by_creator = {x.campaign_id: x for x in creator_figures(first.creator)}
    assert (by_creator[c.pk].pending, by_creator[c.pk].earned) == (5_000, 10_000)


def test_the_check_finds_a_cached_figure_that_disagrees():
    c = campaign()
    joined(c)
    assert ledger_check_campaign(c).ok
    Campaign.objects.filter(pk=c.pk).update(committed_cents=TOTAL - 1)
    check = ledger_check_campaign(c)
    assert not check.ok
    assert (check.cached_committed, check.ledger_promised) == (TOTAL - 1, TOTAL)


def test_release_of_a_creator_who_never_joined_posts_nothing():
    c = campaign()
    released = _atomic(
        commitment_release, campaign=c, creator=CreatorProfileFactory(), participation_id=1
    )
    assert released is None
    assert not Transaction.objects.exists()
