"""The product's URLs plus ``/bench/bare-redirect``: a view that only answers a redirect, the
benchmark's yardstick (same process, same middleware, same settings as ``/r/<code>``)."""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def bare_redirect(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("https://glow.example/serum?utm_source=chorus")


urlpatterns = [path("bench/bare-redirect", bare_redirect), *product_urlpatterns]
