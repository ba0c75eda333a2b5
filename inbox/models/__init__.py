"""The one conversation model every channel normalizes into."""

from .api_token import ApiToken
from .channel import Channel
from .consent import Consent
from .contact import Contact, ContactIdentity
from .conversation import Conversation, ConversationStatus, ReadMarker
from .inbound_event import InboundEvent
from .message import Author, Direction, Message, MessageStatus, MessageStatusEvent
from .orphan_status import OrphanStatus
from .workspace import Membership, Role, Workspace

__all__ = [
    "ApiToken",
    "Author",
    "Channel",
    "Consent",
    "Contact",
    "ContactIdentity",
    "Conversation",
    "ConversationStatus",
    "Direction",
    "InboundEvent",
    "Membership",
    "Message",
    "MessageStatus",
    "MessageStatusEvent",
    "OrphanStatus",
    "ReadMarker",
    "Role",
    "Workspace",
]
