"""Stored media for tests: a tiny PNG and a throwaway storage per test."""

from __future__ import annotations

from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def use_temporary_storage(settings, location: Path) -> Path:
    """Point default storage at `location` (a tmp_path) and give the site a public URL,
    so files the test stores vanish with it and signed provider links look real."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    settings.PUBLIC_BASE_URL = "https://inbox.example.com"
    return location
