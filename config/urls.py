"""URL map. Each installed `channels_<name>` app contributes its own webhook/sandbox URLs."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from inbox.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # The JavaScript strings' translations (djangojs catalog), for static/*/*.js.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("monitoring.urls")),
    # First: its sign-in (refusing suspended workspaces) answers before Django's own.
    path("", include("operators.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", api.urls),
    path("sandbox/phone/", include("simulator.urls")),
    path("", include("members.urls")),
    path("", include("workspace_settings.urls")),
    path("", include("dashboards.urls")),
    path("", include("contacts.urls")),
    path("", include("campaigns.urls")),
    path("", include("automations.urls")),
    path("", include("inbox.urls")),
]

for app in settings.INSTALLED_APPS:
    if app.startswith("channels_") and find_spec(f"{app}.urls"):
        urlpatterns.append(path("", include(import_module(f"{app}.urls"))))
