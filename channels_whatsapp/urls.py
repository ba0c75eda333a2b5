from django.urls import include, path

from .views import WhatsAppWebhookView

urlpatterns = [
    path("webhooks/whatsapp/<str:token>/", WhatsAppWebhookView.as_view(), name="whatsapp-webhook"),
    path("sandbox/whatsapp/", include("channels_whatsapp.sandbox.urls")),
    path("", include("channels_whatsapp.template_urls")),
]
