"""The WhatsApp channel's settings form: Cloud API ids, write-only token and secrets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.adapters.config_form import ChannelConfigForm, secret_field

from .client import DEFAULT_GRAPH_VERSION


class WhatsAppChannelForm(ChannelConfigForm):
    kind = "whatsapp"
    secret_fields = ("access_token", "app_secret", "verify_token")
    config_fields = ("phone_number_id", "waba_id", "graph_version")

    phone_number_id = forms.RegexField(
        label=_("Phone number ID"),
        regex=r"^\d{1,32}$",
        max_length=32,
        help_text=_("WhatsApp Manager > API setup: the number's id (digits), not the number."),
    )
    waba_id = forms.RegexField(
        label=_("WhatsApp Business Account ID"),
        regex=r"^\d{1,32}$",
        max_length=32,
        help_text=_("Needed to sync and submit message templates."),
    )
    access_token = secret_field(
        _("Access token"),
        max_length=1024,
        help_text=_("A system user's permanent token. Stored encrypted; never shown again."),
    )
    app_secret = secret_field(
        _("App secret"),
        max_length=200,
        help_text=_("App settings > Basic; checks the X-Hub-Signature-256 of every webhook."),
    )
    verify_token = secret_field(
        _("Webhook verify token"),
        max_length=200,
        help_text=_("Any string you choose; type the same in the app's webhook settings."),
    )
    graph_version = forms.RegexField(
        label=_("Graph API version"),
        regex=r"^v\d{1,3}\.\d{1,2}$",
        max_length=8,
        initial=DEFAULT_GRAPH_VERSION,
        help_text=_("e.g. v21.0"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            [
                "name",
                "phone_number_id",
                "waba_id",
                "access_token",
                "app_secret",
                "verify_token",
                "graph_version",
            ]
        )
