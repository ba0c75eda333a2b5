from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Workspace administration"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members import signals  # noqa: F401 - connects the receivers
