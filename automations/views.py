"""The automations admin page (admins only, like every settings page): the rules in
order with their hits and errors, the reply guard, enable/disable in place (htmx), the
rule builder with action rows added and removed by htmx, a rule's last matches, and
trying a rule against a sample message. Reads through automations.selectors, writes
through automations.services (each write audited)."""

from __future__ import annotations

import uuid

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox import access
from inbox.models import Label, Membership, MessageTemplate, Team
from workspace_settings.views.admin_pages import admin_view

from . import forms, selectors
from .models import AutomationRule, Trigger
from .services import rules, trial
from .services.rule_spec import ACTION_TYPES, RuleRejected
from .services.running import max_replies_per_hour

ACTION_LABELS = {
    "reply": gettext_lazy("Reply with a template"),
    "set_attribute": gettext_lazy("Set a contact attribute"),
    "add_label": gettext_lazy("Add a label"),
    "assign": gettext_lazy("Assign to a team or agent"),
    "resolve": gettext_lazy("Resolve"),
    "snooze": gettext_lazy("Snooze"),
    "hand_off": gettext_lazy("Hand off to a person"),
    "webhook": gettext_lazy("Call a webhook (its answer fills attributes)"),
    "record_conversion": gettext_lazy("Record a campaign conversion"),
}


def page(request, membership, template: str, nav: str, *, status: int = 200, **context):
    """A settings page (the settings layout and its navigation)."""
    context.update(
        membership=membership,
        workspace=membership.workspace,
        memberships=access.memberships(request.user),
        nav=nav,
        section="settings",
    )
    return render(request, f"automations/{template}", context, status=status)


def _rule(membership: Membership, rule_id: int) -> AutomationRule:
    rule = selectors.rule_in_workspace(membership.workspace_id, rule_id)
    if rule is None:
        raise Http404("No such rule")
    return rule


def _choices(membership: Membership) -> dict:
    workspace = membership.workspace
    return {
        "templates": MessageTemplate.objects.filter(workspace=workspace),
        "labels": Label.objects.filter(workspace=workspace),
        "teams": Team.objects.filter(workspace=workspace).order_by("name"),
        "members": access.members(workspace),
        "channels": access.channels(workspace),
        "triggers": Trigger.choices,
        "action_types": [(kind, ACTION_LABELS[kind]) for kind in ACTION_TYPES],
    }


@admin_view
@require_http_methods(["GET", "POST"])
def rule_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    errors: list[str] = []
    if request.method == "POST":  # the reply guard
        try:
            limit = int(request.POST.get("max_replies_per_hour", ""))
            rules.set_max_replies(
                workspace=workspace, actor=request.user, max_replies_per_hour=limit
            )
        except ValueError:
            errors = [_("Write a whole number of replies.")]
        except RuleRejected as exc:
            errors = exc.errors
        if not errors:
            flash.success(request, _("Reply guard saved."))
            return redirect("automations:list", slug=workspace.slug)
    return page(
        request, membership, "list.html", "automations",
        status=422 if errors else 200,
        rules=selectors.workspace_rules(workspace.pk),
        max_replies=max_replies_per_hour(workspace.pk),
        errors=errors,
    )  # fmt: skip


def _builder(request, membership, rule, *, data=None, rows=None, errors=(), status=200):
    return page(
        request, membership, "rule_form.html", "automations",
        status=status, rule=rule, data=data, rows=rows or [], errors=list(errors),
        runs=selectors.recent_runs(rule) if rule else [],
        **_choices(membership),
    )  # fmt: skip


def _form_data(rule: AutomationRule) -> dict:
    attribute = (rule.conditions or {}).get("attribute") or {}
    return {
        "name": rule.name,
        "position": rule.position,
        "trigger": rule.trigger,
        "trigger_value": rule.trigger_value,
        "match_prefix": rule.match_prefix,
        "is_enabled": rule.is_enabled,
        "channel_ids": rule.conditions.get("channel_ids", []),
        "label_ids": rule.conditions.get("label_ids", []),
        "attribute_key": attribute.get("key", ""),
        "attribute_value": attribute.get("value", ""),
        "business_hours": rule.conditions.get("business_hours", ""),
    }


def _posted(request) -> dict:
    post = request.POST
    return {
        "name": post.get("name", ""),
        "position": post.get("position", ""),
        "trigger": post.get("trigger", ""),
        "trigger_value": post.get("trigger_value", ""),
        "match_prefix": post.get("match_prefix") == "on",
        "is_enabled": post.get("is_enabled") == "on",
        "channel_ids": [int(v) for v in post.getlist("channel_ids") if v.isdigit()],
        "label_ids": [int(v) for v in post.getlist("label_ids") if v.isdigit()],
        "attribute_key": post.get("attribute_key", ""),
        "attribute_value": post.get("attribute_value", ""),
        "business_hours": post.get("business_hours", ""),
    }


def _refused(request, membership, rule, exc: RuleRejected) -> HttpResponse:
    """The builder again with what was posted and every reason it was refused."""
    return _builder(
        request, membership, rule, data=_posted(request),
        rows=forms.rows_from_post(request.POST), errors=exc.errors, status=422,
    )  # fmt: skip


@admin_view
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method == "POST":
        try:
            data = forms.rule_data(request.POST)
            rule = rules.create_rule(workspace=membership.workspace, actor=request.user, data=data)
        except RuleRejected as exc:
            return _refused(request, membership, None, exc)
        flash.success(request, _("Rule created."))
        return redirect("automations:edit", slug=membership.workspace.slug, rule_id=rule.pk)
    data = {"is_enabled": True, "trigger": Trigger.KEYWORD}
    rows = [{"key": "a0", "type": "reply", "values": {}}]
    return _builder(request, membership, None, data=data, rows=rows)


@admin_view
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, membership: Membership, rule_id: int) -> HttpResponse:
    rule = _rule(membership, rule_id)
    if request.method == "POST":
        try:
            rules.update_rule(rule=rule, actor=request.user, data=forms.rule_data(request.POST))
        except RuleRejected as exc:
            return _refused(request, membership, rule, exc)
        flash.success(request, _("Rule saved."))
        return redirect("automations:edit", slug=membership.workspace.slug, rule_id=rule.pk)
    return _builder(
        request, membership, rule, data=_form_data(rule), rows=forms.rows_from_rule(rule.actions)
    )


@admin_view
@require_POST
def rule_toggle(request: HttpRequest, membership: Membership, rule_id: int) -> HttpResponse:
    """Enable or disable in place: the row comes back for htmx to swap."""
    rule = _rule(membership, rule_id)
    rule = rules.set_enabled(
        rule=rule, actor=request.user, enabled=request.POST.get("enabled") == "on"
    )
    if not request.htmx:
        return redirect("automations:list", slug=membership.workspace.slug)
    return render(
        request, "automations/_rule_row.html", {"rule": rule, "workspace": membership.workspace}
    )


@admin_view
@require_POST
def rule_delete(request: HttpRequest, membership: Membership, rule_id: int) -> HttpResponse:
    rules.delete_rule(rule=_rule(membership, rule_id), actor=request.user)
    flash.success(request, _("Rule deleted."))
    return redirect("automations:list", slug=membership.workspace.slug)


@admin_view
@require_POST
def rule_try(request: HttpRequest, membership: Membership, rule_id: int) -> HttpResponse:
    """The trial fragment: nothing is written."""
    rule = _rule(membership, rule_id)
    result = trial.try_rule(
        rule, text=request.POST.get("text", ""), postback=request.POST.get("postback", "")
    )
    return render(request, "automations/_trial.html", {"trial": result, "rule": rule})


@admin_view
@require_GET
def action_row(request: HttpRequest, membership: Membership) -> HttpResponse:
    """One empty action row of the chosen type, for htmx to append to the builder."""
    kind = request.GET.get("type", "")
    if kind not in ACTION_TYPES:
        raise Http404("No such action")
    row = {"key": f"r{uuid.uuid4().hex[:8]}", "type": kind, "values": {}}
    return render(
        request,
        "automations/_action_row.html",
        {"row": row, "workspace": membership.workspace, **_choices(membership)},
    )


@admin_view
@require_GET
def action_row_removed(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Removing a row: htmx swaps the row for this empty answer (no script needed)."""
    return HttpResponse("")
