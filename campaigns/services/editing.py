"""Create, edit and duplicate a campaign with its deliverables; all or nothing."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction

from campaigns import rules
from campaigns.changes import TERMS_FIELDS, campaign_terms_changed
from campaigns.models import Campaign, Deliverable
from campaigns.services.guards import _brand_of, _lock, _require_writer
from campaigns.services.validation import (
    _DELIVERABLE_FIELDS,
    DATE_FIELDS,
    EDITABLE_FIELDS,
    DeliverableInput,
    DeliverableSpec,
    _check_deadline_not_past,
    _check_landing_url,
    _check_publishable,
    _Errors,
    _is_int,
    _specs,
    _today,
    _unknown_fields,
    _validate_deliverables,
    _validate_fields,
)
from core.errors import ChorusError
from core.money import format_money
from core.ownership import require_owns
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.models import Brand


def _current_values(campaign: Campaign) -> dict[str, Any]:
    return {name: getattr(campaign, name) for name in EDITABLE_FIELDS}


ATTRIBUTION_FIELDS = ("attribution_window_days", "attribution_half_life_days", "attribution_model")


def _attribution_change(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changes = {n: [before[n], after[n]] for n in ATTRIBUTION_FIELDS if before[n] != after[n]}
    return {"attribution": changes} if changes else {}


def _default_values() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        model_field = Campaign._meta.get_field(name)
        has_default = isinstance(model_field, models.Field) and model_field.has_default()
        values[name] = model_field.get_default() if has_default else None  # type: ignore[union-attr]
    for text_field in ("objective", "brief", "dos", "donts", "product_name", "landing_url"):
        values[text_field] = ""
    return values


def _existing_specs(campaign: Campaign) -> list[DeliverableSpec]:
    return [
        DeliverableSpec(
            platform=d.platform,
            format=d.format,
            quantity=d.quantity,
            fee_cents=d.fee_cents,
            notes=d.notes,
            id=d.public_id,
        )
        for d in Deliverable.objects.filter(campaign=campaign).order_by("position", "id")
    ]


def _write_deliverables(campaign: Campaign, specs: Sequence[DeliverableSpec]) -> None:
    """Make the campaign's deliverables exactly ``specs`` (kept rows updated in place)."""
    existing = {d.public_id: d for d in Deliverable.objects.filter(campaign=campaign)}
    kept = {s.id for s in specs if s.id}
    Deliverable.objects.filter(campaign=campaign).exclude(public_id__in=kept).delete()
    for position, spec in enumerate(specs):
        row = existing.get(spec.id or "")
        if row is None:
            Deliverable.objects.create(
                organization_id=campaign.organization_id,
                campaign=campaign,
                platform=spec.platform,
                format=spec.format,
                quantity=spec.quantity,
                fee_cents=spec.fee_cents,
                notes=spec.notes,
                position=position,
            )
            continue
        changed = []
        for name, value in (
            *zip(_DELIVERABLE_FIELDS, spec.key(), strict=True),
            ("position", position),
        ):
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed.append(name)
        if changed:
            row.save(update_fields=changed)


def _campaign_create(
    *,
    organization_id: int,
    brand: Brand,
    deliverables: Sequence[DeliverableSpec],
    values: dict[str, Any],
) -> Campaign:
    """Validate and write; no transaction or audit of its own (demo data uses it directly)."""
    errors = _Errors()
    _validate_fields(values, errors)
    _check_deadline_not_past(values, errors)
    _validate_deliverables(
        deliverables,
        errors,
        budget_cents=values.get("budget_cents"),
        currency=values.get("currency") or "USD",
        known_ids=set(),
    )
    errors.raise_if_any()
    campaign = Campaign.objects.create(
        organization_id=organization_id, brand=brand, status=Campaign.Status.DRAFT, **values
    )
    _write_deliverables(campaign, deliverables)
    return campaign


def campaign_check_fields(
    *,
    values: dict[str, Any],
    deliverables: Sequence[DeliverableSpec] | None,
    check_deadline: bool = True,
) -> dict[str, list[str]]:
    """Every problem the database-free checks find, as ``{field: [messages]}``; writes nothing.

    For forms that show every error in one round: the form passes the fields it could parse
    (the rest take the defaults) and drops the messages for fields it already flagged.
    """
    checked = _default_values() | values
    errors = _Errors()
    _validate_fields(checked, errors)
    if check_deadline:
        _check_deadline_not_past(checked, errors)
    if deliverables is not None:
        _validate_deliverables(
            deliverables,
            errors,
            budget_cents=checked.get("budget_cents"),
            currency=checked.get("currency") or "USD",
            known_ids={d.id for d in deliverables if d.id},
        )
    fields: dict[str, list[str]] = {}
    for _, field_name, message in errors.items:
        fields.setdefault(field_name, []).append(message)
    return fields


def campaign_create(
    *,
    access: OrgAccess,
    brand: Brand,
    name: str,
    deliverables: Iterable[DeliverableInput] = (),
    **fields: Any,
) -> Campaign:
    """A new draft campaign of ``brand`` with its deliverables; all or nothing.

    ``fields`` are any of ``EDITABLE_FIELDS``; the rest take the model defaults.
    """
    _require_writer(access)
    _unknown_fields(fields)
    _brand_of(access, brand)
    specs = _specs(deliverables)
    values = _default_values() | fields | {"name": name}
    landing_errors = _Errors()
    _check_landing_url(values, brand, landing_errors)
    landing_errors.raise_if_any()
    with transaction.atomic(durable=True):
        campaign = _campaign_create(
            organization_id=access.organization.pk, brand=brand, deliverables=specs, values=values
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="campaign.create",
            target=campaign,
            data={"name": campaign.name, "brand": brand.public_id},
        )
    return campaign


def campaign_update(
    *,
    access: OrgAccess,
    campaign: Campaign,
    brand: Brand | None = None,
    deliverables: Iterable[DeliverableInput] | None = None,
    **fields: Any,
) -> Campaign:
    """Change any of ``EDITABLE_FIELDS`` (and the deliverables, given as the full new list).

    Rules: completed and archived campaigns are read-only; the brand changes only on a draft;
    the budget never drops below what is committed to creators; deliverables, fees and the
    currency are fixed once a creator is committed (or the campaign is active); a published
    campaign must stay publishable (deliverables, dates, a budget that covers one creator).
    """
    _require_writer(access)
    _unknown_fields(fields)
    require_owns(access, campaign, what="campaign")
    specs = _specs(deliverables) if deliverables is not None else None
    with transaction.atomic(durable=True):
        locked = _lock(campaign)
        if not rules.campaign_can(locked, "edit"):
            raise ChorusError(
                "campaign_locked",
                f"A {locked.get_status_display().lower()} campaign can no longer be edited; "
                "duplicate it to start a new one.",
                status_code=409,
            )
        before = _current_values(locked)
        values = before | fields
        errors = _Errors()
        if brand is not None and brand.pk != locked.brand_id:
            _brand_of(access, brand)
            if locked.status != Campaign.Status.DRAFT:
                errors.add(
                    "brand_locked", "brand", "The brand of a published campaign cannot change."
                )
        _validate_fields(values, errors)
        if values.get("landing_url") != before["landing_url"] or (
            brand is not None and brand.pk != locked.brand_id
        ):
            _check_landing_url(values, brand or locked.brand, errors)
        if values.get("application_deadline") != before["application_deadline"]:
            _check_deadline_not_past(values, errors)
        if _is_int(values.get("budget_cents")) and values["budget_cents"] < locked.committed_cents:
            errors.add(
                "budget_below_committed",
                "budget_cents",
                "The budget cannot drop below the "
                f"{format_money(locked.committed_cents, locked.currency)} "
                "already committed to creators.",
            )
        current_specs = _existing_specs(locked)
        new_specs = specs if specs is not None else current_specs
        if rules.deliverables_locked(locked):
            if specs is not None and [s.key() for s in specs] != [s.key() for s in current_specs]:
                errors.add(
                    "deliverables_locked",
                    "deliverables",
                    "Deliverables and fees are fixed once creators have joined; "
                    "duplicate the campaign to change them.",
                )
            if values.get("currency") != before["currency"]:
                errors.add(
                    "deliverables_locked",
                    "currency",
                    "The currency is fixed once creators have joined.",
                )
        _validate_deliverables(
            new_specs,
            errors,
            budget_cents=values.get("budget_cents"),
            currency=values.get("currency") or "USD",
            known_ids={s.id for s in current_specs if s.id},
        )
        if locked.status != Campaign.Status.DRAFT and not errors.items:
            # The whole budget must cover one creator; creators already in keep their share.
            _check_publishable(values, new_specs, errors, remaining=values["budget_cents"])
        errors.raise_if_any()

        changed = [name for name in EDITABLE_FIELDS if values[name] != before[name]]
        for name in changed:
            setattr(locked, name, values[name])
        if brand is not None and brand.pk != locked.brand_id:
            locked.brand = brand
            changed.append("brand")
        deliverables_changed = specs is not None and (
            [(s.id, *s.key()) for s in specs] != [(s.id, *s.key()) for s in current_specs]
        )
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        if TERMS_FIELDS.intersection(changed):
            campaign_terms_changed(campaign_ids=[locked.pk])
        if deliverables_changed and specs is not None:
            _write_deliverables(locked, specs)
        if changed or deliverables_changed:
            audit_record(
                organization=access.organization,
                access=access,
                action="campaign.update",
                target=locked,
                data={
                    "fields": changed,
                    "deliverables_changed": deliverables_changed,
                    # Old and new values: credits recorded before this change used the old ones.
                    **_attribution_change(before, values),
                },
            )
    return locked


def campaign_duplicate(*, access: OrgAccess, campaign: Campaign, name: str = "") -> Campaign:
    """A copy as a new draft: same brief, money, targeting and deliverables; nothing committed.

    Dates are copied while the deadline is still ahead; otherwise they are left empty to set anew.
    """
    _require_writer(access)
    require_owns(access, campaign, what="campaign")
    values = _current_values(campaign)
    values["name"] = (name or f"Copy of {campaign.name}")[:120]
    deadline = values.get("application_deadline")
    if deadline is not None and deadline < _today():
        for date_field in DATE_FIELDS:
            values[date_field] = None
    specs = [
        DeliverableSpec(s.platform, s.format, s.quantity, s.fee_cents, s.notes)
        for s in _existing_specs(campaign)
    ]
    brand = Brand.objects.get(pk=campaign.brand_id)
    with transaction.atomic(durable=True):
        copy = _campaign_create(
            organization_id=campaign.organization_id, brand=brand, deliverables=specs, values=values
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="campaign.duplicate",
            target=copy,
            data={"source": campaign.public_id},
        )
    return copy
