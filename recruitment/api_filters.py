"""Filters shared by the brand API and the creator API (same fields, same meaning)."""

import django_filters

from recruitment.models import Application, CampaignInvitation, Participation


class CampaignStatusFilter(django_filters.FilterSet):
    """Filter a campaign-and-creator row by its campaign's public id and its status."""

    campaign = django_filters.CharFilter(
        field_name="campaign__public_id", help_text="Campaign id (cmp_…)."
    )


class ApplicationFilter(CampaignStatusFilter):
    status = django_filters.ChoiceFilter(choices=Application.Status.choices)

    class Meta:
        model = Application
        fields = ("campaign", "status")


class ParticipationFilter(CampaignStatusFilter):
    status = django_filters.ChoiceFilter(choices=Participation.Status.choices)

    class Meta:
        model = Participation
        fields = ("campaign", "status")


class CreatorInvitationFilter(CampaignStatusFilter):
    status = django_filters.ChoiceFilter(choices=CampaignInvitation.Status.choices)

    class Meta:
        model = CampaignInvitation
        fields = ("campaign", "status")


class CampaignInvitationFilter(CreatorInvitationFilter):
    """Brands may also filter their invitations by creator."""

    creator = django_filters.CharFilter(
        field_name="creator__public_id", help_text="Creator id (cre_…)."
    )

    class Meta:
        model = CampaignInvitation
        fields = ("campaign", "creator", "status")
