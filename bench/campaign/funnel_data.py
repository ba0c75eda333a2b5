"""The world of the funnel-page benchmark, loaded with set-based SQL (a minute, not an
hour of sending): one workspace whose latest campaign reached 100,000 recipients, with
the history a real one leaves behind, and enough around it (two earlier campaigns over
the same audience, ordinary conversations) that the workspace holds about 1,000,000
messages and the funnel's queries must find the campaign's rows through indexes.

Every recipient's fate is drawn from a hash of its number (reproducible, no Python loop):

- 2% excluded (1% opted out before the campaign, 0.5% no valid number, 0.5% a missing
  value); the even numbers are RCS-capable (half the audience, the RBM sandbox's rule);
- the latest campaign has a 20% control arm: a capable recipient in it gets the SMS
  version straight on the SMS sender; a treatment message goes out over RCS and 5% of
  them fall back to SMS; the non-capable half is written on RCS and falls back to SMS;
- 2% fail; of the rest 1% stay `sent`, the others are delivered and 60% of the
  delivered RCS messages are read, each step with its status event (sending, sent,
  delivered, read, failed) as the outbox and the receipts leave them;
- within the 72 h window: 20% of the RCS recipients and 11% of the SMS ones reply (an
  inbound message in their thread and its CampaignReply; half the RCS replies are chip
  taps; one in ten repliers writes a second time), 6% follow their tracked link, 3%
  convert (API or postback) and 1% opt out (a Consent row on the sender they were
  reached on, after the send).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

SLUG = "bench-funnel"
MANAGER = "bench-funnel-manager"
LABEL = "bench"
PHONE_BASE = 16_287_000_000
CONTROL_SHARE = "0.20"


def _h(salt: int, field: int) -> str:
    """SQL for a reproducible draw in [0, 1000) per recipient number g and field."""
    return f"(abs(hashint8(g::bigint * 7919 + {salt * 100 + field})) %% 1000)"


def setup_orm(*, recipients: int) -> dict:
    """The rows the product's own services should write: workspace, manager, channels
    (an RCS line falling back to an SMS sender), the template and three campaigns."""
    from django.contrib.auth import get_user_model

    from bench.campaign.fixture import reminder_template
    from channels_rcs.sandbox import accounts
    from channels_sms import sandbox
    from inbox import services
    from inbox.models import Label, Membership, Role, Workspace
    from inbox.services.campaigns.plan import create_campaign
    from workspace_settings.models import AttributeType, ContactAttributeDefinition

    workspace = Workspace.objects.create(slug=SLUG, name="Funnel bench")
    user = get_user_model().objects.create_user(username=MANAGER, password="pw-" + MANAGER)
    Membership.objects.create(workspace=workspace, user=user, role=Role.MANAGER)
    sms = services.create_channel(
        workspace,
        kind="sms",
        name="Bench SMS",
        config=sandbox.channel_config("+14156000001", workspace_id=workspace.pk),
    )
    rcs = services.create_channel(
        workspace,
        kind="rcs",
        name="Bench RCS",
        config=accounts.channel_config(workspace_id=workspace.pk),
        fallback=sms,
    )
    for key, kind in {"balance": AttributeType.NUMBER, "ref": AttributeType.TEXT}.items():
        ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=key.title(), type=kind
        )
    Label.objects.create(workspace=workspace, name=LABEL)
    template = reminder_template(
        workspace, user, second_chip=("I paid", "paid"), conversions=["paid"]
    )
    campaigns = [
        create_campaign(
            workspace=workspace,
            actor=user,
            name=name,
            template=template,
            channel=rcs,
            audience={"label": LABEL},
            control_share=share,
        ).pk
        for name, share in (("March reminder", 0), ("April reminder", 0), ("May reminder", 0.2))
    ]
    return {
        "workspace_id": workspace.pk,
        "user_id": user.pk,
        "sms_id": sms.pk,
        "rcs_id": rcs.pk,
        "campaigns": campaigns,  # oldest first; the last is the one measured
        "recipients": recipients,
    }


def load(info: dict, *, contacts: int, messages: int, log: Callable[[str], None] = print) -> dict:
    """Everything else, as sets. Returns the counts the report prints."""
    now = timezone.now().replace(microsecond=0)
    # The measured campaign went out 4 days ago (its 72 h window has closed); the earlier
    # ones 30 and 15 days ago.
    starts = [now - timedelta(days=30), now - timedelta(days=15), now - timedelta(days=4)]
    with connection.cursor() as cur:
        step = _stepper(log)
        with transaction.atomic():
            _contacts(cur, info, contacts=contacts, since=now - timedelta(days=120))
        step(f"{contacts} contacts, identities, labels, threads")
        for salt, (campaign_id, t0) in enumerate(zip(info["campaigns"], starts, strict=True)):
            measured = campaign_id == info["campaigns"][-1]
            with transaction.atomic():
                _campaign(cur, info, campaign_id, t0, salt=salt + 1, control=measured)
            step(f"campaign {campaign_id}: recipients, messages, status history, replies, ...")
        cur.execute(
            "SELECT count(*) FROM inbox_message WHERE workspace_id = %s", [info["workspace_id"]]
        )
        so_far = cur.fetchone()[0]
        with transaction.atomic():
            _ordinary(cur, info, max(0, messages - so_far), contacts=contacts, until=now)
        step(f"{max(0, messages - so_far)} ordinary messages")
        cur.execute("DROP TABLE bench_contact")
        # As autovacuum leaves the tables once the campaign's receipts have settled.
        cur.execute("VACUUM ANALYZE")
        step("VACUUM ANALYZE")
    return counts(info)


def _stepper(log: Callable[[str], None]) -> Callable[[str], None]:
    started = [time.monotonic()]

    def step(what: str) -> None:
        now = time.monotonic()
        log(f"  {what}: {now - started[0]:.0f} s")
        started[0] = now

    return step


def _contacts(cur, info: dict, *, contacts: int, since: datetime) -> None:
    w = info["workspace_id"]
    cur.execute(
        """
        INSERT INTO inbox_contact (name, created_at, workspace_id, attributes, email, country,
                                   language)
        SELECT 'Ana Cliente' || g, %(since)s + g * interval '1 second', %(w)s,
               jsonb_build_object('balance', 100 + g %% 900, 'ref', 'R' || g), '', 'US', ''
          FROM generate_series(0, %(n)s - 1) g ORDER BY g
        """,
        {"w": w, "n": contacts, "since": since},
    )
    # g: the contact's number, by id order (one INSERT from an ordered series).
    cur.execute(
        """
        CREATE TABLE bench_contact AS
        SELECT (row_number() OVER (ORDER BY id) - 1)::int AS g, id AS contact_id,
               NULL::bigint AS conv_id, ''::text AS phone
          FROM inbox_contact WHERE workspace_id = %(w)s
        """,
        {"w": w},
    )
    cur.execute("UPDATE bench_contact SET phone = '+' || (%s + g)", [PHONE_BASE])
    cur.execute("ALTER TABLE bench_contact ADD PRIMARY KEY (g)")
    cur.execute(
        """
        INSERT INTO inbox_contactidentity (kind, value, created_at, contact_id, workspace_id)
        SELECT 'phone', phone, now(), contact_id, %(w)s FROM bench_contact
        """,
        {"w": w},
    )
    cur.execute(
        """
        INSERT INTO inbox_contact_labels (contact_id, label_id)
        SELECT b.contact_id, l.id FROM bench_contact b
          JOIN inbox_label l ON l.workspace_id = %(w)s AND l.name = %(label)s
         WHERE b.g < %(r)s
        """,
        {"w": w, "label": LABEL, "r": info["recipients"]},
    )
    cur.execute(
        """
        INSERT INTO inbox_conversation (status, last_message_at, last_message_preview,
                                        created_at, channel_id, contact_id, workspace_id)
        SELECT CASE WHEN g %% 3 = 0 THEN 'open' ELSE 'resolved' END, %(since)s, '',
               %(since)s, CASE WHEN g %% 2 = 0 THEN %(rcs)s ELSE %(sms)s END, contact_id, %(w)s
          FROM bench_contact ORDER BY g
        """,
        {"w": w, "since": since, "rcs": info["rcs_id"], "sms": info["sms_id"]},
    )
    cur.execute(
        """
        UPDATE bench_contact b SET conv_id = c.id FROM inbox_conversation c
         WHERE c.workspace_id = %(w)s AND c.contact_id = b.contact_id
        """,
        {"w": w},
    )


def _campaign(cur, info: dict, campaign_id: int, t0: datetime, *, salt: int, control: bool):
    """One completed campaign over contacts 0..recipients-1, sent from t0 at 500/s."""
    h = lambda field: _h(salt, field)  # noqa: E731
    p = {
        "w": info["workspace_id"],
        "c": campaign_id,
        "rcs": info["rcs_id"],
        "sms": info["sms_id"],
        "t0": t0,
        "r": info["recipients"],
        "control": control,
    }
    cur.execute("DROP TABLE IF EXISTS bench_rcpt")
    # Each recipient's fate, then its route and times.
    cur.execute(
        f"""
        CREATE TABLE bench_rcpt AS
        SELECT g, b.contact_id, b.conv_id, b.phone, gen_random_uuid() AS msg_id,
               CASE WHEN {h(1)} < 10 THEN 'opted_out' WHEN {h(1)} < 15 THEN 'invalid_number'
                    WHEN {h(1)} < 20 THEN 'missing_value' ELSE '' END AS excluded,
               g %% 2 = 0 AS capable,
               {h(2)} AS arm_draw, {h(3)} AS fallback_draw, {h(4)} AS status_draw,
               {h(5)} AS read_draw, {h(6)} AS delay_draw, {h(7)} AS reply_draw,
               {h(8)} AS reply_delay, {h(9)} AS tap_draw, {h(10)} AS click_draw,
               {h(11)} AS convert_draw, {h(12)} AS optout_draw,
               %(t0)s + g * interval '2 milliseconds' AS at
          FROM bench_contact b WHERE g < %(r)s
        """,
        p,
    )
    cur.execute(
        """
        ALTER TABLE bench_rcpt
          ADD COLUMN arm text, ADD COLUMN channel_id bigint, ADD COLUMN fallback_from_id bigint,
          ADD COLUMN status text, ADD COLUMN rid bigint
        """
    )
    cur.execute(
        """
        UPDATE bench_rcpt SET
          arm = CASE WHEN excluded <> '' OR NOT capable OR NOT %(control)s THEN ''
                     WHEN arm_draw < 200 THEN 'control' ELSE 'treatment' END,
          status = CASE WHEN excluded <> '' THEN NULL WHEN status_draw < 20 THEN 'failed'
                        WHEN status_draw < 30 THEN 'sent' ELSE 'delivered' END
        """,
        p,
    )
    cur.execute(
        """
        UPDATE bench_rcpt SET
          channel_id = CASE WHEN arm = 'control' THEN %(sms)s
                            WHEN capable AND fallback_draw >= 50 THEN %(rcs)s ELSE %(sms)s END,
          fallback_from_id = CASE WHEN arm = 'control' THEN NULL
                                  WHEN capable AND fallback_draw >= 50 THEN NULL
                                  ELSE %(rcs)s END
        """,
        p,
    )
    cur.execute(
        "UPDATE bench_rcpt SET status = 'read' "
        "WHERE status = 'delivered' AND channel_id = %(rcs)s AND read_draw < 600",
        p,
    )
    cur.execute(
        """
        INSERT INTO inbox_message (id, direction, author, content, text, status,
            provider_message_id, error_code, error_message, attempts, created_at, queued_at,
            sending_at, sent_at, delivered_at, read_at, failed_at, channel_id,
            conversation_id, workspace_id, fallback_from_id, fallback_reason, campaign_id)
        SELECT msg_id, 'outbound', 'bot',
               jsonb_build_object('type', 'text', 'text', body), body, status,
               'P' || md5(msg_id::text),
               CASE WHEN status = 'failed' THEN '30006' ELSE '' END,
               CASE WHEN status = 'failed' THEN 'Landline or unreachable carrier' ELSE '' END,
               1, at - interval '1 minute', at - interval '1 minute',
               at - interval '100 milliseconds',
               CASE WHEN status <> 'failed' THEN at END,
               CASE WHEN status IN ('delivered', 'read')
                    THEN at + (1 + delay_draw %% 20) * interval '1 second' END,
               CASE WHEN status = 'read' THEN at + (1 + delay_draw) * interval '1 minute' END,
               CASE WHEN status = 'failed' THEN at END,
               channel_id, conv_id, %(w)s, fallback_from_id,
               CASE WHEN fallback_from_id IS NOT NULL THEN 'Not RCS-capable' ELSE '' END, %(c)s
          FROM bench_rcpt,
               LATERAL (SELECT 'Hola Ana, your payment is due (ref R' || g || ')' AS body) b
         WHERE excluded = '' ORDER BY g
        """,
        p,
    )
    # The status history, as the outbox and the receipts leave it.
    cur.execute(
        """
        INSERT INTO inbox_messagestatusevent (status, at, error_code, error_message, source,
                                              applied, raw, message_id)
        SELECT e.status, e.at, '', '', e.source, true, '{}'::jsonb, m.id
          FROM inbox_message m,
               LATERAL (VALUES ('sending', m.sending_at, 'worker'), ('sent', m.sent_at, 'worker'),
                               ('delivered', m.delivered_at, 'webhook'),
                               ('read', m.read_at, 'webhook'), ('failed', m.failed_at, 'worker'))
                       AS e(status, at, source)
         WHERE m.campaign_id = %(c)s AND e.at IS NOT NULL
         ORDER BY m.sending_at
        """,
        p,
    )
    cur.execute(
        """
        INSERT INTO inbox_campaignrecipient (excluded, detail, created_at, campaign_id,
                                             contact_id, message_id, arm)
        SELECT excluded, '', at - interval '1 minute', %(c)s, contact_id,
               CASE WHEN excluded = '' THEN msg_id END, arm
          FROM bench_rcpt ORDER BY g
        """,
        p,
    )
    cur.execute(
        """
        UPDATE bench_rcpt b SET rid = cr.id FROM inbox_campaignrecipient cr
         WHERE cr.campaign_id = %(c)s AND cr.contact_id = b.contact_id
        """,
        p,
    )
    # Replies: RCS recipients answer more often; one replier in ten writes twice.
    cur.execute(
        """
        CREATE TEMP TABLE bench_reply ON COMMIT DROP AS
        SELECT g, rid, conv_id, channel_id, gen_random_uuid() AS msg_id, k,
               at + (5 + reply_delay * 3 + (k - 1) * 600) * interval '1 minute' AS at,
               k = 1 AND channel_id = %(rcs)s AND tap_draw < 500 AS tapped
          FROM bench_rcpt, generate_series(1, 2) k
         WHERE status <> 'failed' AND excluded = ''
           AND reply_draw < CASE WHEN channel_id = %(rcs)s THEN 200 ELSE 110 END
           AND (k = 1 OR tap_draw >= 900)
        """,
        p,
    )
    cur.execute(
        """
        INSERT INTO inbox_message (id, direction, author, content, text, status,
            provider_message_id, error_code, error_message, attempts, created_at, channel_id,
            conversation_id, workspace_id, fallback_reason)
        SELECT msg_id, 'inbound', 'contact',
               jsonb_build_object('type', 'text', 'text', body), body, 'received',
               'I' || md5(msg_id::text), '', '', 0, at, channel_id, conv_id, %(w)s, ''
          FROM bench_reply,
               LATERAL (SELECT CASE WHEN tapped THEN 'I paid' ELSE 'When is it due?' END AS body) b
        """,
        p,
    )
    cur.execute(
        """
        INSERT INTO inbox_campaignreply (message_id, at, tapped, campaign_id, recipient_id)
        SELECT msg_id, at, tapped, %(c)s, rid FROM bench_reply
        """,
        p,
    )
    # The text version's tracked link, one per message written; 6% followed.
    cur.execute(
        """
        INSERT INTO inbox_trackedlink (code, url, clicks, first_clicked_at, campaign_id,
                                       recipient_id)
        SELECT substr(md5(%(c)s || ':' || g), 1, 12), 'https://pay.example.com/',
               CASE WHEN status <> 'failed' AND click_draw < 60 THEN 1 + click_draw %% 3 ELSE 0 END,
               CASE WHEN status <> 'failed' AND click_draw < 60
                    THEN at + (10 + click_draw * 7) * interval '1 minute' END,
               %(c)s, rid
          FROM bench_rcpt WHERE excluded = ''
        """,
        p,
    )
    cur.execute(
        """
        INSERT INTO inbox_campaignconversion (value, source, at, campaign_id, recipient_id)
        SELECT 20 + convert_draw, CASE WHEN convert_draw %% 2 = 0 THEN 'api' ELSE 'postback' END,
               at + (1 + convert_draw) * interval '1 hour', %(c)s, rid
          FROM bench_rcpt WHERE excluded = '' AND status <> 'failed' AND convert_draw < 30
        """,
        p,
    )
    # Opt-outs: before the campaign (the excluded ones), and within its window after it.
    cur.execute(
        """
        INSERT INTO inbox_consent (address, opted_out, keyword, source, changed_at,
                                   channel_id, workspace_id)
        SELECT phone, true, 'STOP', 'keyword',
               CASE WHEN excluded = 'opted_out' THEN %(t0)s - interval '20 days'
                    ELSE at + (1 + optout_draw) * interval '1 hour' END,
               CASE WHEN excluded = 'opted_out' THEN %(sms)s ELSE channel_id END, %(w)s
          FROM bench_rcpt
         WHERE excluded = 'opted_out' OR (excluded = '' AND status <> 'failed' AND optout_draw < 10)
        ON CONFLICT (channel_id, address) DO NOTHING
        """,
        p,
    )
    last = t0 + timedelta(milliseconds=2 * info["recipients"])
    cur.execute(
        """
        UPDATE inbox_campaign SET status = 'completed', created_at = %(t0)s - interval '1 hour',
               launched_at = %(t0)s - interval '1 minute', progressed_at = %(last)s,
               finished_at = %(last)s,
               cursor = (SELECT max(contact_id) FROM bench_rcpt)
         WHERE id = %(c)s
        """,
        {**p, "last": last},
    )
    cur.execute("DROP TABLE bench_rcpt")


def _ordinary(cur, info: dict, n: int, *, contacts: int, until: datetime) -> None:
    """Agents and customers talking in the threads over the last 120 days."""
    cur.execute(
        """
        INSERT INTO inbox_message (id, direction, author, content, text, status,
            provider_message_id, error_code, error_message, attempts, created_at, sent_at,
            delivered_at, channel_id, conversation_id, workspace_id, fallback_reason)
        SELECT gen_random_uuid(), d.direction, d.author,
               jsonb_build_object('type', 'text', 'text', t.text), t.text, d.status, '', '', '',
               CASE WHEN d.direction = 'outbound' THEN 1 ELSE 0 END, d.at,
               CASE WHEN d.direction = 'outbound' THEN d.at END,
               CASE WHEN d.direction = 'outbound' THEN d.at + interval '3 seconds' END,
               CASE WHEN b.g %% 2 = 0 THEN %(rcs)s ELSE %(sms)s END, b.conv_id, %(w)s, ''
          FROM generate_series(0, %(n)s - 1) j
          JOIN bench_contact b ON b.g = (abs(hashint8(j::bigint)) %% %(contacts)s)
          CROSS JOIN LATERAL (
            SELECT CASE WHEN j %% 2 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
                   CASE WHEN j %% 2 = 0 THEN 'contact' ELSE 'agent' END AS author,
                   CASE WHEN j %% 2 = 0 THEN 'received' ELSE 'delivered' END AS status,
                   %(until)s - (abs(hashint8(j::bigint + 77)) %% 10368000)
                               * interval '1 second' AS at
          ) d
          CROSS JOIN LATERAL (
            SELECT (ARRAY['Hello, is my order on its way?', 'Thanks, that helps',
                          'Can I change my delivery address?', 'Your refund is processed',
                          'We have it in stock again', 'Payment received, thank you'])
                   [1 + j %% 6] AS text
          ) t
        """,
        {
            "w": info["workspace_id"],
            "n": n,
            "contacts": contacts,
            "until": until,
            "rcs": info["rcs_id"],
            "sms": info["sms_id"],
        },
    )


def counts(info: dict) -> dict:
    """What the workspace holds, for the report."""
    with connection.cursor() as cur:
        out = {}
        for name, sql in {
            "messages": "SELECT count(*) FROM inbox_message WHERE workspace_id = %(w)s",
            "status_events": "SELECT count(*) FROM inbox_messagestatusevent",
            "contacts": "SELECT count(*) FROM inbox_contact WHERE workspace_id = %(w)s",
            "campaign_messages": "SELECT count(*) FROM inbox_message WHERE campaign_id = %(c)s",
            "recipients": "SELECT count(*) FROM inbox_campaignrecipient WHERE campaign_id = %(c)s",
            "replies": "SELECT count(*) FROM inbox_campaignreply WHERE campaign_id = %(c)s",
            "links_clicked": "SELECT count(*) FROM inbox_trackedlink "
            "WHERE campaign_id = %(c)s AND first_clicked_at IS NOT NULL",
            "conversions": "SELECT count(*) FROM inbox_campaignconversion "
            "WHERE campaign_id = %(c)s",
            "consents": "SELECT count(*) FROM inbox_consent WHERE workspace_id = %(w)s",
        }.items():
            cur.execute(sql, {"w": info["workspace_id"], "c": info["campaigns"][-1]})
            out[name] = cur.fetchone()[0]
    return out
