from django.urls import path

from web import accounts, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup_choice, name="signup_choice"),
    path("accounts/signup/brand/", accounts.BrandSignupView.as_view(), name="signup_brand"),
    path("accounts/signup/creator/", accounts.CreatorSignupView.as_view(), name="signup_creator"),
]
