from django.urls import include, path

from .views import RcsWebhookView

urlpatterns = [
    path("webhooks/rcs/<str:token>/", RcsWebhookView.as_view(), name="rcs-webhook"),
    path("sandbox/rbm/", include("channels_rcs.sandbox.urls")),
]

urlpatterns.append(path("", include("channels_rcs.brand.urls")))
