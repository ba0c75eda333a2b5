"""The rule builder's POST as the plain dict rule_spec checks (no rules here: parsing).

Action rows arrive in page order: each row posts `action=<key>` and its fields as
`<key>-<field>`, so rows added or removed by htmx need no renumbering.
"""

from __future__ import annotations

from django.http import QueryDict

ROW_FIELDS = {
    "reply": ("template_id",),
    "set_attribute": ("key", "value"),
    "add_label": ("label_id",),
    "assign": ("team_id", "user_id"),
    "resolve": (),
    "snooze": ("minutes",),
    "hand_off": (),
    "webhook": ("url", "attributes", "fallback_text", "auth_header"),
    "record_conversion": ("value",),
}
INT_FIELDS = {"template_id", "label_id", "team_id", "user_id", "minutes"}


def _int(raw: str):
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return raw  # refused with its field's name by rule_spec


def _number(raw: str):
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return raw


def _mapping(raw: str) -> dict[str, str] | str:
    """ "balance = account.balance" lines as {"balance": "account.balance"}."""
    found: dict[str, str] = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        key, sep, path = line.partition("=")
        if not sep:
            return raw  # refused by rule_spec
        found[key.strip()] = path.strip()
    return found


def action_from_row(post: QueryDict, key: str) -> dict:
    kind = post.get(f"{key}-type", "")
    action: dict = {"type": kind}
    for name in ROW_FIELDS.get(kind, ()):
        raw = post.get(f"{key}-{name}", "")
        if name in INT_FIELDS:
            value = _int(raw)
            if value is not None or name in ("template_id", "label_id", "minutes"):
                action[name] = value
        elif name == "attributes":
            action[name] = _mapping(raw)
        elif kind == "record_conversion" and name == "value":
            action[name] = _number(raw)
        else:
            action[name] = raw.strip()
    return action


def rule_data(post: QueryDict) -> dict:
    """What the builder posted, for rule_spec.checked (which says what is wrong)."""
    conditions: dict = {
        "channel_ids": [_int(v) for v in post.getlist("channel_ids") if v.strip()],
        "label_ids": [_int(v) for v in post.getlist("label_ids") if v.strip()],
        "business_hours": post.get("business_hours", ""),
    }
    key = post.get("attribute_key", "").strip()
    if key:
        conditions["attribute"] = {"key": key, "value": post.get("attribute_value", "")}
    data = {
        "name": post.get("name", ""),
        "trigger": post.get("trigger", ""),
        "trigger_value": post.get("trigger_value", ""),
        "match_prefix": post.get("match_prefix") == "on",
        "is_enabled": post.get("is_enabled") == "on",
        "conditions": conditions,
        "actions": [action_from_row(post, k) for k in post.getlist("action") if k.strip()],
    }
    data.update(_webhook_secret(post))
    position = post.get("position", "").strip()
    if position.isdigit():
        data["position"] = min(int(position), 1_000_000)  # order among the rules
    return data


def _webhook_secret(post: QueryDict) -> dict:
    """The webhook row's secret: typed, it replaces the stored one; "remove" ticked, it
    goes; left blank (the page never shows it back), the stored one is kept."""
    for key in post.getlist("action"):
        if post.get(f"{key}-type") != "webhook":
            continue
        if post.get(f"{key}-clear_secret") == "on":
            return {"webhook_secret": ""}
        typed = post.get(f"{key}-secret", "")
        if typed.strip():
            return {"webhook_secret": typed}
    return {}


def rows_from_rule(actions: list[dict]) -> list[dict]:
    """The saved actions as builder rows ({"key", "type", "values"})."""
    rows = []
    for n, action in enumerate(actions):
        values = dict(action)
        if isinstance(values.get("attributes"), dict):
            values["attributes"] = "\n".join(f"{k} = {v}" for k, v in values["attributes"].items())
        rows.append({"key": f"a{n}", "type": action.get("type", ""), "values": values})
    return rows


def rows_from_post(post: QueryDict) -> list[dict]:
    """The rows as posted, to show the builder again with what the admin typed."""
    rows = []
    for key in post.getlist("action"):
        kind = post.get(f"{key}-type", "")
        values = {name: post.get(f"{key}-{name}", "") for name in ROW_FIELDS.get(kind, ())}
        rows.append({"key": key, "type": kind, "values": values})
    return rows
