"""The one conversation model every channel normalizes into."""

from .api_token import ApiToken
from .audit import AuditEntry
from .business_hours import BusinessHours, Holiday
from .campaign import (
    Arm,
    Campaign,
    CampaignConversion,
    CampaignRecipient,
    CampaignReply,
    CampaignStatus,
    ExclusionReason,
    TrackedLink,
)
from .canned_response import CannedResponse
from .channel import Channel
from .consent import Consent
from .contact import Contact, ContactIdentity
from .contact_import import ContactImport, ContactImportRejection, ImportStatus
from .conversation import Conversation, ConversationStatus, ReadMarker
from .inbound_event import InboundEvent
from .label import Label
from .mention import Mention
from .message import Author, Direction, Message, MessageStatus, MessageStatusEvent
from .message_template import MessageTemplate
from .orphan_status import OrphanStatus
from .presence import Presence, PresenceSpan
from .reachability import ContactReachability
from .segment import Segment
from .team import RoutingMode, Team
from .workspace import Language, Membership, Role, Workspace

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Author",
    "BusinessHours",
    "Campaign",
    "CampaignRecipient",
    "CampaignConversion",
    "CampaignReply",
    "TrackedLink",
    "Arm",
    "CampaignStatus",
    "CannedResponse",
    "Channel",
    "Consent",
    "Contact",
    "ContactIdentity",
    "ContactImport",
    "ContactImportRejection",
    "ContactReachability",
    "Conversation",
    "ConversationStatus",
    "Direction",
    "ExclusionReason",
    "Holiday",
    "ImportStatus",
    "InboundEvent",
    "Label",
    "Language",
    "Membership",
    "Mention",
    "Message",
    "MessageStatus",
    "MessageStatusEvent",
    "MessageTemplate",
    "OrphanStatus",
    "Presence",
    "PresenceSpan",
    "ReadMarker",
    "Role",
    "RoutingMode",
    "Segment",
    "Team",
    "Workspace",
]
