"""The demo app: `manage.py seed_demo` and what it writes. No models of its own."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Demo data"
