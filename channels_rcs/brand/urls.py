from django.conf import settings
from django.urls import path

from . import views
from .models import ASSET_PREFIX
from .registration import views as registration_views

app_name = "rcs_brand"

_base = "w/<slug:slug>/settings/rcs/brands/"
urlpatterns = [
    path(_base, views.brand_list, name="list"),
    path(f"{_base}new/", views.brand_create, name="create"),
    path(f"{_base}preview/", views.brand_preview, name="preview"),
    path(f"{_base}<int:brand_id>/", views.brand_edit, name="edit"),
    path(f"{_base}<int:brand_id>/channels/", views.brand_channels, name="channels"),
    path(f"{_base}<int:brand_id>/verification/", views.brand_verification, name="verification"),
    # Registration with Google (Business Communications API): registration/views.py
    path(f"{_base}<int:brand_id>/google/", registration_views.register, name="google-register"),
    path(f"{_base}<int:brand_id>/google/verify/", registration_views.verify, name="google-verify"),
    path(f"{_base}<int:brand_id>/google/launch/", registration_views.launch, name="google-launch"),
    path(
        f"{_base}<int:brand_id>/google/refresh/", registration_views.refresh, name="google-refresh"
    ),
]

# Serve brand images at the URL their storage gives (`logo.url`), when media is local.
_media = settings.MEDIA_URL.strip("/")
if _media and "://" not in settings.MEDIA_URL:
    urlpatterns.append(
        path(f"{_media}/{ASSET_PREFIX}/<path:name>", views.brand_asset, name="asset")
    )
