"""A campaign's response funnel: overall, by the channel each message finally went out
on (RCS vs the SMS fallback), and by experiment arm.

Every figure is read from what the threads show: the messages' own status timestamps
(sent, delivered, read, failed, fell back), the customer messages ingest attributed to
the campaign (CampaignReply: replied, and chip taps), tracked-link clicks, conversions,
and opt-outs recorded within the attribution window. Nothing is counted in Python row by
row, and nothing is kept on the side: each figure is computed from those rows whenever
the funnel is asked for, in one statement that stays fast at 100,000 recipients:

- the audience is read once: recipients merged with their messages in message-id
  order from two covering indexes (campaign_recipient_funnel, msg_campaign_funnel:
  index-only, no hash table of the whole audience);
- what happened after the send (replies, clicks, conversions, opt-outs: thousands, not
  the audience) is gathered per recipient into a small hash the audience is probed with;
- every recipient is folded at once into its combination of channel, arm, exclusion and
  flags (about a hundred distinct ones), carrying its reply time; GROUPING SETS add the
  combinations up into overall, per channel, per arm and per exclusion reason, and the
  median reply times come from the reply times they carry.

The per-recipient CSV lists the same flags (per_recipient_sql), written from the same
SQL fragments, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.db import connection

from inbox.models import (
    Arm,
    Campaign,
    CampaignConversion,
    CampaignRecipient,
    CampaignReply,
    Channel,
    Consent,
    ContactIdentity,
    Message,
    TrackedLink,
)

from .in_memory_plan import in_memory_plan

# The funnel's steps, in order; every group (overall, each channel, each arm) has them all.
STEPS = (
    "recipients",
    "excluded",
    "queued",
    "sent",
    "delivered",
    "read",
    "replied",
    "clicked",
    "converted",
    "failed",
    "opted_out",
    "fell_back",
)
# The steps a rate is given for (a share of the recipients, i.e. messages written).
RATE_STEPS = tuple(s for s in STEPS if s not in ("recipients", "excluded"))
CHANNELS = ("rcs", "sms")


@dataclass
class FunnelCounts:
    recipients: int = 0
    excluded: int = 0
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    read: int = 0
    replied: int = 0
    clicked: int = 0
    converted: int = 0
    failed: int = 0
    opted_out: int = 0
    fell_back: int = 0
    # Median seconds from the message's send to the recipient's first reply.
    median_reply_seconds: float | None = None

    def as_dict(self) -> dict[str, int]:
        return {step: getattr(self, step) for step in STEPS}

    def rate(self, step: str) -> float | None:
        return getattr(self, step) / self.recipients if self.recipients else None

    def rates(self) -> dict[str, float | None]:
        return {step: self.rate(step) for step in RATE_STEPS}


@dataclass
class Funnel:
    overall: FunnelCounts
    by_channel: dict[str, FunnelCounts]  # "rcs", "sms"
    by_arm: dict[str, FunnelCounts] = field(default_factory=dict)  # "control", "treatment"
    excluded_by_reason: dict[str, int] = field(default_factory=dict)
    attribution_hours: int = 72
    control_share: float = 0.0  # above 0: the campaign has a control arm

    def as_dict(self) -> dict:
        return asdict(self)


def _rich_channel_ids(campaign: Campaign) -> list[int]:
    """The workspace's channels that show rich content: a message there counts as RCS."""
    ids = []
    for channel in Channel.objects.filter(workspace_id=campaign.workspace_id):
        caps = channel.adapter.capabilities(channel)
        if caps.rich_cards or caps.suggestions:
            ids.append(channel.pk)
    return ids


def _tables() -> dict[str, str]:
    return {
        "rcpt": CampaignRecipient._meta.db_table,
        "msg": Message._meta.db_table,
        "reply": CampaignReply._meta.db_table,
        "link": TrackedLink._meta.db_table,
        "conv": CampaignConversion._meta.db_table,
        "consent": Consent._meta.db_table,
        "ident": ContactIdentity._meta.db_table,
    }


# What each recipient's message says, as a few plain columns (cr: its
# CampaignRecipient, m: its message, NULL for an excluded one): the funnel groups the
# audience by these, which costs far less than by the flags computed from them.
FACTS = {
    "has_message": "m.id IS NOT NULL",
    "channel_id": "m.channel_id",
    "status": "m.status",
    "has_sent_at": "m.sent_at IS NOT NULL",
    "has_delivered_at": "m.delivered_at IS NOT NULL",
    "has_read_at": "m.read_at IS NOT NULL",
    "has_fallback": "m.fallback_from_id IS NOT NULL",
}
# The campaign's final channel per recipient: RCS when it went out on a rich channel.
KIND = (
    "CASE WHEN NOT has_message THEN NULL WHEN channel_id = ANY(%(rich)s) THEN 'rcs' ELSE 'sms' END"
)
# What the message's own status history says, over the facts and the recipient's arm
# and exclusion. The funnel and the CSV compute every flag from these same expressions.
MESSAGE_FLAGS = {
    "recipients": "has_message",
    "excluded_flag": "excluded <> ''",
    "queued": "status IN ('queued', 'sending')",
    "sent": "(has_sent_at OR status IN ('sent', 'delivered', 'read'))",
    "delivered": "(has_delivered_at OR status IN ('delivered', 'read'))",
    "read": "(has_read_at OR status = 'read')",
    "failed": "status = 'failed'",
    "fell_back": "has_fallback",
}
# What happened after the send, per recipient: the columns of events_sql().
EVENT_FLAGS = ("replied", "clicked", "converted", "opted_out")


def events_sql() -> str:
    """One row per recipient of %(campaign)s that something happened to after the send:
    replied, clicked, converted, opted_out and first_reply_at.

    Each source is read through its campaign index (thousands of rows, not the
    audience); opt-outs are driven from the consent ledger (those since the campaign was
    created: consent_opted_out_since) to the recipient by its unique key.
    """
    t = _tables()
    return f"""
        SELECT recipient_id, bool_or(replied) AS replied, bool_or(clicked) AS clicked,
               bool_or(converted) AS converted, bool_or(opted_out) AS opted_out,
               min(at) FILTER (WHERE replied) AS first_reply_at
          FROM (
            SELECT recipient_id, true AS replied, tapped AS clicked,
                   false AS converted, false AS opted_out, at
              FROM {t["reply"]} WHERE campaign_id = %(campaign)s
            UNION ALL
            SELECT recipient_id, false, true, false, false, NULL
              FROM {t["link"]}
             WHERE campaign_id = %(campaign)s AND first_clicked_at IS NOT NULL
            UNION ALL
            SELECT recipient_id, false, false, true, false, NULL
              FROM {t["conv"]} WHERE campaign_id = %(campaign)s
            UNION ALL
            SELECT r2.id, false, false, false, true, NULL
              FROM {t["consent"]} c
              JOIN {t["ident"]} i ON i.workspace_id = c.workspace_id AND i.kind = %(phone)s
                   AND i.value = c.address
              JOIN {t["rcpt"]} r2 ON r2.campaign_id = %(campaign)s
                   AND r2.contact_id = i.contact_id
              JOIN {t["msg"]} m2 ON m2.id = r2.message_id
             WHERE c.workspace_id = %(workspace)s AND c.opted_out
               AND c.changed_at >= %(since)s
               AND c.channel_id IN (m2.channel_id, %(channel)s)
               AND c.changed_at >= m2.sent_at AND c.changed_at <= m2.sent_at + %(window)s
          ) happened
         GROUP BY recipient_id
    """


def per_recipient_sql() -> str:
    """One narrow row per recipient of %(campaign)s with an id above %(after)s: what
    happened to it, as flags and times. The recipients' CSV lists these rows; the funnel
    counts the same flags (FACTS, MESSAGE_FLAGS, events_sql), so the two cannot disagree.

    Messages are read through their campaign tag, never by scanning the whole message
    table; what happened after the send is gathered per recipient before it meets the
    audience.
    """
    t = _tables()
    facts = ", ".join(f"{sql} AS {name}" for name, sql in FACTS.items())
    flags = ",\n           ".join(f"{sql} AS {name}" for name, sql in MESSAGE_FLAGS.items())
    events = ",\n           ".join(f"coalesce({name}, false) AS {name}" for name in EVENT_FLAGS)
    return f"""
    SELECT recipient_id, contact_id, arm, excluded, detail, {KIND} AS kind,
           status AS message_status, sent_at, delivered_at, read_at, first_reply_at,
           {flags},
           {events},
           reply_seconds
      FROM (
        SELECT cr.id AS recipient_id, cr.contact_id, cr.arm, cr.excluded, cr.detail,
               m.sent_at, m.delivered_at, m.read_at, ev.first_reply_at, {facts},
               {", ".join(f"ev.{name}" for name in EVENT_FLAGS)},
               extract(epoch FROM ev.first_reply_at - m.sent_at) AS reply_seconds
          FROM {t["rcpt"]} cr
          LEFT JOIN {t["msg"]} m ON m.id = cr.message_id AND m.campaign_id = %(campaign)s
          LEFT JOIN ({events_sql()}) ev ON ev.recipient_id = cr.id
         WHERE cr.campaign_id = %(campaign)s AND cr.id > %(after)s
      ) recipient
"""


def per_recipient_params(campaign: Campaign, *, after: int = 0) -> dict:
    """The parameters of per_recipient_sql for one campaign."""
    return {
        "campaign": campaign.pk,
        "workspace": campaign.workspace_id,
        "channel": campaign.channel_id,
        "rich": _rich_channel_ids(campaign),
        "window": timedelta(hours=campaign.attribution_hours),
        "since": campaign.created_at,
        "phone": ContactIdentity.Kind.PHONE,
        "after": after,
    }


def _funnel_sql() -> str:
    """One statement, one pass over the audience: each recipient with its message and
    what happened after the send, grouped at once by its facts, arm, exclusion and
    events (about a hundred distinct combinations, each with its count and its
    recipients' reply times); the flags computed per combination; then the counts of
    every grouping set over those, and the median reply time over the times they carry."""
    t = _tables()
    facts = ", ".join(f"{sql} AS {name}" for name, sql in FACTS.items())
    raw_events = ", ".join(f"ev.{name}" for name in EVENT_FLAGS)
    keys = 2 + len(FACTS) + len(EVENT_FLAGS)
    flags = ", ".join(f"{sql} AS {name}" for name, sql in MESSAGE_FLAGS.items())
    events = ", ".join(f"coalesce({name}, false) AS {name}" for name in EVENT_FLAGS)
    steps = ", ".join(f"coalesce(sum(n) FILTER (WHERE {s}), 0) AS {s}" for s in _FLAGS)
    return f"""
WITH facts AS (
    SELECT cr.arm, cr.excluded, {facts}, {raw_events}, count(*) AS n,
           array_agg(extract(epoch FROM ev.first_reply_at - m.sent_at))
               FILTER (WHERE ev.first_reply_at IS NOT NULL AND m.sent_at IS NOT NULL)
               AS reply_seconds
      FROM {t["rcpt"]} cr
      LEFT JOIN {t["msg"]} m ON m.id = cr.message_id AND m.campaign_id = %(campaign)s
      LEFT JOIN ({events_sql()}) ev ON ev.recipient_id = cr.id
     WHERE cr.campaign_id = %(campaign)s
     GROUP BY {", ".join(str(i) for i in range(1, keys + 1))}
), combos AS MATERIALIZED (
    SELECT {KIND} AS kind, arm, excluded, {flags}, {events}, n, reply_seconds FROM facts
), counts AS (
    SELECT GROUPING(kind) AS g_kind, GROUPING(arm) AS g_arm, GROUPING(excluded) AS g_excl,
           kind, arm, excluded AS reason, {steps}
      FROM combos GROUP BY GROUPING SETS ((kind), (arm), (excluded), ())
), medians AS (
    SELECT GROUPING(kind) AS g_kind, GROUPING(arm) AS g_arm, kind, arm,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median
      FROM combos CROSS JOIN LATERAL unnest(reply_seconds) AS seconds
     GROUP BY GROUPING SETS ((kind), (arm), ())
)
SELECT counts.*, medians.median AS median_reply_seconds
  FROM counts LEFT JOIN medians
    ON counts.g_excl = 1 AND medians.g_kind = counts.g_kind AND medians.g_arm = counts.g_arm
   AND medians.kind IS NOT DISTINCT FROM counts.kind
   AND medians.arm IS NOT DISTINCT FROM counts.arm
"""


# Each step's flag ("excluded" is named excluded_flag, since the column excluded holds
# the reason the exclusion grouping set groups by).
_FLAGS = [s if s != "excluded" else "excluded_flag" for s in STEPS]


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def campaign_funnel(campaign: Campaign) -> Funnel:
    """The funnel of one campaign, in one statement whatever its size (plus the
    workspace's channels, to know which are RCS, and the transaction's planner settings)."""
    params = per_recipient_params(campaign)
    overall = FunnelCounts()
    by_channel = {kind: FunnelCounts() for kind in CHANNELS}
    by_arm: dict[str, FunnelCounts] = {}
    reasons: dict[str, int] = {}
    with in_memory_plan():  # merged from the covering indexes, not a hash of the audience
        rows = _rows(_funnel_sql(), params)
    for row in rows:
        counts = FunnelCounts(
            **{step: int(row[flag]) for step, flag in zip(STEPS, _FLAGS, strict=True)},
            median_reply_seconds=(
                float(row["median_reply_seconds"])
                if row["median_reply_seconds"] is not None
                else None
            ),
        )
        if row["g_kind"] and row["g_arm"] and row["g_excl"]:
            overall = counts
        elif not row["g_excl"]:
            if row["reason"]:
                reasons[row["reason"]] = counts.excluded
        elif not row["g_kind"] and row["kind"] in CHANNELS:
            by_channel[row["kind"]] = counts
        elif not row["g_arm"] and row["arm"] in Arm.values:
            by_arm[row["arm"]] = counts
    return Funnel(
        overall=overall,
        by_channel=by_channel,
        by_arm=by_arm,
        excluded_by_reason=reasons,
        attribution_hours=campaign.attribution_hours,
        control_share=float(campaign.control_share),
    )


def campaign_headlines(campaign_ids: list[int]) -> dict[int, dict]:
    """The list page's headline rates per campaign: {"recipients": n, "rates": [(step,
    percent of the messages written), ...]} for delivered, replied, clicked, converted,
    in one grouped query."""
    if not campaign_ids:
        return {}
    t = _tables()
    sql = f"""
SELECT cr.campaign_id,
       count(m.id) AS recipients,
       count(*) FILTER (WHERE m.delivered_at IS NOT NULL
                        OR m.status IN ('delivered', 'read')) AS delivered,
       count(*) FILTER (WHERE ev.replied) AS replied,
       count(*) FILTER (WHERE ev.clicked) AS clicked,
       count(*) FILTER (WHERE ev.converted) AS converted
  FROM {t["rcpt"]} cr
  LEFT JOIN {t["msg"]} m ON m.id = cr.message_id AND m.campaign_id = cr.campaign_id
  LEFT JOIN (
    SELECT recipient_id, bool_or(replied) AS replied, bool_or(clicked) AS clicked,
           bool_or(converted) AS converted
      FROM (
        SELECT recipient_id, true AS replied, tapped AS clicked, false AS converted
          FROM {t["reply"]} WHERE campaign_id = ANY(%(ids)s)
        UNION ALL
        SELECT recipient_id, false, true, false FROM {t["link"]}
         WHERE campaign_id = ANY(%(ids)s) AND first_clicked_at IS NOT NULL
        UNION ALL
        SELECT recipient_id, false, false, true FROM {t["conv"]}
         WHERE campaign_id = ANY(%(ids)s)
      ) happened
     GROUP BY recipient_id
  ) ev ON ev.recipient_id = cr.id
 WHERE cr.campaign_id = ANY(%(ids)s)
 GROUP BY cr.campaign_id
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": list(campaign_ids)})
        rows = cursor.fetchall()
    out: dict[int, dict] = {}
    for campaign_id, recipients, *counts in rows:
        steps = ("delivered", "replied", "clicked", "converted")
        rates = [
            (step, round(100 * count / recipients, 1) if recipients else None)
            for step, count in zip(steps, counts, strict=True)
        ]
        out[campaign_id] = {"recipients": recipients, "rates": rates}  # rates in percent
    return out
