"""Property test (Hypothesis): random sequences of accept / approve / cancel / bonus /
commission / refund / payout / settle / fail / reverse / overpay / fund, each in its own
database transaction, against a model of what every account should hold. After every step the
ledger equals the model and the campaign's committed figure equals the ledger's; at the end
every transaction sums to zero per currency (the database's deferred check included), no
account has the wrong sign, and every balance is the sum of its entries."""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from campaigns.models import Campaign
from core.errors import ChorusError
from ledger.models import COUNTER_KINDS, AccountKind, Entry, LedgerAccount, TransactionKind
from ledger.selectors import ledger_check_campaign
from ledger.services import (
    accrual_post,
    bonus_accrue,
    commission_refund,
    commitment_release,
    commitment_reserve,
    funding_receive,
    payout_post,
    payout_reverse,
    payout_settle,
)
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory

FEES = (10_000, 5_000)  # two slots per creator
TOTAL = sum(FEES)
BUDGET = 20_000  # room for one creator and a little bonus: the edge is near
CREATORS = 3
OPS = (
    "accept",
    "approve",
    "cancel",
    "bonus",
    "commission",
    "refund",
    "payout",
    "settle",
    "fail",
    "reverse",
    "overpay",
    "fund",
)
steps = st.lists(
    st.tuples(
        st.sampled_from(OPS),
        st.integers(0, CREATORS - 1),
        st.integers(0, len(FEES) - 1),
        # Small and round amounts too, so bonuses land right at the budget's edge.
        st.one_of(st.integers(1, 20_000), st.sampled_from([1, 999, 2_500, 5_000, 10_000])),
    ),
    max_size=30,
)


@dataclass
class Model:
    status: list[str] = field(default_factory=lambda: ["none"] * CREATORS)
    accounts: list[dict[str, int]] = field(
        default_factory=lambda: [
            {"committed": 0, "payable": 0, "in_transit": 0, "paid": 0} for _ in range(CREATORS)
        ]
    )
    promised: int = 0
    funded: int = 0
    accrued_slots: set[int] = field(default_factory=set)
    earnings: list[list[Any]] = field(default_factory=list)  # [creator, key, granted, refunded]


class LedgerPropertyTest(TestCase):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(steps)
    def test_random_sequences_keep_the_ledger_balanced_and_equal_to_the_model(self, ops):
        campaign = CampaignFactory(budget_cents=BUDGET, deliverables=[])
        creators = [CreatorProfileFactory() for _ in range(CREATORS)]
        model = Model()
        for number, (op, who, slot, amount) in enumerate(ops):
            expected_error = self._step(campaign, creators, model, number, op, who, slot, amount)
            self._check(campaign, creators, model, (number, op, who, expected_error))
        self._check_whole_ledger(campaign)

    # -- one step: call the service, and move the model the way the ledger must move ----------

    def _step(self, campaign, creators, model, number, op, who, slot, amount) -> str:
        creator = creators[who]
        acc = model.accounts[who]
        expected = ""
        call: Any = None
        if op == "accept":
            if model.status[who] != "none":
                return ""
            if model.promised + TOTAL > BUDGET:
                expected = "budget_exceeded"
            else:
                model.status[who] = "joined"
                model.promised += TOTAL
                acc["committed"] += TOTAL

            def call() -> Any:
                return commitment_reserve(
                    campaign=campaign, creator=creator, participation_id=who, amount_cents=TOTAL
                )
        elif op == "approve":
            slot_id = who * 10 + slot
            fee = FEES[slot]
            if slot_id not in model.accrued_slots:
                if acc["committed"] >= fee:
                    model.accrued_slots.add(slot_id)
                    acc["committed"] -= fee
                    acc["payable"] += fee
                else:
                    expected = "fee_not_committed"

            def call() -> Any:
                return accrual_post(
                    campaign=campaign, creator=creator, slot_id=slot_id, amount_cents=fee
                )
        elif op == "cancel":
            if model.status[who] == "joined":
                model.status[who] = "cancelled"
                model.promised -= acc["committed"]
                acc["committed"] = 0

            def call() -> Any:
                return commitment_release(campaign=campaign, creator=creator, participation_id=who)
        elif op in ("bonus", "commission"):
            granted = min(amount, BUDGET - model.promised)
            model.promised += granted
            acc["payable"] += granted
            key = f"{op}:{number}"
            model.earnings.append([who, key, granted, False])
            kind = TransactionKind.BONUS if op == "bonus" else TransactionKind.COMMISSION

            def call() -> Any:
                txn = bonus_accrue(
                    campaign=campaign, creator=creator, key=key, amount_cents=amount, kind=kind
                )
                assert txn.capped_cents == amount - granted
                return txn
        elif op == "refund":
            earning = next(
                (e for e in model.earnings if e[0] == who and e[2] > 0 and not e[3]), None
            )
            if earning is None:
                return ""
            earning[3] = True
            back = min(earning[2], acc["payable"])
            acc["payable"] -= back
            model.promised -= back

            def call() -> Any:
                return commission_refund(
                    campaign=campaign,
                    creator=creator,
                    original_key=earning[1],
                    key=f"refund:{earning[1]}",
                )
        elif op in ("payout", "settle", "fail", "reverse"):
            source, target, service, extra = {
                "payout": ("payable", "in_transit", payout_post, {}),
                "settle": ("in_transit", "paid", payout_settle, {}),
                "fail": ("in_transit", "payable", payout_reverse, {}),
                "reverse": ("paid", "payable", payout_reverse, {"source": AccountKind.PAID}),
            }[op]
            moved = min(amount, acc[source])
            if not moved:
                return ""
            acc[source] -= moved
            acc[target] += moved

            def call() -> Any:
                return service(
                    campaign=campaign,
                    creator=creator,
                    amount_cents=moved,
                    key=f"{op}:{number}",
                    **extra,
                )
        elif op == "overpay":
            expected = "insufficient_balance"

            def call() -> Any:
                return payout_post(
                    campaign=campaign,
                    creator=creator,
                    amount_cents=acc["payable"] + 1,
                    key=f"overpay:{number}",
                )
        elif op == "fund":
            model.funded += amount

            def call() -> Any:
                return funding_receive(campaign=campaign, amount_cents=amount, key=f"fund:{number}")

        refused = ""
        try:
            with transaction.atomic():
                call()
        except ChorusError as exc:
            refused = exc.code
        assert refused == expected, (op, who, refused, expected)
        return expected

    # -- invariants -------------------------------------------------------------------------

    def _check(self, campaign, creators, model, where) -> None:
        rows = LedgerAccount.objects.filter(campaign=campaign).values_list(
            "creator_id", "kind", "balance_cents"
        )
        got: dict[tuple[int | None, str], int] = {(c, k): b for c, k, b in rows}
        for i, creator in enumerate(creators):
            for kind, value in model.accounts[i].items():
                assert got.get((creator.pk, kind), 0) == value, (where, i, kind)
        assert -got.get((None, "budget"), 0) == model.promised, where
        assert got.get((None, "funded"), 0) == model.funded, where
        committed = Campaign.objects.values_list("committed_cents", flat=True).get(pk=campaign.pk)
        assert committed == model.promised <= BUDGET, where

    def _check_whole_ledger(self, campaign) -> None:
        unbalanced = (
            Entry.objects.values("transaction_id", "currency")
            .annotate(total=Sum("amount_cents"))
            .exclude(total=0)
        )
        assert not unbalanced.exists()
        wrong_sign = LedgerAccount.objects.filter(
            Q(kind__in=COUNTER_KINDS, balance_cents__gt=0)
            | (~Q(kind__in=COUNTER_KINDS) & Q(balance_cents__lt=0))
        )
        assert not wrong_sign.exists()
        assert ledger_check_campaign(campaign).ok
        with connection.cursor() as cursor:  # the database's own check, as at COMMIT
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
