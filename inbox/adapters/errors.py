"""Errors adapters raise; the delivery task decides retry versus terminal failure on them."""

from __future__ import annotations


class SendError(Exception):
    """A send that did not reach the provider's acceptance.

    `code` is the provider's error code, `reason` a sentence an agent understands: our
    own words as a lazy translation (the outbox stores it in the workspace's language,
    inbox/services/note_language.stored_text), a provider's own words as they came.
    """

    retryable = False

    def __init__(self, reason: str, *, code: str = "", retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = str(code or "")
        self.retry_after = retry_after


class TransientSendError(SendError):
    """Try again later: rate limits, 5xx, timeouts before the provider accepted."""

    retryable = True


class PermanentSendError(SendError):
    """Never retry: invalid number, opted out, content rejected."""


class OutcomeUnknown(PermanentSendError):
    """The request left but no answer came (a read timeout, a dropped connection): the
    provider may have the message. Never retried blindly; the message stays `sending`
    and the outbox's sweep settles it with the provider (ChannelAdapter.reconcile),
    failing it as "outcome unknown" only if the provider cannot tell."""


class WebhookError(Exception):
    """A webhook body that cannot be understood (answered 400, nothing written)."""


class OptedOutError(PermanentSendError):
    """The provider refused because the recipient opted out; the ledger must learn it."""


class NotReachable(PermanentSendError):
    """The recipient cannot be reached on this channel (e.g. not RCS-capable).

    The one permanent error that is not the end: the inbox tries the channel's fallback.
    """


class ContentNotSupported(PermanentSendError):
    """The recipient's device cannot show this content (e.g. RBM's 400 INVALID_ARGUMENT).

    Not the end either, once: the inbox sends the message on the channel's fallback, or,
    without one, as `simpler` (a plainer rendering the adapter proposes, provider-neutral
    content) on the same channel. A message that already fell back fails instead.
    """

    def __init__(self, reason: str, *, code: str = "", simpler: dict | None = None):
        super().__init__(reason, code=code)
        self.simpler = simpler
