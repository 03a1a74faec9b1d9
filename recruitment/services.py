"""Every operation that changes recruitment state: invitations, applications, decisions,
participations, deadline reminders. Each top-level service owns one durable transaction.

Accepting a creator (an application accepted by the brand, or an invitation accepted by the
creator) goes through one path, ``_participation_create``: it locks the campaign row, checks
that the maximum number of creators still holds, reserves the creator's fees from the budget
and writes the participation with its unique tracking and promo codes, then posts the creator's
fees to the ledger (``ledger.services.commitment_reserve``: budget → committed, which refuses
to overspend and keeps ``Campaign.committed_cents`` in step) — all or nothing. Cancelling
releases what is still committed (``commitment_release``).
"""

import datetime
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import Campaign, Deliverable
from campaigns.rules import campaign_deadline_passed
from core.errors import ChorusError, NotFound
from core.ids import new_public_id
from core.money import format_money
from core.ownership import require_owns
from creators.eligibility import check_eligibility
from creators.models import CreatorProfile, SocialAccount
from ledger.services import commitment_release, commitment_reserve
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.roles import Scope
from recruitment.models import (
    MESSAGE_MAX_CHARS,
    PITCH_MAX_CHARS,
    Application,
    CampaignInvitation,
    Participation,
    ParticipationSlot,
)
from recruitment.notifications import Kind, notify, recruiters_for_campaign

DECISIONS: dict[str, str] = {
    "accept": Application.Status.ACCEPTED,
    "decline": Application.Status.DECLINED,
    "waitlist": Application.Status.WAITLISTED,
}
MAX_BULK_DECISIONS = 500
REMINDER_DAYS_BEFORE_DEADLINE = 2
# Rows that hold one of a campaign's creator slots.
FILLED_STATUSES = (Participation.Status.ACTIVE, Participation.Status.COMPLETED)

_TRACKING_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # URL-safe, no look-alikes
_TRACKING_LENGTH = 10
_PROMO_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # easy to read out loud, no 0/O/1/I
_CODE_ATTEMPTS = 8


class BulkFailure(NamedTuple):
    id: str
    reason: str  # what to tell the person
    code: str  # the stable machine-readable code


@dataclass
class BulkDecisionResult:
    succeeded: list[Application] = field(default_factory=list)
    failed: list[BulkFailure] = field(default_factory=list)


# -- helpers ----------------------------------------------------------------------------------


def _filled_slots(campaign: Campaign) -> int:
    return Participation.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign, status__in=FILLED_STATUSES
    ).count()


def _not_eligible(reasons: list[str], who: str = "You") -> ChorusError:
    detail = " ".join(reasons) or "The account does not meet the campaign's requirements."
    prefix = "You do not" if who == "You" else f"{who} does not"
    return ChorusError(
        "not_eligible",
        f"{prefix} qualify for this campaign: {detail}",
        fields={"eligibility": reasons},
    )


def _not_recruiting(campaign: Campaign) -> ChorusError:
    if campaign.status == Campaign.Status.RECRUITING and campaign_deadline_passed(campaign):
        return ChorusError(
            "deadline_passed",
            f"Applications for {campaign.name} closed on "
            f"{campaign.application_deadline:%B %-d, %Y}.",
            status_code=409,
        )
    return ChorusError(
        "campaign_not_recruiting",
        f"{campaign.name} is not recruiting creators (it is {campaign.get_status_display().lower()}).",
        status_code=409,
    )


def _require_recruiting(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.RECRUITING or campaign_deadline_passed(campaign):
        raise _not_recruiting(campaign)


def _creator_can_see(creator: CreatorProfile, campaign: Campaign) -> bool:
    """Open campaigns past draft are visible to every creator; invite-only ones to the invited."""
    if campaign.status == Campaign.Status.DRAFT:
        return False
    if campaign.visibility == Campaign.Visibility.OPEN:
        return True
    return (
        CampaignInvitation.objects.filter(campaign=campaign, creator=creator)
        .exclude(status=CampaignInvitation.Status.WITHDRAWN)
        .exists()
        or Participation.objects.filter(campaign=campaign, creator=creator).exists()
    )


def new_tracking_code() -> str:
    return "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(_TRACKING_LENGTH))


def _letters(text: str, limit: int) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text or "").upper()[:limit]


def new_promo_code(*, brand_name: str, creator_name: str) -> str:
    """'Glow Skincare', 'ava.bloom' → 'GLOW-AVA7K2': the brand, the creator, three random."""
    first_word = (brand_name or "").split()[0] if (brand_name or "").split() else ""
    brand_part = _letters(first_word, 8) or "CHORUS"
    creator_part = _letters(creator_name, 3)
    while len(creator_part) < 3:
        creator_part += secrets.choice(_PROMO_ALPHABET)
    return f"{brand_part}-{creator_part}" + "".join(
        secrets.choice(_PROMO_ALPHABET) for _ in range(3)
    )


def _agreed_fees(deliverables: list[Deliverable]) -> list[dict[str, object]]:
    return [
        {
            "platform": d.platform,
            "format": d.format,
            "quantity": d.quantity,
            "fee_cents": d.fee_cents,
        }
        for d in deliverables
    ]


def _slots_create(
    *, participation: Participation, campaign: Campaign, deliverables: list[Deliverable]
) -> list[ParticipationSlot]:
    """One slot per promised post (``quantity`` per deliverable), with the agreed fee and the
    campaign's due dates. Runs inside the acceptance's transaction."""
    return ParticipationSlot.objects.bulk_create(
        [
            ParticipationSlot(
                public_id=new_public_id(ParticipationSlot.public_id_prefix),
                organization_id=participation.organization_id,
                participation=participation,
                campaign_id=campaign.pk,
                creator_id=participation.creator_id,
                deliverable=d,
                slot_number=number,
                platform=d.platform,
                format=d.format,
                fee_cents=d.fee_cents,
                currency=participation.currency,
                draft_due=campaign.draft_due,
                post_due=campaign.posting_ends,
            )
            for d in deliverables
            for number in range(1, d.quantity + 1)
        ]
    )


def _participation_create(
    *,
    campaign: Campaign,
    creator: CreatorProfile,
    social_account: SocialAccount,
    application: Application | None = None,
    invitation: CampaignInvitation | None = None,
) -> Participation:
    """Accept ``creator`` into ``campaign``. Must run inside the caller's transaction."""
    # Lock the campaign row first: every acceptance of this campaign queues up here, so the
    # count of filled slots below cannot change until this transaction ends.
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in (Campaign.Status.RECRUITING, Campaign.Status.ACTIVE):
        raise _not_recruiting(locked)
    if Participation.objects.filter(
        organization_id=locked.organization_id, campaign=locked, creator=creator
    ).exists():
        raise ChorusError(
            "already_participating",
            f"{creator.display_name} is already taking part in {locked.name}.",
            status_code=409,
        )
    filled = _filled_slots(locked)
    if filled >= locked.max_creators:
        raise ChorusError(
            "campaign_full",
            f"{locked.name} already has its maximum of {locked.max_creators} creators. "
            "Raise the maximum or cancel a participation first.",
            status_code=409,
        )
    # Read fresh (not from a prefetch): this is the promise being made.
    deliverables = list(Deliverable.objects.filter(campaign=locked).order_by("position", "id"))
    fees = _agreed_fees(deliverables)
    total = sum(int(f["quantity"]) * int(f["fee_cents"]) for f in fees)  # type: ignore[call-overload]
    if total <= 0:
        raise ChorusError(
            "no_deliverables",
            f"{locked.name} has no deliverables with fees yet, so there is nothing to agree on.",
            status_code=409,
        )
    brand_name = campaign.brand.name
    for _ in range(_CODE_ATTEMPTS):
        tracking, promo = (
            new_tracking_code(),
            new_promo_code(brand_name=brand_name, creator_name=creator.display_name),
        )
        if Participation.objects.filter(tracking_code=tracking).exists() or (
            Participation.objects.filter(promo_code=promo).exists()
        ):
            continue
        try:
            with transaction.atomic():  # a savepoint: a rare code clash retries, not aborts
                participation = Participation.objects.create(
                    organization_id=locked.organization_id,
                    campaign=locked,
                    creator=creator,
                    social_account=social_account,
                    application=application,
                    invitation=invitation,
                    agreed_fees=fees,
                    agreed_total_cents=total,
                    currency=locked.currency,
                    tracking_code=tracking,
                    promo_code=promo,
                )
        except IntegrityError:
            continue
        # The ledger is the single record of the promise (issue 10); the campaign row is
        # locked above, so the budget check and the cached committed figure cannot race.
        commitment_reserve(
            campaign=locked,
            creator=creator,
            participation_id=participation.pk,
            amount_cents=total,
            data={"participation": participation.public_id},
        )
        _slots_create(participation=participation, campaign=locked, deliverables=deliverables)
        return participation
    raise ChorusError("code_exhausted", "Could not make unique codes; please try again.")


def _accepted_context(participation: Participation, campaign: Campaign) -> dict[str, Any]:
    return {
        "decision": "accepted",
        "tracking_url": participation.tracking_url,
        "promo_code": participation.promo_code,
        "pay_by_days": campaign.pay_by_days,
    }


# -- invitations (brand side) -------------------------------------------------------------------


def invitation_send(
    *, access: OrgAccess, campaign: Campaign, creator: CreatorProfile, message: str = ""
) -> CampaignInvitation:
    """Invite one creator to a recruiting campaign, in a transaction of its own."""
    with transaction.atomic(durable=True):
        return invitation_send_in_transaction(
            access=access, campaign=campaign, creator=creator, message=message
        )


def invitation_send_in_transaction(
    *, access: OrgAccess, campaign: Campaign, creator: CreatorProfile, message: str = ""
) -> CampaignInvitation:
    """``invitation_send`` inside the caller's transaction (which it requires): discovery's
    invite batches commit many invitations together with their rows' outcomes, so a crash leaves
    either both or neither. Every rule is here, once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invitation_send_in_transaction needs the caller's transaction")
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, campaign, what="campaign")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_CHARS:
        raise ChorusError(
            "invalid",
            f"Keep the message under {MESSAGE_MAX_CHARS:,} characters (it has {len(message):,}).",
            fields={"message": [f"At most {MESSAGE_MAX_CHARS:,} characters."]},
        )
    _require_recruiting(campaign)
    org = access.organization
    if Participation.objects.filter(organization=org, campaign=campaign, creator=creator).exists():
        raise ChorusError(
            "already_participating",
            f"{creator.display_name} is already taking part in {campaign.name}.",
            status_code=409,
        )
    existing = (
        CampaignInvitation.objects.select_for_update()
        .filter(organization=org, campaign=campaign, creator=creator)
        .first()
    )
    if existing is not None and existing.status in (
        CampaignInvitation.Status.PENDING,
        CampaignInvitation.Status.ACCEPTED,
        CampaignInvitation.Status.DECLINED,
    ):
        how = {"pending": "has a pending invitation", "declined": "declined an invitation"}
        raise ChorusError(
            "already_invited",
            f"{creator.display_name} {how.get(existing.status, 'was already invited')} "
            f"to {campaign.name}.",
            status_code=409,
        )
    if Application.objects.filter(
        organization=org,
        campaign=campaign,
        creator=creator,
        status__in=(Application.Status.PENDING, Application.Status.WAITLISTED),
    ).exists():
        raise ChorusError(
            "already_applied",
            f"{creator.display_name} has already applied to {campaign.name}: "
            "accept their application instead.",
            status_code=409,
        )
    if _filled_slots(campaign) >= campaign.max_creators:
        raise ChorusError(
            "campaign_full",
            f"{campaign.name} already has its maximum of {campaign.max_creators} creators.",
            status_code=409,
        )
    eligibility = check_eligibility(creator=creator, campaign=campaign)
    if not eligibility.eligible:
        raise _not_eligible(eligibility.reasons, who=creator.display_name)

    if existing is not None:  # withdrawn or expired before: invite again
        existing.status = CampaignInvitation.Status.PENDING
        existing.message = message
        existing.invited_by = access.user
        existing.responded_at = None
        existing.reminded_at = None
        existing.save(
            update_fields=[
                "status",
                "message",
                "invited_by",
                "responded_at",
                "reminded_at",
                "updated_at",
            ]
        )
        invitation = existing
    else:
        try:
            with transaction.atomic():
                invitation = CampaignInvitation.objects.create(
                    organization=org,
                    campaign=campaign,
                    creator=creator,
                    invited_by=access.user,
                    message=message,
                )
        except IntegrityError as exc:  # a concurrent invitation of the same creator
            raise ChorusError(
                "already_invited",
                f"{creator.display_name} was already invited to {campaign.name}.",
                status_code=409,
            ) from exc
    audit_record(
        organization=org,
        access=access,
        action="campaign_invitation.sent",
        target=invitation,
        data={"campaign": campaign.public_id, "creator": creator.public_id},
    )
    notify(
        Kind.INVITATION_RECEIVED,
        recipients=[creator.user],
        campaign=campaign,
        fee=format_money(campaign.per_creator_fee_cents, campaign.currency),
        deadline=(
            f"{campaign.application_deadline:%B %-d}" if campaign.application_deadline else ""
        ),
        message=message,
    )
    return invitation


def invitation_withdraw(*, access: OrgAccess, invitation: CampaignInvitation) -> CampaignInvitation:
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, invitation, what="invitation")
    with transaction.atomic(durable=True):
        invitation = CampaignInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != CampaignInvitation.Status.PENDING:
            raise ChorusError(
                "invitation_not_pending",
                f"This invitation is already {invitation.get_status_display().lower()}.",
                status_code=409,
            )
        invitation.status = CampaignInvitation.Status.WITHDRAWN
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at", "updated_at"])
        audit_record(
            organization=access.organization,
            access=access,
            action="campaign_invitation.withdrawn",
            target=invitation,
        )
        notify(
            Kind.INVITATION_WITHDRAWN,
            recipients=[invitation.creator.user],
            campaign=invitation.campaign,
        )
    return invitation


# -- invitations (creator side) -----------------------------------------------------------------


def invitation_respond(
    *,
    creator: CreatorProfile,
    invitation: CampaignInvitation,
    accept: bool,
    social_account: SocialAccount | None = None,
) -> CampaignInvitation:
    """Accept (joins the campaign: the same path as an accepted application) or decline."""
    require_owns(creator, invitation, what="invitation")
    if social_account is not None:
        require_owns(creator, social_account, what="account")
    with transaction.atomic(durable=True):
        invitation = (
            CampaignInvitation.objects.select_for_update(of=("self",))
            .select_related("campaign", "campaign__brand", "campaign__organization")
            .get(pk=invitation.pk)
        )
        if invitation.status != CampaignInvitation.Status.PENDING:
            raise ChorusError(
                "invitation_not_pending",
                f"This invitation is {invitation.get_status_display().lower()}.",
                status_code=409,
            )
        campaign = invitation.campaign
        now = timezone.now()
        participation = None
        if accept:
            _require_recruiting(campaign)
            accounts = [social_account] if social_account is not None else None
            eligibility = check_eligibility(creator=creator, campaign=campaign, accounts=accounts)
            if not eligibility.eligible or eligibility.account is None:
                raise _not_eligible(eligibility.reasons)
            application = (
                Application.objects.select_for_update()
                .filter(
                    organization_id=campaign.organization_id,
                    campaign=campaign,
                    creator=creator,
                    status__in=(Application.Status.PENDING, Application.Status.WAITLISTED),
                )
                .first()
            )
            participation = _participation_create(
                campaign=campaign,
                creator=creator,
                social_account=eligibility.account,
                application=application,
                invitation=invitation,
            )
            if application is not None:
                application.status = Application.Status.ACCEPTED
                application.decided_at = now
                application.save(update_fields=["status", "decided_at", "updated_at"])
            invitation.status = CampaignInvitation.Status.ACCEPTED
        else:
            invitation.status = CampaignInvitation.Status.DECLINED
        invitation.responded_at = now
        invitation.save(update_fields=["status", "responded_at", "updated_at"])
        verb = "accepted" if accept else "declined"
        audit_record(
            organization=campaign.organization,
            actor=creator.user,
            action=f"campaign_invitation.{verb}",
            target=invitation,
            data={"participation": participation.public_id if participation else None},
        )
        inviter = invitation.invited_by
        if (
            inviter is not None
            and inviter.is_active
            and inviter in recruiters_for_campaign(campaign)
        ):
            # The inviter hears by e-mail too; without one (gone, or no longer allowed to
            # recruit) the campaign's recruiters hear in the app.
            notify(
                Kind.INVITATION_ANSWERED,
                recipients=[inviter],
                campaign=campaign,
                creator=creator.display_name,
                creator_id=creator.public_id,
                verb=verb,
            )
        else:
            notify(
                Kind.INVITATION_ANSWERED,
                recipients=recruiters_for_campaign(campaign),
                campaign=campaign,
                email=False,
                creator=creator.display_name,
                creator_id=creator.public_id,
                verb=verb,
            )
        if participation is not None:
            notify(
                Kind.APPLICATION_DECIDED,
                recipients=[creator.user],
                campaign=campaign,
                **_accepted_context(participation, campaign),
            )
    return invitation


# -- applications (creator side) ----------------------------------------------------------------


def application_submit(
    *, creator: CreatorProfile, campaign: Campaign, social_account: SocialAccount, pitch: str
) -> Application:
    """Apply to an open campaign with one of the creator's accounts and a short pitch."""
    if not _creator_can_see(creator, campaign):
        raise NotFound("No such campaign.")
    require_owns(creator, social_account, what="account")
    pitch = (pitch or "").strip()
    if not pitch:
        raise ChorusError(
            "invalid",
            "Write a short pitch: tell the brand why you fit this campaign.",
            fields={"pitch": ["Write a few sentences about why you fit this campaign."]},
        )
    if len(pitch) > PITCH_MAX_CHARS:
        raise ChorusError(
            "invalid",
            f"Keep your pitch to {PITCH_MAX_CHARS:,} characters (it has {len(pitch):,}).",
            fields={"pitch": [f"At most {PITCH_MAX_CHARS:,} characters; it has {len(pitch):,}."]},
        )
    _require_recruiting(campaign)
    org_id = campaign.organization_id
    with transaction.atomic(durable=True):
        existing = (
            Application.objects.select_for_update()
            .filter(organization_id=org_id, campaign=campaign, creator=creator)
            .first()
        )
        if existing is not None and existing.status != Application.Status.WITHDRAWN:
            raise ChorusError(
                "duplicate_application",
                f"You already applied to {campaign.name} "
                f"(your application is {existing.get_status_display().lower()}).",
                status_code=409,
            )
        if Participation.objects.filter(
            organization_id=org_id, campaign=campaign, creator=creator
        ).exists():
            raise ChorusError(
                "already_participating",
                f"You are already taking part in {campaign.name}.",
                status_code=409,
            )
        if CampaignInvitation.objects.filter(
            organization_id=org_id,
            campaign=campaign,
            creator=creator,
            status=CampaignInvitation.Status.PENDING,
        ).exists():
            raise ChorusError(
                "already_invited",
                f"{campaign.brand.name} already invited you: accept the invitation in My work.",
                status_code=409,
            )
        eligibility = check_eligibility(
            creator=creator, campaign=campaign, accounts=[social_account]
        )
        if not eligibility.eligible:
            raise _not_eligible(eligibility.reasons)
        if existing is not None:  # withdrawn earlier: apply again
            existing.status = Application.Status.PENDING
            existing.social_account = social_account
            existing.pitch = pitch
            existing.decided_by = None
            existing.decided_at = None
            existing.save(
                update_fields=[
                    "status",
                    "social_account",
                    "pitch",
                    "decided_by",
                    "decided_at",
                    "updated_at",
                ]
            )
            application = existing
        else:
            try:
                with transaction.atomic():
                    application = Application.objects.create(
                        organization_id=org_id,
                        campaign=campaign,
                        creator=creator,
                        social_account=social_account,
                        pitch=pitch,
                    )
            except IntegrityError as exc:  # the same creator, twice at once
                raise ChorusError(
                    "duplicate_application",
                    f"You already applied to {campaign.name}.",
                    status_code=409,
                ) from exc
        audit_record(
            organization=campaign.organization,
            actor=creator.user,
            action="application.submitted",
            target=application,
            data={"campaign": campaign.public_id},
        )
        notify(
            Kind.APPLICATION_RECEIVED,
            recipients=recruiters_for_campaign(campaign),
            campaign=campaign,
            email=False,
            creator=creator.display_name,
            creator_id=creator.public_id,
            pitch=pitch[:200],
        )
    return application


def application_withdraw(*, creator: CreatorProfile, application: Application) -> Application:
    require_owns(creator, application, what="application")
    with transaction.atomic(durable=True):
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in (Application.Status.PENDING, Application.Status.WAITLISTED):
            raise ChorusError(
                "cannot_withdraw",
                f"Your application is {application.get_status_display().lower()}: "
                "only a pending or wait-listed application can be withdrawn.",
                status_code=409,
            )
        application.status = Application.Status.WITHDRAWN
        application.save(update_fields=["status", "updated_at"])
        audit_record(
            organization=application.campaign.organization,
            actor=creator.user,
            action="application.withdrawn",
            target=application,
        )
    return application


# -- decisions (brand side) ---------------------------------------------------------------------


def _check_decision(decision: str) -> str:
    if decision not in DECISIONS:
        raise ChorusError(
            "invalid",
            f"Unknown decision {decision!r}: choose accept, decline or waitlist.",
            fields={"decision": ["Choose accept, decline or waitlist."]},
        )
    return DECISIONS[decision]


DECLINE_REASON_MAX_CHARS = 500


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > DECLINE_REASON_MAX_CHARS:
        raise ChorusError(
            "invalid",
            f"Keep the reason under {DECLINE_REASON_MAX_CHARS} characters (it has {len(reason)}).",
            fields={"reason": [f"At most {DECLINE_REASON_MAX_CHARS} characters."]},
        )
    return reason


def _decide(
    *, access: OrgAccess, application_pk: int, target: str, reason: str = ""
) -> Application:
    """Decide one application; runs inside the caller's transaction. ``reason`` (declines)
    goes to the creator in the notice."""
    application = Application.objects.select_for_update().get(pk=application_pk)
    status = application.status
    if status == Application.Status.WITHDRAWN:
        raise ChorusError(
            "application_withdrawn", "The creator withdrew this application.", status_code=409
        )
    if status == Application.Status.ACCEPTED:
        raise ChorusError(
            "already_accepted",
            "This application is already accepted; cancel the participation to undo it.",
            status_code=409,
        )
    if status == target:
        raise ChorusError(
            "already_decided",
            f"This application is already {application.get_status_display().lower()}.",
            status_code=409,
        )
    campaign = Campaign.objects.select_related("brand", "organization").get(
        pk=application.campaign_id
    )
    creator = CreatorProfile.objects.select_related("user").get(pk=application.creator_id)
    now = timezone.now()
    participation = None
    if target == Application.Status.ACCEPTED:
        account = application.social_account
        if account is None or account.creator_id != creator.pk:
            raise ChorusError(
                "account_missing",
                "The creator removed the account they applied with; ask them to apply again.",
                status_code=409,
            )
        invitation = (
            CampaignInvitation.objects.select_for_update()
            .filter(
                organization_id=campaign.organization_id,
                campaign=campaign,
                creator=creator,
                status=CampaignInvitation.Status.PENDING,
            )
            .first()
        )
        participation = _participation_create(
            campaign=campaign,
            creator=creator,
            social_account=account,
            application=application,
            invitation=invitation,
        )
        if invitation is not None:
            invitation.status = CampaignInvitation.Status.ACCEPTED
            invitation.responded_at = now
            invitation.save(update_fields=["status", "responded_at", "updated_at"])
    application.status = target
    application.decided_by = access.user
    application.decided_at = now
    application.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        organization=access.organization,
        access=access,
        action=f"application.{target}",
        target=application,
        data={
            "participation": participation.public_id if participation else None,
            **({"reason": reason} if reason and target == Application.Status.DECLINED else {}),
        },
    )
    context = (
        _accepted_context(participation, campaign)
        if participation is not None
        else {"decision": str(target)}
    )
    if reason and target == Application.Status.DECLINED:
        context["reason"] = reason
    notify(Kind.APPLICATION_DECIDED, recipients=[creator.user], campaign=campaign, **context)
    return application


def application_decide(
    *, access: OrgAccess, application: Application, decision: str, reason: str = ""
) -> Application:
    """Accept, decline or wait-list one application. Accepting creates the participation.
    A decline may carry a ``reason`` that the creator reads."""
    access.require(Scope.RECRUITMENT_WRITE)
    target = _check_decision(decision)
    reason = _clean_reason(reason)
    require_owns(access, application, what="application")
    with transaction.atomic(durable=True):
        return _decide(access=access, application_pk=application.pk, target=target, reason=reason)


def applications_decide_bulk(
    *, access: OrgAccess, application_ids: list[str], decision: str, reason: str = ""
) -> BulkDecisionResult:
    """Decide many applications, each on its own: one failing (the campaign filled up, the
    budget ran out, someone else's id) leaves the others decided. Order is kept, so when places
    run out the first ids get them."""
    access.require(Scope.RECRUITMENT_WRITE)
    target = _check_decision(decision)
    reason = _clean_reason(reason)
    ids = list(dict.fromkeys(str(i).strip() for i in application_ids if str(i).strip()))
    if not ids:
        raise ChorusError(
            "invalid", "Choose at least one application.", fields={"ids": ["Choose at least one."]}
        )
    if len(ids) > MAX_BULK_DECISIONS:
        raise ChorusError(
            "invalid",
            f"Decide at most {MAX_BULK_DECISIONS} applications at once (you sent {len(ids)}).",
            fields={"ids": [f"At most {MAX_BULK_DECISIONS}."]},
        )
    qs = Application.objects.for_access(access).filter(public_id__in=ids)
    by_id = {row.public_id: row.pk for row in qs.only("pk", "public_id")}
    result = BulkDecisionResult()
    for public_id in ids:
        pk = by_id.get(public_id)
        if pk is None:
            result.failed.append(BulkFailure(public_id, "No such application.", "not_found"))
            continue
        try:
            with transaction.atomic(durable=True):
                result.succeeded.append(
                    _decide(access=access, application_pk=pk, target=target, reason=reason)
                )
        except ChorusError as exc:
            result.failed.append(BulkFailure(public_id, exc.message, exc.code))
    return result


# -- participations (brand side) ----------------------------------------------------------------


def participation_cancel(*, access: OrgAccess, participation: Participation) -> Participation:
    """Take a creator off a campaign: the slot and the agreed fees go back to the campaign."""
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, participation, what="participation")
    with transaction.atomic(durable=True):
        participation = Participation.objects.select_for_update().get(pk=participation.pk)
        if participation.status != Participation.Status.ACTIVE:
            raise ChorusError(
                "participation_not_active",
                f"This participation is already {participation.get_status_display().lower()}.",
                status_code=409,
            )
        # What is still committed goes back (fees of posts already approved stay earned).
        commitment_release(
            campaign=participation.campaign,
            creator=participation.creator_id,
            participation_id=participation.pk,
        )
        participation.status = Participation.Status.CANCELLED
        participation.cancelled_at = timezone.now()
        participation.save(update_fields=["status", "cancelled_at", "updated_at"])
        # Its promised posts are no longer owed (nothing is filled yet: submissions come later).
        ParticipationSlot.objects.filter(
            organization_id=participation.organization_id,
            participation=participation,
            status=ParticipationSlot.Status.OPEN,
        ).update(status=ParticipationSlot.Status.CANCELLED, updated_at=participation.cancelled_at)
        audit_record(
            organization=access.organization,
            access=access,
            action="participation.cancelled",
            target=participation,
        )
        notify(
            Kind.PARTICIPATION_CANCELLED,
            recipients=[participation.creator.user],
            campaign=participation.campaign,
        )
    return participation


# -- deadlines (periodic) -----------------------------------------------------------------------


def deadline_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind invited creators who have not answered that the deadline is in two days.

    Idempotent: ``reminded_at`` records each reminder; a second run (or a concurrent worker)
    skips what is done or being done.
    """
    today = today or timezone.localdate()
    deadline = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE)
    candidates = list(
        CampaignInvitation.objects.filter(
            status=CampaignInvitation.Status.PENDING,
            reminded_at__isnull=True,
            campaign__status=Campaign.Status.RECRUITING,
            campaign__application_deadline=deadline,
        ).values_list("pk", flat=True)
    )
    sent = 0
    for pk in candidates:
        with transaction.atomic(durable=True):
            invitation = (
                CampaignInvitation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "campaign", "campaign__brand", "campaign__organization", "creator__user"
                )
                .filter(pk=pk, status=CampaignInvitation.Status.PENDING, reminded_at__isnull=True)
                .first()
            )
            if invitation is None:
                continue
            invitation.reminded_at = timezone.now()
            invitation.save(update_fields=["reminded_at", "updated_at"])
            campaign = invitation.campaign
            notify(
                Kind.DEADLINE_REMINDER,
                recipients=[invitation.creator.user],
                campaign=campaign,
                deadline=f"{campaign.application_deadline:%B %-d}",
            )
            sent += 1
    return sent


def invitations_expire(*, today: datetime.date | None = None) -> int:
    """Pending invitations of campaigns whose application deadline has passed become expired."""
    today = today or timezone.localdate()
    return CampaignInvitation.objects.filter(
        status=CampaignInvitation.Status.PENDING, campaign__application_deadline__lt=today
    ).update(status=CampaignInvitation.Status.EXPIRED, updated_at=timezone.now())
