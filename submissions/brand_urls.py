from django.urls import URLPattern, URLResolver, path

from submissions import brand_views

_org = "o/<slug:org_slug>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{_org}review/", brand_views.queue, name="queue"),
    path(f"{_org}review/bulk-approve/", brand_views.bulk_approve, name="bulk_approve"),
    path(f"{_org}review/<str:submission_id>/", brand_views.detail, name="detail"),
    path(f"{_org}review/<str:submission_id>/decide/", brand_views.decide, name="decide"),
    path(f"{_org}library/", brand_views.library, name="library"),
]
