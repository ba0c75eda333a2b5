from django.apps import AppConfig


class ChannelsSmsConfig(AppConfig):
    name = "channels_sms"
    label = "channels_sms"

    def ready(self) -> None:
        from inbox.adapters import register

        from .adapter import SmsAdapter

        register(SmsAdapter())  # noqa
