from django.urls import path

from creators import views

app_name = "creators"

urlpatterns = [
    path("creator/", views.portal_home, name="home"),
]
