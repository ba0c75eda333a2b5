"""Dashboards for managers and admins: /w/<slug>/dashboards/."""

from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("w/<slug:slug>/dashboards/", views.dashboard, name="page"),
    path("w/<slug:slug>/dashboards/now/", views.now_tiles, name="now"),
]
