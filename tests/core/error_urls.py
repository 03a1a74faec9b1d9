"""The project's URLs plus API endpoints that fail the way real ones can (for test_api_errors)."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.urls import urlpatterns as project_urlpatterns


def plain_bug(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a plain Django view")


@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def drf_bug(request: Request) -> Response:
    raise KeyError("a bug in a DRF view")


@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def database_gone(request: Request) -> Response:
    raise OperationalError("terminating connection due to administrator command")


urlpatterns = [
    path("api/v1/test-errors/plain/", plain_bug),
    path("api/v1/test-errors/drf/", drf_bug),
    path("api/v1/test-errors/database/", database_gone),
    *project_urlpatterns,
]
