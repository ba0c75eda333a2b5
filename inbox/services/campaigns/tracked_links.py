"""Links in a campaign's text version go through /r/<code>, one code per recipient and URL.

SMS has no click receipts, so the text version's links are rewritten, when the message is
written, to the product's own short address; following it records the click and
redirects. The target is the URL the template held for that recipient, stored with the
code: the request carries only the code, so the redirect can never be pointed elsewhere.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable

import regex
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from inbox.models import CampaignRecipient, TrackedLink
from inbox.services.row_inserts import insert_columns

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
    return _tracked_text(text, lambda url: _link_for(recipient, url).code)


def track_content(recipient: CampaignRecipient, content: dict) -> dict:
    """The content with the links of its text tracked: `text` (a text message, or the
    body of rich text) and `fallback_text` (what an SMS fallback sends). Suggestions keep
    their real URLs: RCS reports the tap itself."""
    return _tracked_content(content, lambda url: _link_for(recipient, url).code)


def planned_links(content: dict) -> tuple[dict, dict[str, str]]:
    """`track_content` for a recipient whose row is not written yet (a chunk written in
    bulk): the tracked content and the {url: code} it uses, codes drawn now, stored by
    `store_links` once the rows exist. A drawn code that is already taken (1 in 62**10)
    fails that INSERT, which rolls the chunk back; its rerun draws again."""
    codes: dict[str, str] = {}

    def code_for(url: str) -> str:
        if url not in codes:
            codes[url] = new_code()
        return codes[url]

    return _tracked_content(content, code_for), codes


def store_links(campaign_id: int, planned: list[tuple[int, dict[str, str]]]) -> None:
    """The links `planned_links` drew, for recipient rows now written (their ids), in
    one INSERT from arrays."""
    links: dict[str, list] = {"recipient_id": [], "url": [], "code": []}
    for recipient_id, codes in planned:
        for url, code in codes.items():
            links["recipient_id"].append(recipient_id)
            links["url"].append(url)
            links["code"].append(code)
    insert_columns(TrackedLink, links, fixed={"campaign_id": campaign_id})


def _tracked_content(content: dict, code_for: Callable[[str], str]) -> dict:
    tracked = dict(content)
    for key in ("text", "fallback_text"):
        if isinstance(content.get(key), str):
            tracked[key] = _tracked_text(content[key], code_for)
    return tracked


def _tracked_text(text: str, code_for: Callable[[str], str]) -> str:
    if not text or "http" not in text:
        return text
    return URL.sub(lambda m: short_url(code_for(m.group(0))), text)


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
