from django.apps import AppConfig


class WorkspaceSettingsConfig(AppConfig):
    name = "workspace_settings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Outbound webhooks listen to the domain's after-commit signals.
        from . import receivers  # noqa: F401
