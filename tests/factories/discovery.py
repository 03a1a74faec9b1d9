"""Discovery factories: shortlists, their entries, invitation batches and rows.

They write rows directly (no services). To go through the rules, call ``discovery.services``.

    ShortlistFactory(organization=tenant.org)                        # empty
    ShortlistEntryFactory(shortlist=shortlist, creator=profile)
    InviteBatchFactory(campaign=campaign)                            # queued, no rows
    InviteBatchRowFactory(batch=batch, platform="tiktok", handle="maya")
"""

import factory

from discovery.models import InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import OrganizationFactory


class ShortlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shortlist

    organization = factory.SubFactory(OrganizationFactory)
    brand = None
    name = factory.Sequence(lambda n: f"Shortlist {n}")


class ShortlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    shortlist = factory.SubFactory(ShortlistFactory)
    organization = factory.SelfAttribute("shortlist.organization")
    creator = factory.SubFactory(CreatorProfileFactory)
    note = ""


class InviteBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InviteBatch

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SelfAttribute("campaign.organization")
    source = InviteBatch.Source.HANDLES
    status = InviteBatch.Status.QUEUED


class InviteBatchRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InviteBatchRow

    batch = factory.SubFactory(InviteBatchFactory)
    organization = factory.SelfAttribute("batch.organization")
    line_number = factory.Sequence(lambda n: n + 1)
    raw_input = factory.LazyAttribute(lambda o: f"@{o.handle}" if o.handle else "")
    platform = "tiktok"
    handle = factory.Sequence(lambda n: f"someone{n}")
