"""API v1: automation rules (list, create, edit, delete).

Mounted on inbox's one NinjaAPI by AutomationsConfig.ready(). Rules answer customers
on the workspace's behalf and may call its systems, so, like the admin page, every
operation needs the `admin` scope (which only an admin's token can hold). The body is
checked by the same rule_spec as the page: every reason at once, nothing half-saved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema, Status

from inbox.api.auth import ADMIN
from inbox.api.errors import InvalidRequest
from inbox.api.responses import answers
from inbox.api.strict import known_query_only

from . import selectors
from .models import AutomationRule
from .services import rules
from .services.rule_spec import NAME_MAX, VALUE_MAX, RuleRejected

router = Router(tags=["automations"])

BIG = 2**63 - 1
TriggerName = Literal["postback", "keyword", "new_conversation", "out_of_hours", "campaign_reply"]
ACTIONS_DOC = (
    "In order. Each is an object with `type`: reply {template_id}, set_attribute {key, "
    "value}, add_label {label_id}, assign {team_id and/or user_id}, resolve, snooze "
    "{minutes}, hand_off, webhook {url, attributes: {attribute key: field of the JSON "
    "answer}, fallback_text, auth_header (the header webhook_secret goes in)}, "
    "record_conversion {value}."
)
CONDITIONS_DOC = (
    "Optional: channel_ids, label_ids (the conversation's or the contact's), attribute "
    '{key, value}, business_hours ("open" / "closed").'
)


def _webhook_secret_field():
    """Write-only in both RuleIn and RulePatch (RuleOut says has_webhook_secret)."""
    return Field(
        None,
        max_length=2000,
        description=(
            "Write-only: the webhook action's credential, sent in its auth_header (default "
            'Authorization) to its URL only; "" removes it, left out keeps it'
        ),
    )


class RuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    trigger: TriggerName
    trigger_value: str = Field(
        "", max_length=VALUE_MAX, description="Postback (or its start), or keywords one per line"
    )
    match_prefix: bool = Field(False, description="Postback: match values starting with it")
    conditions: dict[str, Any] = Field(default_factory=dict, description=CONDITIONS_DOC)
    actions: list[dict[str, Any]] = Field(..., description=ACTIONS_DOC)
    is_enabled: bool = True
    webhook_secret: str | None = _webhook_secret_field()


class RulePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    trigger: TriggerName | None = None
    trigger_value: str | None = Field(None, max_length=VALUE_MAX)
    match_prefix: bool | None = None
    conditions: dict[str, Any] | None = Field(None, description=CONDITIONS_DOC)
    actions: list[dict[str, Any]] | None = Field(None, description=ACTIONS_DOC)
    is_enabled: bool | None = None
    position: int | None = Field(None, ge=0, le=1_000_000, description="Lower runs first")
    webhook_secret: str | None = _webhook_secret_field()


class RuleOut(Schema):
    id: int
    name: str
    position: int
    is_enabled: bool
    trigger: str
    trigger_value: str
    match_prefix: bool
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    has_webhook_secret: bool = Field(..., description="A webhook credential is stored")
    hit_count: int
    error_count: int
    last_hit_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    created_at: datetime
    updated_at: datetime


class Created(Schema):
    id: int


def _rule(request: HttpRequest, rule_id: int) -> AutomationRule:
    return get_object_or_404(selectors.workspace_rules(request.auth.workspace_id), pk=rule_id)


def _out(rule: AutomationRule) -> dict:
    fields = [f for f in RuleOut.model_fields if f != "has_webhook_secret"]
    return {field: getattr(rule, field) for field in fields} | {
        "id": rule.pk,
        "has_webhook_secret": bool(rule.webhook_secret_encrypted),
    }


@router.get(
    "/automations",
    response=answers({200: list[RuleOut]}, 422),
    summary="List automation rules, in the order they are tried",
    auth=ADMIN,
)
@known_query_only
def list_rules(request: HttpRequest):
    return [_out(rule) for rule in selectors.workspace_rules(request.auth.workspace_id)]


@router.post(
    "/automations",
    response=answers({201: Created}, 400, 422),
    summary="Create an automation rule (tried after the existing ones)",
    auth=ADMIN,
)
@known_query_only
def create_rule(request: HttpRequest, payload: RuleIn):
    try:
        rule = rules.create_rule(
            workspace=request.auth.workspace, actor=request.auth.user, data=payload.model_dump()
        )
    except RuleRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return Status(201, {"id": rule.pk})


@router.patch(
    "/automations/{rule_id}",
    response=answers({200: RuleOut}, 400, 404, 422),
    summary="Edit an automation rule",
    auth=ADMIN,
)
@known_query_only
def edit_rule(request: HttpRequest, payload: RulePatch, rule_id: int = Path(..., ge=1, le=BIG)):
    """Fields left out stay as they are."""
    rule = _rule(request, rule_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    try:
        rule = rules.update_rule(rule=rule, actor=request.auth.user, data=data)
    except RuleRejected as exc:
        raise InvalidRequest(exc.errors) from None
    return _out(rule)


@router.delete(
    "/automations/{rule_id}",
    response=answers({204: None}, 404, 422),
    summary="Delete an automation rule",
    auth=ADMIN,
)
@known_query_only
def delete_rule(request: HttpRequest, rule_id: int = Path(..., ge=1, le=BIG)):
    rules.delete_rule(rule=_rule(request, rule_id), actor=request.auth.user)
    return Status(204, None)
