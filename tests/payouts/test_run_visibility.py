"""Payout runs are tenant rows: a brand-limited member sees only their brand's runs."""

import pytest

from payouts.models import PayoutRun
from tests.factories.organizations import BrandFactory
from tests.submissions.conftest import access_for

pytestmark = pytest.mark.django_db


def test_a_brand_limited_member_sees_only_their_brands_runs() -> None:
    mine = BrandFactory()
    other = BrandFactory(organization=mine.organization)
    org = mine.organization
    own = PayoutRun.objects.create(organization=org, brand=mine, trigger="manual")
    PayoutRun.objects.create(organization=org, brand=other, trigger="manual")
    whole = PayoutRun.objects.create(organization=org, trigger="manual")
    limited = access_for(org, "admin", brand=mine)
    assert list(PayoutRun.objects.for_access(limited)) == [own]
    everyone = access_for(org, "owner")
    assert PayoutRun.objects.for_access(everyone).count() == 3
    assert whole in PayoutRun.objects.for_access(everyone)
