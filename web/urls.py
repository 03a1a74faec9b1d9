from django.urls import path

from web import accounts, dashboard, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup_choice, name="signup_choice"),
    path("accounts/signup/brand/", accounts.BrandSignupView.as_view(), name="signup_brand"),
    path("accounts/signup/creator/", accounts.CreatorSignupView.as_view(), name="signup_creator"),
    path(
        "o/<slug:org_slug>/performance/",
        dashboard.organization_dashboard,
        name="organization_dashboard",
    ),
    path(
        "o/<slug:org_slug>/campaigns/<str:campaign_id>/performance/",
        dashboard.campaign_dashboard,
        name="campaign_dashboard",
    ),
    path(
        "o/<slug:org_slug>/campaigns/<str:campaign_id>/performance.csv",
        dashboard.campaign_dashboard_csv,
        name="campaign_dashboard_csv",
    ),
    path("creator/stats/", dashboard.creator_stats, name="creator_stats"),
]
