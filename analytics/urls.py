from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("r/<str:code>", views.tracking_redirect, name="tracking_redirect"),
]
