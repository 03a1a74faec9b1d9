"""Every tenant table leads its indexes and unique constraints with ``organization_id``
(DESIGN: Tenancy, Growing past one machine): lookups stay tenant-scoped, and the tables can be
distributed or partitioned by organization without rewriting them. Checked from the models'
meta, then against the database the migrations built.

Single-column ``unique=True`` fields (public ids, webhook-routing ids such as a Checkout
session id, token hashes) are not covered: they identify a row before its tenant is known.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

OUR_APPS = {
    "core",
    "platforms",
    "users",
    "organizations",
    "notifications",
    "campaigns",
    "creators",
    "ledger",
    "recruitment",
    "discovery",
    "submissions",
    "analytics",
    "payouts",
    "web",
}

CREATOR_PORTAL = "a creator is a global user: their own rows across every organization"
SWEEP = "a periodic sweep finds due work across every organization"

# (model label, index or constraint name) -> why it cannot lead with the organization.
ALLOWED: dict[tuple[str, str], str] = {
    ("campaigns.Campaign", "campaign_marketplace"): (
        "the creator marketplace lists open campaigns of every organization"
    ),
    ("ledger.LedgerAccount", "ledger_account_creator"): CREATOR_PORTAL + " (earnings)",
    ("recruitment.CampaignInvitation", "cinvitation_creator"): CREATOR_PORTAL,
    ("recruitment.Application", "application_creator"): CREATOR_PORTAL,
    ("recruitment.Participation", "participation_creator"): CREATOR_PORTAL,
    ("recruitment.ParticipationSlot", "slot_creator"): CREATOR_PORTAL,
    ("discovery.ShortlistEntry", "shortlist_entry_creator"): (
        "the creator foreign key's cascading deletes look rows up by creator"
    ),
    ("submissions.Submission", "submission_creator"): CREATOR_PORTAL,
    ("submissions.Submission", "submission_auto_approve_due"): SWEEP,
    ("submissions.LivePost", "live_post_claimed_once"): (
        "a platform post is claimed once across all organizations, or it could be paid twice"
    ),
    ("submissions.LivePost", "live_post_checks_due"): SWEEP,
    ("submissions.UploadTicket", "upload_ticket_open"): CREATOR_PORTAL + " (uploads)",
    ("analytics.PostMetrics", "post_metrics_due"): SWEEP + " (metric pulls)",
    ("analytics.ShopifyDelivery", "shopify_delivery_due"): SWEEP
    + " (Shopify deliveries to resume)",
    ("payouts.Payout", "payout_state"): SWEEP + " (scheduled payout runs)",
    ("payouts.Payout", "payout_in_transit"): SWEEP + " (settling transfers in transit)",
    ("payouts.Payout", "payout_creator"): CREATOR_PORTAL + " (payouts)",
}


def _tenant_models() -> list[type[models.Model]]:
    """Our models whose rows belong to an organization (a non-null ``organization`` key)."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        field = next((f for f in model._meta.fields if f.name == "organization"), None)
        if field is not None and field.is_relation and not field.null:
            found.append(model)
    return found


def _declared(model: type[models.Model]) -> list[tuple[str, list[str]]]:
    """(name, leading-first column names) of the model's indexes and unique constraints."""

    def column(name: str) -> str:
        return str(model._meta.get_field(name.lstrip("-")).column)

    out = []
    for index in model._meta.indexes:
        out.append((index.name, [column(f) for f in index.fields] or ["<expression>"]))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            cols = [column(f) for f in constraint.fields] or ["<expression>"]
            out.append((constraint.name, cols))
    for i, together in enumerate(model._meta.unique_together):
        out.append((f"unique_together[{i}]", [column(f) for f in together]))
    return out


def _offenders() -> dict[tuple[str, str], list[str]]:
    return {
        (model._meta.label, name): cols
        for model in _tenant_models()
        for name, cols in _declared(model)
        if cols[0] != "organization_id"
    }


def test_every_tenant_index_and_unique_constraint_leads_with_the_organization() -> None:
    unjustified = {key: cols for key, cols in _offenders().items() if key not in ALLOWED}
    assert unjustified == {}, (
        "lead these with organization (or add them to ALLOWED with the reason they cannot)"
    )


def test_the_allow_list_names_only_indexes_that_exist_and_need_it() -> None:
    stale = set(ALLOWED) - set(_offenders())
    assert stale == set(), "remove these from ALLOWED: gone, or they lead with organization now"


@pytest.mark.django_db
def test_the_database_holds_each_declared_index_with_its_columns_in_order() -> None:
    # The migrations that swap indexes build them by hand (CONCURRENTLY): what they built in
    # PostgreSQL must be what the models declare.
    missing = {}
    with connection.cursor() as cur:
        for model in _tenant_models():
            found = connection.introspection.get_constraints(cur, model._meta.db_table)
            for name, cols in _declared(model):
                if "<expression>" in cols or name.startswith("unique_together"):
                    continue
                if name not in found or found[name]["columns"] != cols:
                    missing[(model._meta.label, name)] = (cols, found.get(name, {}).get("columns"))
    assert missing == {}
