from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("o/", views.organization_picker, name="picker"),
    path("o/<slug:org_slug>/", views.dashboard, name="dashboard"),
    path("o/<slug:org_slug>/members/", views.members, name="members"),
    path(
        "o/<slug:org_slug>/members/<str:member_id>/role/",
        views.member_change_role,
        name="member_role",
    ),
    path(
        "o/<slug:org_slug>/members/<str:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "o/<slug:org_slug>/invitations/<str:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:org_slug>/brands/", views.brands, name="brands"),
    path("o/<slug:org_slug>/brands/<str:brand_id>/", views.brand_edit, name="brand_edit"),
    path("o/<slug:org_slug>/settings/api-keys/", views.api_keys, name="api_keys"),
    path(
        "o/<slug:org_slug>/settings/api-keys/<str:key_id>/revoke/",
        views.api_key_revoke,
        name="api_key_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
