"""Who resolved it: conversations resolved without a person (automation answered, or
nobody did) against those an agent replied in, and the bot's own replies, counted apart.

"With a person" means an agent's reply in the conversation between the customer's first
message of that stretch (the resolution sample's start) and the resolution. Automated
messages (author "bot": automation rules, out-of-hours replies, campaigns) never count
as a person. Read from the resolution samples the roll-up keeps (each knows whether an
agent replied in its stretch: dashboards.rollup.samples.mark_agent_replies) and the
messages (the bot's replies).
"""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from .scope import Scope
from .tables import Table, pct

_RESOLUTIONS = """
SELECT count(*), count(*) FILTER (WHERE r.agent_replied)
FROM dashboards_resolutionsample r
WHERE r.workspace_id = %(ws)s AND r.resolved_at >= %(start)s AND r.resolved_at < %(end)s
  AND r.timed {extra}
"""

_BOT_REPLIES = """
SELECT count(*) FROM inbox_message m
WHERE m.workspace_id = %(ws)s AND m.direction = 'outbound' AND m.author = 'bot'
  AND m.created_at >= %(start)s AND m.created_at < %(end)s {extra}
"""


def build(scope: Scope) -> Table:
    params: dict = {"ws": scope.workspace.pk, "start": scope.start, "end": scope.end}
    extra = ""
    for name, value in (
        ("channel_id", scope.channel_id),
        ("team_id", scope.team_id),
        ("agent_id", scope.agent_id),
    ):
        if value is not None:
            extra += f" AND r.{name} = %({name})s"
            params[name] = value
    bot_extra = " AND m.channel_id = %(channel_id)s" if scope.channel_id is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(_RESOLUTIONS.format(extra=extra), params)
        total, helped = cursor.fetchone()
        alone = total - helped
        cursor.execute(_BOT_REPLIES.format(extra=bot_extra), params)
        (bot_replies,) = cursor.fetchone()
    return Table(
        "resolved_by",
        _("Resolved without a person vs with one"),
        [_("measure"), _("count"), _("% of resolutions")],
        [
            [_("Resolved without a person (automated or no reply)"), alone, pct(alone, total)],
            [_("Resolved with a person (an agent replied)"), helped, pct(helped, total)],
            [_("Automated (bot) replies sent"), bot_replies, None],
        ],
    )
