"""The adapter interface every channel implements, and the registry of adapters.

The inbox speaks only these types; each `channels_<name>` app turns its provider's wire
format into them and registers an adapter for its channel kind in AppConfig.ready().
"""

from .base import (
    Capabilities,
    ChannelAdapter,
    ComposerTemplate,
    DraftCost,
    Reconciliation,
    SendResult,
    Verdict,
    WebhookRequest,
)
from .errors import (
    ContentNotSupported,
    NotReachable,
    OptedOutError,
    OutcomeUnknown,
    PermanentSendError,
    SendError,
    TransientSendError,
    WebhookError,
)
from .events import (
    ConsentChange,
    Event,
    InboundMessage,
    ReadReceipt,
    Revocation,
    StatusUpdate,
    TypingIndicator,
    Unusable,
)
from .registry import all_adapters, get_adapter, register

__all__ = [
    "Capabilities",
    "ComposerTemplate",
    "ConsentChange",
    "ChannelAdapter",
    "ContentNotSupported",
    "DraftCost",
    "Event",
    "InboundMessage",
    "NotReachable",
    "OptedOutError",
    "OutcomeUnknown",
    "PermanentSendError",
    "ReadReceipt",
    "Reconciliation",
    "Revocation",
    "SendError",
    "SendResult",
    "StatusUpdate",
    "TransientSendError",
    "TypingIndicator",
    "Unusable",
    "Verdict",
    "WebhookError",
    "WebhookRequest",
    "all_adapters",
    "get_adapter",
    "register",
]
