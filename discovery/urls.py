from django.urls import URLPattern, URLResolver, path

from discovery import views

app_name = "discovery"

_org = "o/<slug:org_slug>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{_org}creators/", views.search, name="search"),
    path(f"{_org}creators/selection/", views.search_selection, name="search_selection"),
    path(f"{_org}creators/<str:creator_id>/", views.creator_profile, name="creator_profile"),
    path(f"{_org}shortlists/", views.shortlists, name="shortlists"),
    path(f"{_org}shortlists/<str:shortlist_id>/", views.shortlist_detail, name="shortlist"),
    path(
        f"{_org}shortlists/<str:shortlist_id>/rename/",
        views.shortlist_rename,
        name="shortlist_rename",
    ),
    path(
        f"{_org}shortlists/<str:shortlist_id>/delete/",
        views.shortlist_delete,
        name="shortlist_delete",
    ),
    path(
        f"{_org}shortlists/<str:shortlist_id>/remove/",
        views.shortlist_remove,
        name="shortlist_remove",
    ),
    path(
        f"{_org}shortlists/<str:shortlist_id>/invite/",
        views.shortlist_invite,
        name="shortlist_invite",
    ),
    path(f"{_org}campaigns/<str:campaign_id>/invite/", views.invite, name="invite"),
    path(
        f"{_org}campaigns/<str:campaign_id>/invite/template.csv",
        views.invite_template,
        name="invite_template",
    ),
    path(f"{_org}invite-batches/<str:batch_id>/", views.batch, name="batch"),
]
