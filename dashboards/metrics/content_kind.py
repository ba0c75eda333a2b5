"""What style of message an outbound message was, for the engagement comparison.

"Does a rich card get more replies than plain text?" needs one classification shared by
the roll-up (Python, per message) and any SQL that filters by it; both live here so they
cannot drift (a test checks they agree).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEXT = "text"
RICH_CARD = "rich_card"
SUGGESTIONS = "suggestions"
MEDIA = "media"
OTHER = "other"

LABELS = {
    TEXT: _("Plain text"),
    RICH_CARD: _("Rich card / carousel"),
    SUGGESTIONS: _("Suggested replies"),
    MEDIA: _("Media"),
    OTHER: _("Other"),
}
ORDER = [TEXT, SUGGESTIONS, RICH_CARD, MEDIA, OTHER]


def classify(content_type: str | None, has_suggestions: bool) -> str:
    """Rich card beats suggestions (a card with chips is a card); chips on text or media
    make it "suggested replies"; then the plain types."""
    if content_type in ("card", "carousel"):
        return RICH_CARD
    if has_suggestions:
        return SUGGESTIONS
    if content_type == "text":
        return TEXT
    if content_type == "media":
        return MEDIA
    return OTHER


def of(content: dict) -> str:
    content = content if isinstance(content, dict) else {}
    return classify(content.get("type"), bool(content.get("suggestions")))


# The SQL inputs to classify() for a row of inbox_message aliased `m`.
SQL_TYPE = "m.content->>'type'"
SQL_HAS_SUGGESTIONS = (
    "(jsonb_typeof(m.content->'suggestions') = 'array' "
    "AND jsonb_array_length(m.content->'suggestions') > 0)"
)
