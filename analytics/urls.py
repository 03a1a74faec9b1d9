from django.urls import re_path

from analytics import views

app_name = "analytics"

urlpatterns = [
    # With or without a trailing slash (links get pasted both ways).
    re_path(r"^r/(?P<code>[^/]+)/?$", views.tracking_redirect, name="tracking_redirect"),
]
