"""Submission pages: the brand's review desk (brand_urls) and the creator's work (creator_urls)."""

from django.urls import URLPattern, URLResolver

from submissions.brand_urls import urlpatterns as brand_urlpatterns
from submissions.creator_urls import urlpatterns as creator_urlpatterns

app_name = "submissions"

urlpatterns: list[URLPattern | URLResolver] = [*brand_urlpatterns, *creator_urlpatterns]
