"""Django's /admin/, for the operator's superusers only.

Everyday administration lives in the product's own pages (/w/<workspace>/settings/),
checked per workspace and role. /admin/ sees every workspace at once, so being staff is
not enough: only a superuser the operator created (`manage.py createsuperuser`) gets in.
The demo creates none.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser


class SuperuserAdminConfig(AdminConfig):
    default_site = "config.admin_site.SuperuserAdminSite"
