"""The ChannelAdapter interface."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING

from django.utils.datastructures import CaseInsensitiveMapping
from django.utils.translation import gettext_lazy

from .events import Event

if TYPE_CHECKING:
    from datetime import datetime

    from inbox.throttle import Throughput

    from .config_form import ChannelConfigForm

if TYPE_CHECKING:
    from inbox.models import Channel, Conversation


@dataclass(frozen=True)
class Capabilities:
    """What a channel renders natively; the composer and the renderer degrade the rest."""

    rich_cards: bool = False
    suggestions: bool = False
    media: bool = False
    typing: bool = False
    read_receipts: bool = False
    max_text_length: int = 1600


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    status: str = "sent"  # our status right after the provider accepted
    details: dict = field(default_factory=dict)


class Verdict(StrEnum):
    """What a provider says about a send whose answer never reached us (`reconcile`)."""

    FOUND = "found"  # the provider has it: `found` holds the candidates (sent, not twice)
    ABSENT = "absent"  # the provider certainly does not have it: sending again is safe
    ANSWERED = "answered"  # the send was repeated idempotently: `outcome` is its answer
    RETRY = "retry"  # the provider could not be asked now (down, 429): ask again later
    UNKNOWN = "unknown"  # the provider cannot tell, now or ever: fail "outcome unknown"


@dataclass(frozen=True)
class Reconciliation:
    """A worker that dies during the provider call (SIGKILL, OOM, a lost host) leaves its
    message `sending`; the outbox's sweep asks the adapter (`reconcile`) instead of
    guessing. inbox/services/outbox/reconcile.py says what each verdict leads to."""

    verdict: Verdict
    # FOUND: the provider's matching messages, newest first. More than one when the same
    # text went to the same number twice; the outbox takes one no other message has.
    found: tuple[SendResult, ...] = ()
    # ANSWERED: the repeated send's own answer, settled exactly as a send's would be.
    outcome: SendResult | Exception | None = None
    reason: str = ""  # for the log, and the message's error text when it fails


CANNOT_TELL = Reconciliation(
    Verdict.UNKNOWN, reason=gettext_lazy("the provider offers no way to look a message up")
)


@dataclass(frozen=True)
class DraftCost:
    """What a draft costs on a channel that bills by size (SMS: segments and encoding).

    `note` is the composer's one line ("2 segments · UCS-2 because of ‘ç’"); `text` is the
    body as it will be sent when the channel rewrites it (smart encoding), else "".
    """

    note: str
    segments: int | None = None
    encoding: str | None = None
    ucs2_chars: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class ComposerTemplate:
    """A pre-approved message the composer offers on a channel (e.g. the only kind of
    message a provider accepts outside a messaging window).

    `key` is the adapter's own id for it, posted back by the composer; `body` is its text
    with numbered variables ({{1}}, {{2}}, ...), of which there are `variables`.
    """

    key: str
    label: str
    body: str
    variables: int = 0


@dataclass(frozen=True)
class WebhookRequest:
    """A webhook as the adapter needs it, independent of Django's request object.

    `headers` is case-insensitive whatever mapping it is built from (HTTP header names
    are), so an adapter reads `request.headers.get("X-Twilio-Signature", "")` as it is
    spelt in the provider's documentation.
    """

    url: str  # the full public URL the provider called (signatures cover it)
    method: str
    headers: Mapping[str, str]
    body: bytes
    form: Mapping[str, list[str]]  # parsed form fields, all values per name
    query: Mapping[str, list[str]]
    # Other spellings of the URL that may have been signed (as the server saw it).
    alt_urls: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.headers, CaseInsensitiveMapping):
            object.__setattr__(self, "headers", CaseInsensitiveMapping(self.headers))


class ChannelAdapter(ABC):
    """One per provider protocol; stateless, configured by the Channel row it is given."""

    kind: str
    label: str
    # Names of Channel.config keys that are secrets (stored encrypted).
    secret_keys: tuple[str, ...] = ()
    # Where the real provider's API lives; a channel's api_base_url overrides it.
    default_api_base_url: str = ""
    # Shown beside the channel's name in the conversation list (decorative, aria-hidden).
    icon: str = "●"
    # The settings pages' form for this kind (None: not configurable there); a subclass of
    # inbox.adapters.config_form.ChannelConfigForm, kept in the channel app's forms.py.
    config_form: type[ChannelConfigForm] | None = None

    def validate_config(self, config: dict, secrets: dict) -> list[str]:
        """Errors in a channel's configuration ("field: reason"), checked on create."""
        return []

    @abstractmethod
    def capabilities(self, channel: Channel) -> Capabilities: ...

    @abstractmethod
    def render_text(self, content: dict) -> str:
        """The plain-text rendering of provider-neutral content on this channel."""

    def validate(self, channel: Channel, content: dict) -> list[str]:
        """Errors that stop a send before anything is queued ("field: reason")."""
        return []

    def validate_for_conversation(
        self, channel: Channel, *, conversation: Conversation, content: dict
    ) -> list[str]:
        """Errors that depend on the conversation, checked with `validate` before a send is
        queued and in the composer's preview ("field: reason"): e.g. a provider that
        accepts free-form messages only within a window after the customer's last one."""
        return []

    def first_message_problems(self, channel: Channel, content: dict) -> list[str]:
        """Errors for `content` as the first message to a customer who has not written
        (a campaign): e.g. a provider that lets a business open a conversation only with
        an approved template. Checked when a campaign is saved and launched."""
        return []

    def composer_templates(self, channel: Channel) -> list[ComposerTemplate]:
        """The templates the composer offers an agent on this channel (none by default)."""
        return []

    def settings_links(self, channel: Channel) -> list[tuple[str, str]]:
        """(label, URL) of this kind's own pages about `channel` that its settings page
        links to (admins only there), e.g. the provider's message templates."""
        return []

    def template_content(self, channel: Channel, key: str, values: list[str]) -> dict | None:
        """The content that sends template `key` of `composer_templates` with its variables
        filled by `values` (sent, validated and previewed like any other content); None
        when this channel has no such template."""
        return None

    @abstractmethod
    def send(self, channel: Channel, *, to: str, content: dict, message_id: str) -> SendResult:
        """Hand one message to the provider; raise SendError subclasses on failure."""

    async def asend(
        self, channel: Channel, *, to: str, content: dict, message_id: str
    ) -> SendResult:
        """`send` for the batch path's event loop (inbox/send_loop.py). An adapter with an
        async HTTP client overrides it; this default runs `send` on the loop's executor,
        so a blocking client never stalls the other calls' timers."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None, partial(self.send, channel, to=to, content=content, message_id=message_id)
        )

    def reconcile(
        self, channel: Channel, *, to: str, content: dict, message_id: str, since: datetime
    ) -> Reconciliation:
        """What the provider did with a send whose answer was lost (the worker died
        during the call, at or after `since`). Called by the outbox's sweep, never while
        the call may still be in flight (OUTBOX_RECONCILE_AFTER_SECONDS).

        A provider that dedupes on our `message_id` repeats the send (ANSWERED); one with
        a searchable message log looks it up (FOUND or ABSENT); RETRY when it could not
        be asked now. The default cannot tell, and the message fails "outcome unknown".
        Must not raise for a provider's answer (raise only for bugs).
        """
        return CANNOT_TELL

    def throughput(self, channel: Channel, *, to: str, content: dict) -> Throughput | None:
        """The sender's rate limit and this message's cost, or None for no limit."""
        return None

    def draft_cost(self, channel: Channel, content: dict) -> DraftCost | None:
        """What sending `content` would cost, for the composer's live counter; None where
        every message costs the same (the composer then counts characters)."""
        return None

    def billing_units(self, channel: Channel, text: str) -> int:
        """How many units the provider bills for sending `text` (SMS: segments); 1 where
        it bills per message. Dashboards sum these as the channel's cost driver."""
        return 1

    def reachable(self, channel: Channel, to: str) -> bool | None:
        """Whether `to` can receive on this channel (cached lookup); None when unknown."""
        return None

    def reachable_many(self, channel: Channel, addresses: list[str]) -> dict[str, bool | None]:
        """`reachable` for many addresses at once, for planning a campaign or refreshing a
        contact list. A provider with a batch lookup overrides this to spend one call
        (and one rate slot) on many numbers; the default asks one at a time."""
        return {address: self.reachable(channel, address) for address in addresses}

    def known_reachable_many(
        self, channel: Channel, addresses: list[str]
    ) -> dict[str, bool | None]:
        """What `reachable_many` would answer without asking the provider (its cache);
        None where not known. The outbox calls this inside its claim transaction, with
        rows locked, so it must never wait on the provider; it asks `reachable_many`
        for the unknown ones afterwards. The default knows nothing."""
        return dict.fromkeys(addresses)

    def revoke(self, channel: Channel, *, to: str, provider_message_id: str) -> bool:
        """Withdraw an undelivered message; True when the provider confirms it is gone."""
        return False

    def media_auth(self, channel: Channel) -> tuple[str, str] | str | None:
        """Credentials for fetching the provider's inbound media URLs, if it wants them:
        (user, password) for HTTP basic auth, or a whole Authorization header value (e.g.
        "Bearer <token>") for a provider that takes a token."""
        return None

    def resolve_media_url(self, channel: Channel, url: str) -> str:
        """The URL to download an inbound media `url` from (inbox/services/media.py).

        For a provider whose webhooks name media by an id that an authenticated lookup
        turns into a short-lived download URL; called just before the download, with
        the lookup made by the adapter through the guarded client. Raise
        TransientSendError to retry later, PermanentSendError to record a refusal.
        """
        return url

    def credential_origins(self, channel: Channel) -> frozenset[str]:
        """Where the channel's credentials may go: origins (`scheme://host[:port]`).

        A media URL comes from the provider's webhook, but the host in it is whatever the
        webhook says, and a redirect can point anywhere; media_auth is sent only to these
        (inbox/services/media.py). By default the channel's own API origin; an adapter
        adds the provider's media hosts.
        """
        return frozenset({channel.api_base_url or self.default_api_base_url} - {""})

    def send_typing(self, channel: Channel, *, to: str) -> None:  # noqa: B027
        """Tell the customer an agent is typing, where the channel can."""

    def mark_read(  # noqa: B027
        self, channel: Channel, *, to: str, provider_message_id: str
    ) -> None:
        """Tell the provider the customer's message was read, where the channel can."""

    @abstractmethod
    def verify_webhook(self, channel: Channel, request: WebhookRequest) -> bool: ...

    @abstractmethod
    def parse_webhook(self, channel: Channel, request: WebhookRequest) -> list[Event]:
        """Normalized events; raise WebhookError for a body that cannot be understood."""

    def webhook_ack(self) -> tuple[int, str, str]:
        """(status, content type, body) the provider expects after a good webhook."""
        return 200, "text/plain", ""

    def webhook_urls(self, channel: Channel) -> dict[str, str]:
        """Named URLs an admin pastes into the provider's console."""
        return {}

    def test_connection(self, channel: Channel) -> tuple[bool, str]:
        """(ok, what the provider answered) from one harmless authenticated call.

        Lets an admin check credentials from the settings page without texting anyone;
        must never send a message, change provider state or raise.
        """
        return False, f"{self.label} channels have no connection test."

    def sandbox_api_base_url(self) -> str | None:
        """The built-in sandbox's API root while it is enabled, else None.

        The settings page's "sandbox or real provider" switch writes this (or
        default_api_base_url) into the channel's api_base_url.
        """
        return None

    def sandbox_config(self, *, public_base_url: str, name: str) -> dict | None:
        """A ready config pointing at this channel's built-in sandbox, used by the demo.

        Lets the demo offer every channel kind without the inbox knowing any provider's
        credentials; None when the channel has no sandbox. May register an account in the
        sandbox, so call it only when about to create the channel.
        """
        return None

    def seed_demo(self, channel: Channel) -> None:  # noqa: B027
        """Add this channel kind's own demo data (e.g. a brand, a sample conversation).

        Called on every seed_demo run, so it must be idempotent; the hook keeps demo data
        that lives in a channel app's tables out of the inbox package.
        """
