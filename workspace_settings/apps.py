from django.apps import AppConfig


class WorkspaceSettingsConfig(AppConfig):
    name = "workspace_settings"
    default_auto_field = "django.db.models.BigAutoField"
