"""A campaign's recipients one by one, for the per-recipient CSV: who was excluded and
why, which channel reached them, and whether they replied, clicked or converted.

The flags are the funnel's own per-recipient rows (campaign_funnel.per_recipient_sql),
so a spreadsheet built from this export adds up to the funnel on the page. Rows come in
keyset pages by recipient id: a 100,000-recipient campaign streams in bounded memory,
without a transaction held open for the whole download.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection

from inbox.models import Campaign, CampaignConversion, Contact, ContactIdentity

from .campaign_funnel import per_recipient_params, per_recipient_sql

PAGE = 2000


@dataclass(frozen=True)
class RecipientRow:
    recipient_id: int
    contact_id: int
    name: str
    phone: str
    arm: str
    excluded: str
    detail: str
    kind: str | None  # "rcs" or "sms": the channel the message finally went out on
    status: str | None
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    first_reply_at: datetime | None
    clicked: bool
    converted: bool
    conversion_value: Decimal | None
    opted_out: bool
    fell_back: bool


def _page_sql() -> str:
    contact = Contact._meta.db_table
    ident = ContactIdentity._meta.db_table
    conv = CampaignConversion._meta.db_table
    return f"""
WITH per AS ({per_recipient_sql()})
SELECT per.recipient_id, per.contact_id, c.name,
       coalesce((SELECT i.value FROM {ident} i
                  WHERE i.contact_id = c.id AND i.kind = %(phone)s
                  ORDER BY i.id LIMIT 1), '') AS phone,
       per.arm, per.excluded, per.detail, per.kind, per.message_status,
       per.sent_at, per.delivered_at, per.read_at, per.first_reply_at,
       per.clicked, per.converted, cv.value, per.opted_out, per.fell_back
  FROM per
  JOIN {contact} c ON c.id = per.contact_id
  LEFT JOIN {conv} cv ON cv.recipient_id = per.recipient_id
 ORDER BY per.recipient_id
 LIMIT %(page)s
"""


def recipient_rows(campaign: Campaign, *, page: int = PAGE) -> Iterator[RecipientRow]:
    """Every recipient of `campaign` in id order, one statement per `page` of them."""
    sql = _page_sql()
    params = {**per_recipient_params(campaign), "page": page}  # read once, not per page
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for row in rows:
            yield RecipientRow(*row)
        if len(rows) < page:
            return
        params["after"] = rows[-1][0]
