from django.apps import AppConfig


class ChannelsWhatsappConfig(AppConfig):
    name = "channels_whatsapp"
    label = "channels_whatsapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from inbox.adapters import register

        from .adapter import WhatsAppAdapter

        register(WhatsAppAdapter())
