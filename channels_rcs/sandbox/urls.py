from django.urls import include, path

from . import api

urlpatterns = [
    path("token", api.token, name="sandbox-rbm-token"),
    path(
        "v1/phones/<str:phone>/agentMessages",
        api.agent_messages,
        name="sandbox-rbm-agent-messages",
    ),
    path(
        "v1/phones/<str:phone>/agentMessages/<str:message_id>",
        api.agent_messages,
        name="sandbox-rbm-agent-message",
    ),
    path("v1/phones/<str:phone>/agentEvents", api.agent_events, name="sandbox-rbm-agent-events"),
    path("v1/phones/<str:phone>/capabilities", api.capabilities, name="sandbox-rbm-capabilities"),
    path("v1/users:batchGet", api.batch_get_users, name="sandbox-rbm-batch-get-users"),
    path("control", api.control, name="sandbox-rbm-control"),
    path("handset/<str:phone>", api.handset, name="sandbox-rbm-handset"),
    # The Business Communications API (brand registration): channels_rcs/sandbox/brands.py
    path("businesscommunications/", include("channels_rcs.sandbox.brand_urls")),
]
