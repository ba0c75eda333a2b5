"""A rule as a person or an API client writes it, checked before anything is saved.

The page and the API both hand their input here, so a rule is refused for the same
reasons, every reason at once, and nothing is half-saved. Ids (template, label, team,
agent, channel) must belong to the rule's workspace: another workspace's id is refused
as unknown, never used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from inbox.address_guard import UnsafeTarget, validate
from inbox.models import Channel, Label, Membership, MessageTemplate, Team, Workspace

from ..matching import phrases
from ..models import Trigger

NAME_MAX = 100
VALUE_MAX = 1000
TEXT_MAX = 1000
MAX_ACTIONS = 12
SNOOZE_MAX_MINUTES = 60 * 24 * 30

ACTION_TYPES = (
    "reply",
    "set_attribute",
    "add_label",
    "assign",
    "resolve",
    "snooze",
    "hand_off",
    "webhook",
    "record_conversion",
)
BUSINESS_HOURS = ("", "open", "closed")


class RuleRejected(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RuleSpec:
    name: str
    trigger: str
    trigger_value: str
    match_prefix: bool
    conditions: dict
    actions: list[dict]
    is_enabled: bool = True


def checked(workspace: Workspace, raw: dict[str, Any]) -> RuleSpec:
    """`raw` (name, trigger, trigger_value, match_prefix, conditions, actions, is_enabled)
    as a RuleSpec, or RuleRejected listing every problem."""
    errors: list[str] = []
    name = str(raw.get("name") or "").strip()
    if not name or len(name) > NAME_MAX:
        errors.append(_("name: 1 to %(max)d characters") % {"max": NAME_MAX})
    trigger = str(raw.get("trigger") or "")
    value = str(raw.get("trigger_value") or "").strip()
    if trigger not in Trigger.values:
        errors.append(_("trigger: one of %(choices)s") % {"choices": ", ".join(Trigger.values)})
    elif len(value) > VALUE_MAX:
        errors.append(_("trigger_value: at most %(max)d characters") % {"max": VALUE_MAX})
    elif trigger == Trigger.POSTBACK and not value:
        errors.append(_("trigger_value: the postback (or its start) to answer"))
    elif trigger == Trigger.KEYWORD and not phrases(value):
        errors.append(_("trigger_value: at least one keyword or phrase"))
    conditions = _conditions(workspace, raw.get("conditions") or {}, errors)
    actions = _actions(workspace, raw.get("actions") or [], errors)
    if errors:
        raise RuleRejected(errors)
    return RuleSpec(
        name=name,
        trigger=trigger,
        trigger_value=value,
        match_prefix=bool(raw.get("match_prefix")) and trigger == Trigger.POSTBACK,
        conditions=conditions,
        actions=actions,
        is_enabled=bool(raw.get("is_enabled", True)),
    )


def _ids(value: Any, key: str, errors: list[str]) -> list[int]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        errors.append(_("%(key)s: a list of ids") % {"key": key})
        return []
    return sorted(set(value))


def _conditions(workspace: Workspace, raw: Any, errors: list[str]) -> dict:
    if not isinstance(raw, dict):
        errors.append(_("conditions: an object"))
        return {}
    unknown = set(raw) - {"channel_ids", "label_ids", "attribute", "business_hours"}
    if unknown:
        errors.append(_("conditions: unknown %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {}
    channel_ids = _ids(raw.get("channel_ids"), "conditions.channel_ids", errors)
    if channel_ids:
        found = Channel.objects.filter(workspace=workspace, pk__in=channel_ids).count()
        if found != len(channel_ids):
            errors.append(_("conditions.channel_ids: unknown channel"))
        out["channel_ids"] = channel_ids
    label_ids = _ids(raw.get("label_ids"), "conditions.label_ids", errors)
    if label_ids:
        if Label.objects.filter(workspace=workspace, pk__in=label_ids).count() != len(label_ids):
            errors.append(_("conditions.label_ids: unknown label"))
        out["label_ids"] = label_ids
    attribute = raw.get("attribute")
    if attribute not in (None, {}, ""):
        if (
            not isinstance(attribute, dict)
            or not str(attribute.get("key") or "").strip()
            or not isinstance(attribute.get("value", ""), (str, int, float, bool))
        ):
            errors.append(_('conditions.attribute: {"key": ..., "value": ...}'))
        else:
            out["attribute"] = {
                "key": str(attribute["key"]).strip(),
                "value": str(attribute.get("value", "")).strip(),
            }
    hours = raw.get("business_hours") or ""
    if hours not in BUSINESS_HOURS:
        errors.append(_('conditions.business_hours: "open", "closed" or empty'))
    elif hours:
        out["business_hours"] = hours
    return out


def _text(value: Any, key: str, errors: list[str], *, required: bool = True) -> str:
    text = str(value or "").strip() if isinstance(value, (str, type(None))) else None
    if text is None or (required and not text) or len(text) > TEXT_MAX:
        errors.append(_("%(key)s: text of 1 to %(max)d characters") % {"key": key, "max": TEXT_MAX})
        return ""
    return text


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _actions(workspace: Workspace, raw: Any, errors: list[str]) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        errors.append(_("actions: a list of at least one action"))
        return []
    if len(raw) > MAX_ACTIONS:
        errors.append(_("actions: at most %(max)d") % {"max": MAX_ACTIONS})
        return []
    out = []
    for n, action in enumerate(raw):
        where = f"actions[{n}]"
        kind = action.get("type") if isinstance(action, dict) else None
        if kind not in ACTION_TYPES:
            errors.append(
                _("%(where)s.type: one of %(choices)s")
                % {"where": where, "choices": ", ".join(ACTION_TYPES)}
            )
            continue
        out.append(_action(workspace, kind, action, where, errors))
    if sum(1 for a in out if a["type"] == "webhook") > 1:
        errors.append(_("actions: at most one webhook"))
    return out


def _action(workspace: Workspace, kind: str, raw: dict, where: str, errors: list[str]) -> dict:
    if kind == "reply":
        template_id = _id(raw.get("template_id"))
        if not MessageTemplate.objects.filter(workspace=workspace, pk=template_id).exists():
            errors.append(_("%(where)s.template_id: unknown template") % {"where": where})
        return {"type": kind, "template_id": template_id}
    if kind == "set_attribute":
        key = _text(raw.get("key"), f"{where}.key", errors)
        value = raw.get("value", "")
        if not isinstance(value, (str, int, float, bool)):
            errors.append(_("%(where)s.value: a text, number or true/false") % {"where": where})
        return {"type": kind, "key": key, "value": value}
    if kind == "add_label":
        label_id = _id(raw.get("label_id"))
        if not Label.objects.filter(workspace=workspace, pk=label_id).exists():
            errors.append(_("%(where)s.label_id: unknown label") % {"where": where})
        return {"type": kind, "label_id": label_id}
    if kind == "assign":
        team_id, user_id = _id(raw.get("team_id")), _id(raw.get("user_id"))
        if team_id is None and user_id is None:
            errors.append(_("%(where)s: a team_id, a user_id or both") % {"where": where})
        teams = Team.objects.filter(workspace=workspace)
        if team_id is not None and not teams.filter(pk=team_id).exists():
            errors.append(_("%(where)s.team_id: unknown team") % {"where": where})
        if (
            user_id is not None
            and not Membership.objects.filter(
                workspace=workspace, user_id=user_id, is_active=True
            ).exists()
        ):
            errors.append(_("%(where)s.user_id: not an active member") % {"where": where})
        return {"type": kind, "team_id": team_id, "user_id": user_id}
    if kind == "snooze":
        minutes = _id(raw.get("minutes"))
        if minutes is None or not 1 <= minutes <= SNOOZE_MAX_MINUTES:
            errors.append(
                _("%(where)s.minutes: 1 to %(max)d") % {"where": where, "max": SNOOZE_MAX_MINUTES}
            )
        return {"type": kind, "minutes": minutes}
    if kind == "webhook":
        return _webhook(raw, where, errors)
    if kind == "record_conversion":
        value = raw.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            errors.append(_("%(where)s.value: a number") % {"where": where})
        return {"type": kind, "value": value}
    return {"type": kind}  # resolve, hand_off


DEFAULT_AUTH_HEADER = "Authorization"
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110's token
SECRET_MAX = 2000


def checked_secret(value: str) -> str:
    """The webhook credential as it will be sent, or RuleRejected: one header line."""
    value = value.strip()
    if len(value) > SECRET_MAX or any(c in value for c in "\r\n\0"):
        raise RuleRejected(
            [_("webhook_secret: one line, at most %(max)d characters") % {"max": SECRET_MAX}]
        )
    return value


def _webhook(raw: dict, where: str, errors: list[str]) -> dict:
    url = str(raw.get("url") or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        errors.append(_("%(where)s.url: an http(s) address") % {"where": where})
    else:
        try:
            validate(url)  # checked again at each call by inbox/http.py's guarded client
        except UnsafeTarget as exc:
            errors.append(f"{where}.url: {exc}")
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
        for k, v in attributes.items()
    ):
        errors.append(
            _('%(where)s.attributes: {"attribute key": "field in the answer"}') % {"where": where}
        )
        attributes = {}
    fallback = _text(raw.get("fallback_text"), f"{where}.fallback_text", errors, required=False)
    header = str(raw.get("auth_header") or "").strip() or DEFAULT_AUTH_HEADER
    if len(header) > 100 or not HEADER_NAME.fullmatch(header):
        errors.append(_("%(where)s.auth_header: an HTTP header name") % {"where": where})
    return {
        "type": "webhook",
        "url": url,
        # The header the rule's secret (AutomationRule.webhook_secret) is sent in, if any.
        "auth_header": header,
        "attributes": {k.strip(): v.strip() for k, v in attributes.items()},
        "fallback_text": fallback,
    }
