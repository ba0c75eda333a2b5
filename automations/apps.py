from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    """Rules that answer chip taps and keywords by themselves, and hand off to a person."""

    name = "automations"

    def ready(self) -> None:
        # Listens to the inbox's after-commit signals; inbox never imports this app.
        from inbox.api.app import api

        from . import receivers  # noqa: F401
        from .api import router

        api.add_router("", router)
