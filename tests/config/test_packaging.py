"""pyproject.toml packages every app of the project that INSTALLED_APPS names."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from django.apps import apps
from django.conf import settings


def test_every_project_app_is_packaged():
    base = Path(settings.BASE_DIR).resolve()
    pyproject = tomllib.loads((base / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    # The project's own apps are folders at its root (not what the virtualenv holds).
    project_apps = [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base / config.name.partition(".")[0])
    ]
    assert "inbox" in project_apps  # the walk found the project's own apps
    missing = [name for name in project_apps if not any(fnmatch(name, p) for p in include)]
    assert missing == []
