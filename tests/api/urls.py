"""API v1 alone, so these tests do not depend on other apps' URLs (see test_wiring.py)."""

from django.urls import path

from inbox.api import api

urlpatterns = [path("api/v1/", api.urls)]
