from django.apps import AppConfig


class ChannelsRcsConfig(AppConfig):
    name = "channels_rcs"
    label = "channels_rcs"

    def ready(self) -> None:
        from inbox.adapters import register

        from .adapter import RcsAdapter

        register(RcsAdapter())
