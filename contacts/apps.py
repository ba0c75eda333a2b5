from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """The contacts pages and the contacts/segments API, over inbox's contact book."""

    name = "contacts"

    def ready(self) -> None:
        # The routers join the one API v1 (and its OpenAPI document) from here: inbox
        # never imports this app, and DELETE must reach privacy's erasure, which inbox
        # cannot import either. Channels register their adapters the same way.
        from inbox.api.app import api

        from .api import router

        api.add_router("", router)
