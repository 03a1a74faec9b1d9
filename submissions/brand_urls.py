from django.urls import URLPattern, URLResolver, path

from submissions import brand_views

_org = "o/<slug:org_slug>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{_org}review/<str:submission_id>/", brand_views.detail, name="detail"),
]
