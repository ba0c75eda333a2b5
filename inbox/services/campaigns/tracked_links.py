"""Links in a campaign's text version go through /r/<code>, one code per recipient and URL.

SMS has no click receipts, so the text version's links are rewritten, when the message is
written, to the product's own short address; following it records the click and
redirects. The target is the URL the template held for that recipient, stored with the
code: the request carries only the code, so the redirect can never be pointed elsewhere.
"""

from __future__ import annotations

import secrets
import string

import regex
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from inbox.models import CampaignRecipient, TrackedLink

URL = regex.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]")
ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 10  # 62**10: unguessable, and short enough for an SMS
PATH = "/r/"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def short_url(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{PATH}{code}"


def _link_for(recipient: CampaignRecipient, url: str) -> TrackedLink:
    for _attempt in range(3):  # a code collision is 1 in 62**10; retry, never reuse
        try:
            with transaction.atomic():
                link, _created = TrackedLink.objects.get_or_create(
                    recipient=recipient,
                    url=url,
                    defaults={"campaign_id": recipient.campaign_id, "code": new_code()},
                )
            return link
        except IntegrityError:
            continue
    raise IntegrityError("could not draw a free tracked-link code")


def track_text(recipient: CampaignRecipient, text: str) -> str:
    """`text` with each http(s) URL replaced by the recipient's tracked short link."""
    if not text or "http" not in text:
        return text
    return URL.sub(lambda m: short_url(_link_for(recipient, m.group(0)).code), text)


def track_content(recipient: CampaignRecipient, content: dict) -> dict:
    """The content with the links of its text tracked: `text` (a text message, or the
    body of rich text) and `fallback_text` (what an SMS fallback sends). Suggestions keep
    their real URLs: RCS reports the tap itself."""
    tracked = dict(content)
    for key in ("text", "fallback_text"):
        if isinstance(content.get(key), str):
            tracked[key] = track_text(recipient, content[key])
    return tracked


def follow_link(code: str) -> str | None:
    """The URL behind `code`, its click counted, in one UPDATE ... RETURNING; None for a
    code that is malformed or unknown (never a redirect to anything else)."""
    if len(code) != CODE_LENGTH or not code.isascii() or not code.isalnum():
        return None
    table = TrackedLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET clicks = clicks + 1, "  # noqa: S608 - our own table name
            "first_clicked_at = COALESCE(first_clicked_at, %s) WHERE code = %s RETURNING url",
            [timezone.now(), code],
        )
        row = cursor.fetchone()
    return row[0] if row else None
