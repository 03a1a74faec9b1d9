from django.urls import URLPattern, URLResolver, path

from campaigns import views

app_name = "campaigns"

_base = "o/<slug:org_slug>/campaigns/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(_base, views.campaign_list, name="list"),
    path(f"{_base}new/", views.campaign_create, name="create"),
    path(f"{_base}deliverable-row/", views.deliverable_row, name="deliverable_row"),
    path(f"{_base}<str:campaign_id>/", views.campaign_detail, name="detail"),
    path(f"{_base}<str:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path(f"{_base}<str:campaign_id>/publish/", views.campaign_publish, name="publish"),
    path(f"{_base}<str:campaign_id>/start/", views.campaign_start, name="start"),
    path(f"{_base}<str:campaign_id>/complete/", views.campaign_complete, name="complete"),
    path(f"{_base}<str:campaign_id>/archive/", views.campaign_archive, name="archive"),
    path(f"{_base}<str:campaign_id>/duplicate/", views.campaign_duplicate, name="duplicate"),
    path(f"{_base}<str:campaign_id>/assets/", views.campaign_asset_add, name="asset_add"),
    path(
        f"{_base}<str:campaign_id>/assets/<str:asset_id>/remove/",
        views.campaign_asset_remove,
        name="asset_remove",
    ),
]
