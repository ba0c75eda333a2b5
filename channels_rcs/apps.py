from django.apps import AppConfig


class ChannelsRcsConfig(AppConfig):
    name = "channels_rcs"
    label = "channels_rcs"
