from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.address_guard import UnsafeTarget, validate

from ..models import OutboundWebhook, WebhookEvent


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Receives a POST with a JSON body for each event."),
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple, label=_("Events")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, webhook: OutboundWebhook | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].error_messages["required"] = _("Pick at least one event.")
        if webhook is not None and not self.is_bound:
            self.initial.update(
                {"url": webhook.url, "events": webhook.events, "is_active": webhook.is_active}
            )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Use an http:// or https:// URL."))
        try:
            validate(url)
        except UnsafeTarget as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url
