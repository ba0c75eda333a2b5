"""The websocket URL patterns: one socket per agent tab at /ws/inbox/."""

from django.urls import path

from inbox.consumers import InboxConsumer

websocket_urlpatterns = [path("ws/inbox/", InboxConsumer.as_asgi())]
