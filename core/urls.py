from django.urls import path

from core import views

app_name = "files"

urlpatterns = [
    # Before the serving pattern: "direct-upload" would otherwise read as a kind.
    path("files/direct-upload/", views.direct_upload, name="direct-upload"),
    path("files/<slug:kind>/<str:file_id>", views.file_serve, name="serve"),
]
