from django.apps import AppConfig


class OutboundWebhooksConfig(AppConfig):
    name = "outbound_webhooks"

    def ready(self) -> None:
        # Outbound webhooks listen to the domain's after-commit signals.
        from . import receivers  # noqa: F401
