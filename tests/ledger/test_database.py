"""The database itself keeps the ledger honest: transactions balance per currency at commit,
entries and transactions cannot be changed or deleted, an entry matches its account, a key
posts once, and accounts keep their sign — whatever code (or raw SQL) writes to it."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ledger.models import AccountKind, Entry, LedgerAccount, Transaction, TransactionKind
from ledger.services import account_for, ledger_post
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory

pytestmark = pytest.mark.django_db


def _posted() -> Transaction:
    campaign = CampaignFactory()
    creator = CreatorProfileFactory()
    with transaction.atomic():
        return ledger_post(
            organization=campaign.organization,
            campaign=campaign,
            kind=TransactionKind.COMMIT,
            key="commit:participation:1",
            lines=[
                (account_for(campaign=campaign, kind=AccountKind.BUDGET), -500),
                (account_for(campaign=campaign, kind=AccountKind.COMMITTED, creator=creator), 500),
            ],
        )


def _raw_entry(txn: Transaction, account: LedgerAccount, amount: int, currency: str = "") -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_entry (organization_id, transaction_id, account_id, amount_cents,"
            " currency) VALUES (%s, %s, %s, %s, %s)",
            [txn.organization_id, txn.pk, account.pk, amount, currency or account.currency],
        )


def test_an_unbalanced_transaction_is_refused_when_checked():
    txn = _posted()
    budget = LedgerAccount.objects.get(kind=AccountKind.BUDGET)
    with transaction.atomic():
        _raw_entry(txn, budget, -1)
        # What COMMIT does with the deferred trigger.
        with pytest.raises(IntegrityError, match="does not balance"), connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)


def test_lines_may_be_inserted_one_by_one_as_long_as_they_balance_at_commit():
    txn = _posted()
    budget = LedgerAccount.objects.get(kind=AccountKind.BUDGET)
    committed = LedgerAccount.objects.get(kind=AccountKind.COMMITTED)
    with transaction.atomic():
        _raw_entry(txn, budget, -7)
        _raw_entry(txn, committed, 7)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Entry.objects.filter(transaction=txn).count() == 4


@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_transaction_cannot_commit():
    txn = _posted()
    budget = LedgerAccount.objects.get(kind=AccountKind.BUDGET)
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        _raw_entry(txn, budget, -1)
    assert Entry.objects.filter(transaction=txn).count() == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entry SET amount_cents = amount_cents * 2",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_transaction SET key = 'other'",
        "DELETE FROM ledger_transaction",
    ],
)
def test_posted_rows_cannot_be_changed_or_deleted(sql):
    txn = _posted()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Transaction.objects.get().key == txn.key
    assert sorted(Entry.objects.values_list("amount_cents", flat=True)) == [-500, 500]


def test_the_orm_cannot_delete_a_transaction_either():
    txn = _posted()
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(transaction=txn).delete()
    assert Entry.objects.count() == 2


def test_an_entry_in_another_currency_than_its_account_is_refused():
    txn = _posted()
    budget = LedgerAccount.objects.get(kind=AccountKind.BUDGET)
    with pytest.raises(IntegrityError, match="does not match"), transaction.atomic():
        _raw_entry(txn, budget, -5, currency="EUR")


def test_a_key_posts_once_per_organization():
    txn = _posted()
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.create(
            organization_id=txn.organization_id,
            campaign_id=txn.campaign_id,
            kind=TransactionKind.COMMIT,
            key=txn.key,
        )


@pytest.mark.parametrize(("kind", "balance"), [("payable", -1), ("committed", -1), ("budget", 1)])
def test_accounts_keep_their_sign(kind, balance):
    _posted()
    campaign = Transaction.objects.get().campaign
    creator = None if kind == "budget" else CreatorProfileFactory()
    account = account_for(campaign=campaign, kind=AccountKind(kind), creator=creator)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=account.pk).update(balance_cents=balance)


def test_a_creator_account_needs_a_creator_and_a_campaign_account_has_none():
    campaign = CampaignFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(
            organization=campaign.organization, campaign=campaign, kind="payable", currency="USD"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(
            organization=campaign.organization,
            campaign=campaign,
            creator=CreatorProfileFactory(),
            kind="budget",
            currency="USD",
        )


def test_one_campaign_account_per_kind_and_currency_even_without_a_creator():
    campaign = CampaignFactory()
    account_for(campaign=campaign, kind=AccountKind.BUDGET)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(
            organization=campaign.organization, campaign=campaign, kind="budget", currency="USD"
        )
