"""The base of every channel's settings form; secrets are write-only (blank on edit = keep).

An adapter names its form in `config_form`, and the settings pages offer every registered
adapter that has one, so a channel app brings its own form and the settings app lists it
without an edit. This base holds what every channel shares: the name, the choice between
the real provider, the built-in sandbox and a custom API URL, and write-only secrets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import get_adapter

if TYPE_CHECKING:
    from inbox.models import Channel, Workspace

PROVIDER_LIVE, PROVIDER_SANDBOX, PROVIDER_CUSTOM = "live", "sandbox", "custom"


def secret_field(label: str, *, max_length: int, help_text: str) -> forms.CharField:
    """A one-line secret (token, password): the page never renders its value back, and
    browsers are asked not to autofill it with the admin's own login."""
    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
    return forms.CharField(label=label, max_length=max_length, widget=widget, help_text=help_text)


class ChannelConfigForm(forms.Form):
    """Subclass per channel kind with `kind`, its fields, and which of them are secrets."""

    kind = ""
    secret_fields: tuple[str, ...] = ()
    config_fields: tuple[str, ...] = ()

    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("Shown to agents, e.g. “Support SMS”.")
    )
    provider = forms.ChoiceField(
        label=_("Provider endpoint"),
        help_text=_("Switch between the built-in sandbox and the real provider at any time."),
    )
    custom_api_url = forms.URLField(
        label=_("Custom API URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Only for “Custom API URL”, e.g. a regional endpoint."),
    )

    def __init__(self, *args, workspace: Workspace, channel: Channel | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.channel = channel
        self.adapter = get_adapter(self.kind)
        choices = [
            (
                PROVIDER_LIVE,
                _("Real provider (%(url)s)") % {"url": self.adapter.default_api_base_url},
            )
        ]
        sandbox = self.adapter.sandbox_api_base_url()
        if sandbox:
            choices.append((PROVIDER_SANDBOX, _("Built-in sandbox (%(url)s)") % {"url": sandbox}))
        choices.append((PROVIDER_CUSTOM, _("Custom API URL")))
        self.fields["provider"].choices = choices
        for name in self.secret_fields:
            field = self.fields[name]
            field.required = channel is None
            if channel is not None:
                field.help_text = (f"{field.help_text} " if field.help_text else "") + str(
                    _("Leave blank to keep the stored value.")
                )
        self._add_customer_language_fields(channel)
        if channel is not None and not self.is_bound:
            self.initial.update(self.initial_from(channel))

    def _add_customer_language_fields(self, channel: Channel | None) -> None:
        """Every channel's customer language and its consent keywords per language
        (inbox/services/consent_vocabulary.py), editable beside its provider settings."""
        from django.conf import settings

        from inbox.services.consent_vocabulary import ACTIONS, channel_keywords

        self.fields["customer_language"] = forms.ChoiceField(
            label=_("Language of automatic replies"),
            required=False,
            choices=[("", _("The workspace's language"))] + list(settings.LANGUAGES),
            help_text=_(
                "Out-of-hours replies, consent confirmations and a plain phone's "
                "“Reply 1 for …” use it, unless a contact has a language of their own."
            ),
        )
        labels = {
            "opt_out": _("Opt-out keywords (%(language)s)"),
            "opt_in": _("Opt-in keywords (%(language)s)"),
            "help": _("Help keywords (%(language)s)"),
        }
        table = channel_keywords(channel) if channel is not None else None
        for language, language_name in settings.LANGUAGES:
            for action in ACTIONS:
                name = f"keywords_{language}_{action}"
                self.fields[name] = forms.CharField(
                    label=labels[action] % {"language": language_name},
                    required=False,
                    max_length=500,
                    help_text=_(
                        "Comma-separated; matched ignoring case, accents and punctuation "
                        "when a message is exactly one of them."
                    ),
                )
                if table is None:
                    from inbox.services.consent_vocabulary import DEFAULTS

                    words = DEFAULTS.get(language, {}).get(action, ())
                else:
                    words = table.get(language, {}).get(action, ())
                self.fields[name].initial = ", ".join(words)
        self._add_customer_text_fields(channel)
        if channel is not None:
            self.fields["customer_language"].initial = (channel.config or {}).get(
                "customer_language", ""
            )

    def _add_customer_text_fields(self, channel: Channel | None) -> None:
        """The consent confirmations and the help reply per language
        (inbox/services/customer_texts.py); blank keeps the default wording."""
        from django.conf import settings

        from inbox.services.customer_texts import CONFIG_KEY, FORM_KINDS

        labels = {
            "opt_out": _("Opt-out confirmation (%(language)s)"),
            "opt_in": _("Opt-in confirmation (%(language)s)"),
            "help": _("Reply to a help keyword (%(language)s)"),
        }
        helps = {
            "opt_out": _("Blank: the standard wording, naming this channel and the opt-in word."),
            "opt_in": _("Blank: the standard wording, naming this channel and the opt-out word."),
            "help": _("Blank: no reply to a help keyword in this language."),
        }
        own = ((channel.config or {}).get(CONFIG_KEY) or {}) if channel is not None else {}
        for language, language_name in settings.LANGUAGES:
            for kind in FORM_KINDS:
                name = f"texts_{language}_{kind}"
                self.fields[name] = forms.CharField(
                    label=labels[kind] % {"language": language_name},
                    required=False,
                    max_length=480,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=helps[kind],
                )
                self.fields[name].initial = str((own.get(language) or {}).get(kind) or "")

    def customer_language_config(self) -> dict:
        """The config keys the fields above write (merged into the channel's config)."""
        from django.conf import settings

        from inbox.services.consent_vocabulary import ACTIONS, parse_keyword_list

        keywords = {
            language: {
                action: parse_keyword_list(
                    self.cleaned_data.get(f"keywords_{language}_{action}", "")
                )
                for action in ACTIONS
            }
            for language, _name in settings.LANGUAGES
        }
        return {
            "customer_language": self.cleaned_data.get("customer_language", ""),
            "consent_keywords": keywords,
            "customer_texts": self._customer_texts(),
        }

    def _customer_texts(self) -> dict:
        """The channel's texts per language with this form's kinds replaced; the kinds
        other pages edit (the out-of-hours reply, on the hours page) are kept."""
        from django.conf import settings

        from inbox.services.customer_texts import CONFIG_KEY, FORM_KINDS

        stored = (self.channel.config or {}).get(CONFIG_KEY) if self.channel else None
        texts = {
            language: dict(values)
            for language, values in (stored or {}).items()
            if isinstance(values, dict)
        }
        for language, _name in settings.LANGUAGES:
            entry = texts.setdefault(language, {})
            for kind in FORM_KINDS:
                value = self.cleaned_data.get(f"texts_{language}_{kind}", "").strip()
                if value:
                    entry[kind] = value
                else:
                    entry.pop(kind, None)
        return {language: entry for language, entry in texts.items() if entry}

    def initial_from(self, channel: Channel) -> dict:
        base = (channel.api_base_url or "").rstrip("/")
        sandbox = (self.adapter.sandbox_api_base_url() or "").rstrip("/")
        if base in ("", self.adapter.default_api_base_url.rstrip("/")):
            provider, custom = PROVIDER_LIVE, ""
        elif sandbox and base == sandbox:
            provider, custom = PROVIDER_SANDBOX, ""
        else:
            provider, custom = PROVIDER_CUSTOM, channel.api_base_url
        config = channel.config or {}
        return {
            "name": channel.name,
            "provider": provider,
            "custom_api_url": custom,
            **{k: config.get(k) for k in self.config_fields if k in config},
        }

    def clean(self):
        data = super().clean()
        if data.get("provider") == PROVIDER_CUSTOM and not data.get("custom_api_url"):
            self.add_error("custom_api_url", _("Enter the API URL, or pick another endpoint."))
        return data

    def api_base_url(self) -> str:
        provider = self.cleaned_data["provider"]
        if provider == PROVIDER_SANDBOX:
            return self.adapter.sandbox_api_base_url() or ""
        if provider == PROVIDER_CUSTOM:
            return self.cleaned_data["custom_api_url"]
        return self.adapter.default_api_base_url

    def config(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.config_fields}

    def secrets(self) -> dict:
        return {k: self.cleaned_data.get(k) or "" for k in self.secret_fields}

    def fallback(self) -> Channel | None:
        return None

    def service_error_fields(self) -> dict[str, str]:
        """Which field shows a service error about a key that is no field of this form.

        An API URL the address guard refused is the custom field's, or the endpoint
        choice's (the built-in sandbox on an address the operator has not allowed).
        """
        custom = self.cleaned_data.get("provider") == PROVIDER_CUSTOM
        return {"api_base_url": "custom_api_url" if custom else "provider"}

    def save_related(self, channel: Channel, actor) -> None:  # noqa: B027
        """Save what the form holds beyond the channel row (e.g. RCS's brand choice).

        Called after the channel was added or updated; the channel app's own service
        does the write and its audit entry.
        """
