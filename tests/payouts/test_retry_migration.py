"""payouts 0008 moves PayoutRetry's one-row-per-group constraint to lead with organization_id on
a populated table: the rows stay, the new constraint holds them, the old one is gone."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from payouts.models import PayoutRetry
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import BrandFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("payouts", "0007_view_bonus_schedule")]


def _constraints() -> dict[str, list[str]]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, PayoutRetry._meta.db_table)
    return {name: c["columns"] for name, c in found.items() if c["unique"] and not c["primary_key"]}


def test_existing_retry_rows_survive_the_move_to_an_organization_led_constraint():
    brand, other_brand = BrandFactory(), BrandFactory()
    creator = CreatorProfileFactory()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        Old = executor.loader.project_state(BEFORE).apps.get_model("payouts", "PayoutRetry")
        for b, currency in ((brand, "USD"), (brand, "EUR"), (other_brand, "USD")):
            Old.objects.create(
                public_id=f"prt_m{b.pk}{currency}", organization_id=b.organization_id,
                brand_id=b.pk, creator_id=creator.pk, currency=currency, attempts=2,
            )  # fmt: skip
        assert _constraints()["payout_retry_group_unique"] == ["brand_id", "creator_id", "currency"]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)

    unique = _constraints()
    assert "payout_retry_group_unique" not in unique
    assert unique["payout_retry_org_group_unique"] == [
        "organization_id", "brand_id", "creator_id", "currency",
    ]  # fmt: skip
    rows = PayoutRetry.objects.order_by("id").values_list("brand_id", "currency", "attempts")
    assert list(rows) == [(brand.pk, "USD", 2), (brand.pk, "EUR", 2), (other_brand.pk, "USD", 2)]
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutRetry.objects.create(
            organization_id=brand.organization_id, brand=brand, creator=creator, currency="USD"
        )
