"""The language automatic texts use with a customer: their own, else their channel's.

A contact's `language` (set by an agent, or learnt from the keyword they texted) wins;
otherwise the channel's `customer_language` setting; otherwise the workspace's language.
Agents' pages follow the agent's language instead (members/services/languages.py).
"""

from __future__ import annotations

from django.conf import settings

from inbox.models import Channel, Contact

CONFIG_KEY = "customer_language"
SPOKEN = tuple(code for code, _name in settings.LANGUAGES)


def channel_language(channel: Channel) -> str:
    chosen = str((channel.config or {}).get(CONFIG_KEY) or "")
    if chosen in SPOKEN:
        return chosen
    workspace_language = channel.workspace.language
    return workspace_language if workspace_language in SPOKEN else settings.LANGUAGE_CODE


def customer_language(contact: Contact | None, channel: Channel) -> str:
    if contact is not None and contact.language in SPOKEN:
        return contact.language
    return channel_language(channel)


def checked_language(language: str) -> str:
    """A customer's language as a contact stores it ("" hands it back to the channel's
    setting); anything else the product does not speak is refused."""
    if language and language not in SPOKEN:
        raise ValueError(f"unsupported language {language!r}")
    return language


def _has_suggestions(value) -> bool:
    if isinstance(value, dict):
        return bool(value.get("suggestions")) or any(_has_suggestions(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_suggestions(v) for v in value)
    return False


def with_customer_language(content: dict, contact: Contact | None, channel: Channel) -> dict:
    """`content` with the customer's language stamped on it when a plain phone's version
    has words of ours in it ("Reply 1 for ..."), so the SMS text a worker renders later,
    perhaps on a fallback channel, speaks it. English, the default, is left unstamped."""
    if not isinstance(content, dict) or "language" in content or not _has_suggestions(content):
        return content
    language = customer_language(contact, channel)
    if language == settings.LANGUAGE_CODE:
        return content
    return {**content, "language": language}
