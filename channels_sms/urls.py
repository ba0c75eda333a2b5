from django.urls import include, path

from .views import SmsWebhookView

urlpatterns = [
    path("webhooks/sms/<str:token>/", SmsWebhookView.as_view(), name="sms-inbound"),
    path("webhooks/sms/<str:token>/status/", SmsWebhookView.as_view(), name="sms-status"),
    path("sandbox/twilio/", include("channels_sms.sandbox.urls")),
]
