from django.urls import URLPattern, URLResolver, path

from submissions import creator_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("creator/work/<str:slot_id>/", creator_views.slot_page, name="slot"),
    path(
        "creator/work/<str:slot_id>/upload-request",
        creator_views.slot_upload_request,
        name="slot_upload_request",
    ),
    path("creator/work/<str:slot_id>/confirm", creator_views.slot_confirm, name="slot_confirm"),
    path("creator/work/<str:slot_id>/draft", creator_views.slot_draft, name="slot_draft"),
    path("creator/work/<str:slot_id>/post", creator_views.slot_post, name="slot_post"),
]
