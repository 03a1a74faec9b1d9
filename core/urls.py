from django.urls import path

from core import views

app_name = "files"

urlpatterns = [
    path("files/<slug:kind>/<str:file_id>", views.file_serve, name="serve"),
]
