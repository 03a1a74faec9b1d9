from django.urls import URLPattern, URLResolver, path

from notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<slug:org_slug>/notifications/", views.org_notifications, name="org_list"),
    # anyone signed in, on their own notifications
    path("notifications/<str:notification_id>/", views.notification_open, name="open"),
    path("notifications/<str:notification_id>/read/", views.notification_read, name="read"),
]
