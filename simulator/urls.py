"""Mounted by config/urls.py at sandbox/phone/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.phone, name="simulator-phone"),
    path("thread/", views.thread, name="simulator-thread"),
    path("send/", views.send, name="simulator-send"),
    path("tap/", views.tap, name="simulator-tap"),
    path("whatsapp-reply/", views.whatsapp_reply, name="simulator-whatsapp-reply"),
    path("location/", views.location, name="simulator-location"),
    path("read/", views.read, name="simulator-read"),
    path("typing/", views.typing, name="simulator-typing"),
    path("subscription/", views.subscription, name="simulator-subscription"),
]
