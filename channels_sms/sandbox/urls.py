from django.urls import path

from . import api

urlpatterns = [
    path(
        "2010-04-01/Accounts/<str:account_sid>.json",
        api.fetch_account,
        name="sandbox-twilio-account",
    ),
    path(
        "2010-04-01/Accounts/<str:account_sid>/Messages.json",
        api.create_message,
        name="sandbox-twilio-messages",
    ),
    path(
        "2010-04-01/Accounts/<str:account_sid>/Messages/<str:message_sid>.json",
        api.fetch_message,
        name="sandbox-twilio-message",
    ),
    path("control", api.control, name="sandbox-twilio-control"),
]
