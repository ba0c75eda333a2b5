from django.urls import path, re_path

from . import api

VERSION = r"(?P<version>v\d{1,3}\.\d{1,2})"

urlpatterns = [
    path("control", api.control, name="sandbox-whatsapp-control"),
    path("handset/<str:phone>", api.handset, name="sandbox-whatsapp-handset"),
    path(
        "media-download/<str:media_id>", api.media_download, name="sandbox-whatsapp-media-download"
    ),
    re_path(rf"^{VERSION}/(?P<node>\d+)/messages$", api.messages, name="sandbox-whatsapp-messages"),
    re_path(
        rf"^{VERSION}/(?P<node>\d+)/message_templates$",
        api.message_templates,
        name="sandbox-whatsapp-templates",
    ),
    re_path(rf"^{VERSION}/(?P<node>\d+)$", api.node, name="sandbox-whatsapp-node"),
]
