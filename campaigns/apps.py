from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Templates and campaigns: the API (and, later, the pages) over inbox's services."""

    name = "campaigns"

    def ready(self) -> None:
        # The router joins the one API v1 and its OpenAPI document from here, as the
        # contacts app's does: inbox never imports this app.
        from inbox.api.app import api

        from .api import router

        api.add_router("", router)
