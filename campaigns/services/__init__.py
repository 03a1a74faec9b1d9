"""Every change to a campaign: create, edit, deliverables, lifecycle, duplicate, budget, assets.

Brand-side services take ``access: OrgAccess`` and require the ``campaigns:write`` scope. Each
validates *all* of its input before writing anything and raises one ``ChorusError`` whose
``fields`` name every field to fix (deliverable rows as ``deliverables.<index>.<field>``,
0-based, in the order given), so nothing is ever half-written.

The two budget services (``campaign_budget_reserve`` / ``campaign_budget_release``) keep the
cached ``committed_cents`` figure; the ledger's commitment services call them (recruitment goes
through ``ledger.services.commitment_reserve`` / ``commitment_release``, which post the movement
too). They run inside the caller's transaction and lock the campaign row, so the money
committed to creators can never exceed the budget, whatever the concurrency.

One job per module: ``validation`` (fields, deliverables, limits), ``guards`` (scope, tenant and
brand limit), ``editing`` (create, update, duplicate), ``lifecycle`` (publish, start, complete,
archive), ``budget`` (reserve, release), ``assets`` (brief files). Import from this package.
"""

from campaigns.services.assets import (
    ASSET_KINDS,
    ASSET_TYPES,
    MAX_ASSET_BYTES,
    MAX_ASSETS_PER_CAMPAIGN,
    campaign_asset_add,
    campaign_asset_remove,
)
from campaigns.services.budget import campaign_budget_release, campaign_budget_reserve
from campaigns.services.editing import (
    campaign_check_fields,
    campaign_create,
    campaign_duplicate,
    campaign_update,
)
from campaigns.services.guards import WRITE_SCOPE
from campaigns.services.lifecycle import (
    campaign_archive,
    campaign_complete,
    campaign_publish,
    campaign_start,
)
from campaigns.services.validation import (
    DATE_FIELDS,
    DATE_LABELS,
    EDITABLE_FIELDS,
    MAX_BRIEF_CHARS,
    MAX_CREATORS,
    MAX_DELIVERABLES,
    MAX_FOLLOWERS,
    MAX_LIST_ITEMS,
    MAX_PAID_USAGE_MONTHS,
    MAX_PAY_BY_DAYS,
    MAX_QUANTITY,
    DeliverableInput,
    DeliverableSpec,
)
from core.money import MAX_AMOUNT_CENTS
from core.money import to_cents as money_to_cents

__all__ = [
    "ASSET_KINDS",
    "ASSET_TYPES",
    "DATE_FIELDS",
    "DATE_LABELS",
    "EDITABLE_FIELDS",
    "MAX_AMOUNT_CENTS",
    "MAX_ASSETS_PER_CAMPAIGN",
    "MAX_ASSET_BYTES",
    "MAX_BRIEF_CHARS",
    "MAX_CREATORS",
    "MAX_DELIVERABLES",
    "MAX_FOLLOWERS",
    "MAX_LIST_ITEMS",
    "MAX_PAID_USAGE_MONTHS",
    "MAX_PAY_BY_DAYS",
    "MAX_QUANTITY",
    "WRITE_SCOPE",
    "DeliverableInput",
    "DeliverableSpec",
    "campaign_archive",
    "campaign_asset_add",
    "campaign_asset_remove",
    "campaign_budget_release",
    "campaign_budget_reserve",
    "campaign_check_fields",
    "campaign_complete",
    "campaign_create",
    "campaign_duplicate",
    "campaign_publish",
    "campaign_start",
    "campaign_update",
    "money_to_cents",
]
