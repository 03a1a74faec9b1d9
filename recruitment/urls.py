from django.urls import URLPattern, URLResolver, path

from recruitment import views

app_name = "recruitment"

_org = "o/<slug:org_slug>/"

urlpatterns: list[URLPattern | URLResolver] = [
    # brand side
    path(f"{_org}applications/", views.applications, name="applications"),
    path(
        f"{_org}applications/bulk-decide/",
        views.applications_bulk_decide,
        name="applications_bulk_decide",
    ),
    path(
        f"{_org}applications/<str:application_id>/decide/",
        views.application_decide,
        name="application_decide",
    ),
    path(
        f"{_org}campaigns/<str:campaign_id>/applications/",
        views.applications_for_campaign,
        name="applications_for_campaign",
    ),
    path(
        f"{_org}campaigns/<str:campaign_id>/participants/",
        views.participations_for_campaign,
        name="participations_for_campaign",
    ),
    path(
        f"{_org}participations/<str:participation_id>/cancel/",
        views.participation_cancel,
        name="participation_cancel",
    ),
    path(
        f"{_org}campaign-invitations/<str:campaign_invitation_id>/withdraw/",
        views.campaign_invitation_withdraw,
        name="campaign_invitation_withdraw",
    ),
    # creator portal
    path("creator/campaigns/", views.marketplace, name="marketplace"),
    path("creator/campaigns/<str:campaign_id>/", views.campaign_page, name="campaign"),
    path("creator/work/", views.my_work, name="my_work"),
    path(
        "creator/invitations/<str:campaign_invitation_id>/respond/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    path(
        "creator/applications/<str:application_id>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("creator/notifications/", views.notifications, name="notifications"),
]
