"""Recruitment factories, shared by the recruitment and discovery tests.

They write rows directly (no services, no budget check): use them to set the scene.
To go through the rules (eligibility, budget, max creators) call ``recruitment.services``.
A participation that is not cancelled gets its ledger commitment (budget → committed) as
acceptance posts it, but ``Campaign.committed_cents`` is left as the test sets it
(``commitment=False``: no ledger row either).

    CampaignInvitationFactory(campaign=campaign, creator=profile)       # pending
    ApplicationFactory(campaign=campaign)                                # new creator + account
    ApplicationFactory(campaign=campaign, creator=profile, social_account=account)
    ParticipationFactory(campaign=campaign, creator=profile)             # active, codes, slots
"""

import factory
from django.db import transaction

from ledger.models import AccountKind, TransactionKind
from ledger.services import account_for, ledger_post
from recruitment.models import Application, CampaignInvitation, Participation, ParticipationSlot
from recruitment.services import _slots_create
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory


class CampaignInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignInvitation

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SelfAttribute("campaign.organization")
    creator = factory.SubFactory(CreatorProfileFactory)
    message = "We love your videos: join our campaign?"
    status = CampaignInvitation.Status.PENDING


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SelfAttribute("campaign.organization")
    creator = factory.SubFactory(CreatorProfileFactory)
    social_account = factory.SubFactory(
        SocialAccountFactory, creator=factory.SelfAttribute("..creator")
    )
    pitch = "I post a skincare routine every morning; my audience asks for honest reviews."
    status = Application.Status.PENDING


def _fees(campaign: object) -> list[dict[str, object]]:
    return [
        {
            "platform": d.platform,
            "format": d.format,
            "quantity": d.quantity,
            "fee_cents": d.fee_cents,
        }
        for d in campaign.deliverables.all()  # type: ignore[attr-defined]
    ]


class ParticipationFactory(factory.django.DjangoModelFactory):
    """With one slot per promised post, as acceptance makes them (``slots=False``: none)."""

    class Meta:
        model = Participation
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SelfAttribute("campaign.organization")
    creator = factory.SubFactory(CreatorProfileFactory)
    social_account = factory.SubFactory(
        SocialAccountFactory, creator=factory.SelfAttribute("..creator")
    )
    agreed_fees = factory.LazyAttribute(lambda o: _fees(o.campaign))
    agreed_total_cents = factory.LazyAttribute(
        lambda o: sum(int(f["quantity"]) * int(f["fee_cents"]) for f in o.agreed_fees)  # type: ignore[call-overload]
    )
    currency = factory.SelfAttribute("campaign.currency")
    tracking_code = factory.Sequence(lambda n: f"t{n:07d}")
    promo_code = factory.Sequence(lambda n: f"TEST-{n:06d}")
    status = Participation.Status.ACTIVE

    @factory.post_generation
    def slots(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create or extracted is False:
            return
        participation: Participation = self  # type: ignore[assignment]
        campaign = participation.campaign
        slots = _slots_create(
            participation=participation,
            campaign=campaign,
            deliverables=list(campaign.deliverables.order_by("position", "id")),
        )
        if participation.status == Participation.Status.CANCELLED:
            for slot in slots:
                slot.status = ParticipationSlot.Status.CANCELLED
                slot.save(update_fields=["status"])

    @factory.post_generation
    def commitment(self, create: bool, extracted: object, **kwargs: object) -> None:
        participation: Participation = self  # type: ignore[assignment]
        if (
            not create
            or extracted is False
            or participation.status == Participation.Status.CANCELLED
            or participation.agreed_total_cents <= 0
        ):
            return
        campaign = participation.campaign
        total = participation.agreed_total_cents
        with transaction.atomic():
            ledger_post(
                organization=campaign.organization_id,
                campaign=campaign,
                kind=TransactionKind.COMMIT,
                key=f"commit:participation:{participation.pk}",
                lines=[
                    (account_for(campaign=campaign, kind=AccountKind.BUDGET), -total),
                    (
                        account_for(
                            campaign=campaign,
                            kind=AccountKind.COMMITTED,
                            creator=participation.creator_id,
                        ),
                        total,
                    ),
                ],
            )
