from django.urls import URLPattern, URLResolver, path

from submissions import creator_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("creator/work/<str:slot_id>/", creator_views.slot_page, name="slot"),
]
