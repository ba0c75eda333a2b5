"""REST API v1 (django-ninja), mounted at /api/v1/ by config/urls.py."""

from .app import api

__all__ = ["api"]
