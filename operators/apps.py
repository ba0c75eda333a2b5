from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    """The installation's own pages: first run, and the workspaces an operator hosts."""

    name = "operators"
    verbose_name = "Operators"
    default_auto_field = "django.db.models.BigAutoField"
