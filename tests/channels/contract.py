"""What a channel app hands the shared contract suite (test_contract.py) to be checked.

As django-anymail shares its webhook cases between providers, every registered adapter
runs the same cases: bad signatures refused, a provider's retry absorbed, statuses mapped,
content validated, text rendered. A channel takes part by providing a harness: a module
`tests/<kind>/contract_harness.py` with a `harness` object that has the attributes below,
signing the way its provider (and its sandbox) signs. An adapter registered by an
installed app without a harness fails the suite, so a new channel cannot skip it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.apps import apps

from inbox.adapters import ChannelAdapter, all_adapters

if TYPE_CHECKING:
    from inbox.models import Channel, Workspace


@dataclass(frozen=True)
class SignedPost:
    """One webhook as the provider would POST it to the channel's URL."""

    path: str  # the path of one of the channel's webhook_urls
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)  # the signature among them


class ContractHarness(Protocol):
    kind: str
    # The header carrying the provider's signature (dropped for the "unsigned" case).
    signature_header: str
    # (provider's status word, our status after parsing; None: ignored). A read receipt
    # counts as "read", whichever event the channel reports it with.
    status_cases: tuple[tuple[str, str | None], ...]

    def make_channel(self, workspace: Workspace) -> Channel:
        """A working channel of this kind (on its sandbox), as an admin would add it."""

    def cleanup(self, channel: Channel) -> None:
        """Undo what make_channel left outside the database (sandbox accounts)."""

    def inbound(
        self, channel: Channel, *, provider_message_id: str, text: str, secret: str | None = None
    ) -> SignedPost:
        """A customer's text message, signed with the channel's secret (or `secret`)."""

    def status(self, channel: Channel, *, provider_message_id: str, wire_status: str) -> SignedPost:
        """A delivery report for one of our messages, signed with the channel's secret."""


def channel_adapters() -> list[ChannelAdapter]:
    """Adapters that installed apps registered (the suite's own fakes are not an app)."""
    found = [
        adapter
        for adapter in all_adapters().values()
        if apps.get_containing_app_config(type(adapter).__module__) is not None
    ]
    return sorted(found, key=lambda adapter: adapter.kind)


def harness_for(adapter: ChannelAdapter) -> ContractHarness:
    name = f"tests.{adapter.kind}.contract_harness"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise AssertionError(
            f"adapter {adapter.kind!r} has no contract harness: add {name.replace('.', '/')}.py"
            " (see tests/channels/contract.py)"
        ) from exc
    return module.harness
