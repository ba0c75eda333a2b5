"""What an RCS phone shows of one agent's thread, read from the RBM sandbox's handset log.

The log holds, per phone, the agent messages RBM accepted (their wire JSON, with the
status the phone's user events moved them to), the user messages the phone sent, and the
agent's events (IS_TYPING, READ). A phone shows one thread per agent, so entries of other
agents are dropped. Rendering works from RBM's wire format, as a handset does, so whatever
the adapter got wrong shows up here as it would on a phone.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus, urlsplit

from django.utils.translation import gettext

from channels_rcs.sandbox import store
from inbox.content import maps_link
from inbox.models import Channel

# How long a phone keeps "typing…" up after the agent's last IS_TYPING without a message;
# RBM itself times typing indicators out after some seconds.
TYPING_SECONDS = 15
_HEIGHTS = {"SHORT": "short", "MEDIUM": "medium", "TALL": "tall"}


@dataclass(frozen=True)
class Media:
    url: str
    kind: str  # "image" | "video" | "file"
    thumbnail_url: str = ""
    height: str = "medium"  # card media: short | medium | tall


@dataclass(frozen=True)
class Chip:
    kind: str  # reply | open_url | dial | view_location | share_location | calendar | unknown
    text: str
    postback: str
    href: str = ""
    note: str = ""  # what the phone says it did (calendar)

    @property
    def is_reply(self) -> bool:
        return self.kind == "reply"


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    media: Media | None
    chips: tuple[Chip, ...]


@dataclass(frozen=True)
class RcsBubble:
    message_id: str
    direction: str  # from the phone's point of view: "out" it sent, "in" it received
    kind: str  # text | media | card | carousel | location | reply | unsupported
    status: str  # agent messages: SENT/DELIVERED/READ; the phone's own: SENT/READ
    sent_at: datetime | None
    text: str = ""
    media: Media | None = None
    cards: tuple[Card, ...] = ()
    orientation: str = "vertical"  # standalone cards: vertical | horizontal
    thumbnail_side: str = "left"  # horizontal cards: which side the picture is on
    card_width: str = "medium"  # carousels: small | medium
    chips: tuple[Chip, ...] = ()  # message-level suggestions
    location_href: str = ""

    @property
    def read(self) -> bool:
        return self.status == "READ"


@dataclass
class Thread:
    bubbles: list[RcsBubble] = field(default_factory=list)
    typing: bool = False

    @property
    def live_chips(self) -> tuple[Chip, ...]:
        """Message-level chips are offered only under the newest message, as phones do."""
        last = self.bubbles[-1] if self.bubbles else None
        return last.chips if last is not None and last.direction == "in" else ()


def parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _media_kind(url: str) -> str:
    mime, _ = mimetypes.guess_type(urlsplit(url).path)
    if mime and mime.startswith("image/"):
        return "image"
    if mime and mime.startswith("video/"):
        return "video"
    return "file"


def _content_info(info: dict, height: str = "MEDIUM") -> Media | None:
    url = str((info or {}).get("fileUrl") or "")
    if not url:
        return None
    return Media(
        url=url,
        kind=_media_kind(url),
        thumbnail_url=str(info.get("thumbnailUrl") or ""),
        height=_HEIGHTS.get(str(height), "medium"),
    )


def _calendar_note(event: dict) -> str:
    start, end = parse_time(event.get("startTime")), parse_time(event.get("endTime"))
    when = ""
    if start and end:
        when = f", {start:%a %d %b %Y %H:%M} – {end:%H:%M} UTC"
    description = f". {event['description']}" if event.get("description") else ""
    return f"Added to your calendar: {event.get('title', 'Event')}{when}{description}"


def chip(suggestion: dict) -> Chip:
    """A chip from an RBM Suggestion; `href` is where the phone goes on a tap."""
    if "reply" in suggestion:
        reply = suggestion["reply"] or {}
        return Chip("reply", str(reply.get("text", "")), str(reply.get("postbackData", "")))
    action = suggestion.get("action") or {}
    text, postback = str(action.get("text", "")), str(action.get("postbackData", ""))
    if "openUrlAction" in action:
        return Chip("open_url", text, postback, href=str(action["openUrlAction"].get("url", "")))
    if "dialAction" in action:
        return Chip("dial", text, postback, href="tel:" + str(action["dialAction"]["phoneNumber"]))
    if "viewLocationAction" in action:
        view = action["viewLocationAction"] or {}
        lat_long = view.get("latLong")
        if lat_long:
            href = maps_link(lat_long["latitude"], lat_long["longitude"])
        elif view.get("query"):
            href = "https://maps.google.com/?q=" + quote_plus(str(view["query"]))
        else:
            href = str(action.get("fallbackUrl") or "")
        return Chip("view_location", text, postback, href=href)
    if "shareLocationAction" in action:
        return Chip("share_location", text, postback)
    if "createCalendarEventAction" in action:
        note = _calendar_note(action["createCalendarEventAction"] or {})
        return Chip("calendar", text, postback, note=note)
    return Chip("unknown", text, postback, href=str(action.get("fallbackUrl") or ""))


def _chips(items) -> tuple[Chip, ...]:
    return tuple(chip(s) for s in items or [] if isinstance(s, dict))


def _card(content: dict) -> Card:
    media = content.get("media") or {}
    return Card(
        title=str(content.get("title") or ""),
        description=str(content.get("description") or ""),
        media=_content_info(media.get("contentInfo") or {}, media.get("height", "MEDIUM")),
        chips=_chips(content.get("suggestions")),
    )


def agent_bubble(message: dict) -> RcsBubble:
    """One agent message as the phone shows it, from the AgentMessage the sandbox stored."""
    content = (message.get("body") or {}).get("contentMessage") or {}
    base = {
        "message_id": str(message["message_id"]),
        "direction": "in",
        "status": str(message.get("status") or "SENT"),
        "sent_at": parse_time(message.get("send_time")),
        "chips": _chips(content.get("suggestions")),
    }
    if "text" in content:
        return RcsBubble(kind="text", text=str(content["text"]), **base)
    if "contentInfo" in content:
        return RcsBubble(kind="media", media=_content_info(content["contentInfo"]), **base)
    rich = content.get("richCard") or {}
    if "standaloneCard" in rich:
        card = rich["standaloneCard"] or {}
        return RcsBubble(
            kind="card",
            cards=(_card(card.get("cardContent") or {}),),
            orientation=str(card.get("cardOrientation") or "VERTICAL").lower(),
            thumbnail_side=str(card.get("thumbnailImageAlignment") or "LEFT").lower(),
            **base,
        )
    if "carouselCard" in rich:
        carousel = rich["carouselCard"] or {}
        return RcsBubble(
            kind="carousel",
            cards=tuple(_card(c) for c in carousel.get("cardContents") or []),
            card_width=str(carousel.get("cardWidth") or "MEDIUM").lower(),
            **base,
        )
    return RcsBubble(
        kind="unsupported", text=gettext("This message type is not supported."), **base
    )


def user_bubble(event: dict, read_ids: set[str]) -> RcsBubble:
    """One message the phone sent, from the user-message event the sandbox posted."""
    message_id = str(event.get("messageId") or "")
    base = {
        "message_id": message_id,
        "direction": "out",
        "status": "READ" if message_id in read_ids else "SENT",
        "sent_at": parse_time(event.get("sendTime")),
    }
    if "suggestionResponse" in event:
        tapped = event["suggestionResponse"] or {}
        return RcsBubble(kind="reply", text=str(tapped.get("text", "")), **base)
    if "location" in event:
        where = event["location"]
        href = maps_link(where["latitude"], where["longitude"])
        return RcsBubble(
            kind="location", text=gettext("Shared location"), location_href=href, **base
        )
    if "userFile" in event:
        payload = (event["userFile"] or {}).get("payload") or {}
        media = _content_info({"fileUrl": payload.get("fileUri", "")})
        return RcsBubble(kind="media", media=media, **base)
    return RcsBubble(kind="text", text=str(event.get("text") or ""), **base)


def thread(number: str, channel: Channel, *, now: datetime | None = None) -> Thread:
    """Oldest first, as a messaging app lists them."""
    agent_id = str(channel.config.get("agent_id") or "")
    entries = [e for e in store.handset_log(number) if e.get("agent_id") == agent_id]
    read_ids = {
        str(e.get("messageId"))
        for e in entries
        if e.get("direction") == "event" and e.get("eventType") == "READ"
    }
    out = Thread()
    typing_at: datetime | None = None
    for entry in entries:
        direction = entry.get("direction")
        if direction == "outbound":
            message = store.get_message(agent_id, str(entry.get("message_id")))
            # A revoked message never reached the phone.
            if message and not message.get("revoked"):
                out.bubbles.append(agent_bubble(message))
                typing_at = None  # the message the agent was typing has arrived
        elif direction == "inbound" and isinstance(entry.get("event"), dict):
            out.bubbles.append(user_bubble(entry["event"], read_ids))
        elif direction == "event" and entry.get("eventType") == "IS_TYPING":
            typing_at = parse_time(entry.get("at"))
    now = now or datetime.now(UTC)
    out.typing = typing_at is not None and now - typing_at < timedelta(seconds=TYPING_SECONDS)
    return out


def phone_reports_reads(channel: Channel) -> bool:
    """Whether the simulated phone must send READ itself when it shows a message.

    With the sandbox's "auto" events it already plays the phone (DELIVERED, then READ after
    read_delay_ms, or never when that is unset, which is a deliberate "never read"); in
    "manual" or "off" mode nothing else will, so the phone on screen does.
    """
    agent_id = str(channel.config.get("agent_id") or "")
    return store.controls(agent_id).get("events") != "auto"


def version(data: Thread, *extra: str) -> str:
    """Changes whenever the thread would look different; lets the page skip idle swaps."""
    state = "|".join(f"{b.message_id}:{b.status}" for b in data.bubbles)
    state += f"|typing={data.typing}|" + "|".join(extra)
    return hashlib.sha1(state.encode(), usedforsecurity=False).hexdigest()[:16]
