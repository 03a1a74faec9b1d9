from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

api_v1: list[URLPattern | URLResolver] = [
    path("", include("organizations.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("campaigns.api_urls")),
    path("", include("recruitment.api_urls")),
    path("", include("discovery.api_urls")),
    path("", include("submissions.api_urls")),
    path("", include("analytics.api_urls")),
    path("", include("payouts.api_urls")),
    path("", include("analytics.conversion_api_urls")),
    path("", include("web.api_urls")),
    path("creator/", include("recruitment.creator_api_urls")),
    path("creator/", include("submissions.creator_api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-v1:schema"), name="redoc"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    # First: /r/<code> is the busiest page, and Django tries patterns in order (nothing else
    # starts with r/).
    path("", include("analytics.urls")),
    path("", include("web.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("organizations.urls")),
    path("", include("notifications.urls")),
    path("", include("campaigns.urls")),
    path("", include("creators.urls")),
    path("", include("recruitment.urls")),
    path("", include("discovery.urls")),
    path("", include("submissions.urls")),
    path("", include("payouts.urls")),
    path("", include("core.urls")),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("admin/", admin.site.urls),
]

# Uploaded files are never served from MEDIA_URL, in any environment: only through the
# authorizing view ``/files/<kind>/<id>`` (core.files).
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
handler403 = "web.errors.permission_denied"
handler400 = "web.errors.bad_request"
