"""The real URL map plus the floor endpoint."""

from django.urls import path

from bench.floor.views import insert_one
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/floor/", insert_one, name="bench-floor"), *app_urlpatterns]
