"""Shared by the test_brand* modules: generated images and a valid profile's input."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(size: tuple[int, int], fmt: str = "PNG", *, noise: bool = False, **save) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (26, 115, 232))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(size, fmt="PNG", name=None, **kw) -> SimpleUploadedFile:
    ext = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}[fmt]
    content_type = f"image/{'jpeg' if fmt == 'JPEG' else fmt.lower()}"
    return SimpleUploadedFile(name or f"img.{ext}", image_bytes(size, fmt, **kw), content_type)


def logo(**kw) -> SimpleUploadedFile:
    return upload((224, 224), "PNG", **kw)


def banner(**kw) -> SimpleUploadedFile:
    return upload((1440, 448), "JPEG", **kw)


def valid_data(**overrides) -> dict:
    data = {
        "display_name": "Acme Shoes",
        "description": "Order updates and support from Acme Shoes",
        "color": "#1A73E8",
        "phone_numbers": [{"label": "Support", "value": "+1 415 555 0123"}],
        "websites": [{"label": "Shop", "value": "https://acme.example/shop"}],
        "emails": [{"label": "Help", "value": "help@acme.example"}],
        "privacy_policy_url": "https://acme.example/privacy",
        "terms_url": "https://acme.example/terms",
    }
    data.update(overrides)
    return data


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded brand images go to a per-test directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"
