from django.urls import path

from creators import views

app_name = "creators"

urlpatterns = [
    path("creator/", views.portal_home, name="home"),
    path("creator/profile/", views.profile_edit, name="profile"),
    path("creator/profile/photo/", views.photo_upload, name="photo_upload"),
    path("creator/profile/photo/remove/", views.photo_remove, name="photo_remove"),
    path("creator/profile/portfolio/", views.portfolio_add, name="portfolio_add"),
    path(
        "creator/profile/portfolio/<str:portfolio_item_id>/remove/",
        views.portfolio_remove,
        name="portfolio_remove",
    ),
    path("creator/accounts/", views.accounts, name="accounts"),
    path("creator/accounts/<str:account_id>/verify/", views.account_verify, name="account_verify"),
    path(
        "creator/accounts/<str:account_id>/refresh/",
        views.account_refresh,
        name="account_refresh",
    ),
    path("creator/accounts/<str:account_id>/remove/", views.account_remove, name="account_remove"),
]
