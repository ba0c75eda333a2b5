"""WhatsApp message templates: sync from the account, create and submit ours, and the
content that sends one.

Template endpoints from Meta's "Message templates" guide
(developers.facebook.com/docs/whatsapp/business-management-api/message-templates):
GET /{waba_id}/message_templates lists them with their status; POST creates one, which
Meta then reviews (PENDING -> APPROVED / REJECTED). Sending one is an ordinary outbound
message whose content is text (the filled-in body, which every other part of the inbox
reads) carrying {"template": {"name", "language", "parameters"}} (content.md has no
template type; see docs/channels/whatsapp.md).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.adapters import SendError
from inbox.services import audit

from . import client
from .models import PLACEHOLDER, MessageTemplate

NAME = re.compile(r"^[a-z0-9_]{1,512}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
STATUSES = {s.value for s in MessageTemplate.Status}


class TemplateError(Exception):
    """A template could not be synced or submitted; the message is for the admin."""


def templates_for(channel):
    return MessageTemplate.objects.filter(channel=channel).order_by("name", "language")


def approved_templates(channel):
    """What an agent may send outside the 24-hour window (the composer's picker)."""
    return templates_for(channel).filter(status=MessageTemplate.Status.APPROVED)


def sync_templates(channel, *, actor=None) -> int:
    """Replace what we know of the account's templates with what Meta reports; returns
    how many it reported. Ours not yet submitted (DRAFT) are kept."""
    try:
        remote = client.list_templates(client.account_for(channel))
    except SendError as exc:
        raise TemplateError(
            _("Could not sync templates: %(reason)s") % {"reason": exc.reason}
        ) from exc
    now = timezone.now()
    seen = set()
    with transaction.atomic():
        for item in remote:
            name, language = str(item.get("name") or ""), str(item.get("language") or "")
            if not NAME.fullmatch(name) or not language:
                continue
            status = str(item.get("status") or "")
            category = str(item.get("category") or "")
            components = item.get("components") if isinstance(item.get("components"), list) else []
            MessageTemplate.objects.update_or_create(
                channel=channel,
                name=name,
                language=language[:16],
                defaults={
                    "workspace_id": channel.workspace_id,
                    "category": category
                    if category in MessageTemplate.Category.values
                    else "UTILITY",
                    "status": status if status in STATUSES else MessageTemplate.Status.OTHER,
                    "components": components,
                    "provider_id": str(item.get("id") or "")[:64],
                    "rejected_reason": str(item.get("rejected_reason") or "")[:200]
                    if status == "REJECTED"
                    else "",
                    "synced_at": now,
                },
            )
            seen.add((name, language[:16]))
        gone = [
            t.pk
            for t in templates_for(channel).exclude(status=MessageTemplate.Status.DRAFT)
            if (t.name, t.language) not in seen
        ]
        MessageTemplate.objects.filter(pk__in=gone).delete()
        if actor is not None:
            audit.record(
                workspace=channel.workspace,
                actor=actor,
                action="whatsapp_templates.sync",
                target=channel,
                after={"reported": len(seen), "removed": len(gone)},
            )
    return len(seen)


def template_errors(
    *, name: str, language: str, category: str, body: str, examples: list[str]
) -> list[str]:
    errors = []
    if not NAME.fullmatch(name):
        errors.append(_("name: lowercase letters, digits and underscores only"))
    if not LANGUAGE.fullmatch(language):
        errors.append(_("language: a code such as en_US or es"))
    if category not in MessageTemplate.Category.values:
        errors.append(_("category: must be MARKETING, UTILITY or AUTHENTICATION"))
    if not body.strip():
        errors.append(_("body: required"))
    elif len(body) > 1024:
        errors.append(_("body: %(n)s > 1024 characters") % {"n": len(body)})
    numbers = sorted({int(n) for n in PLACEHOLDER.findall(body)})
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        errors.append(_("body: variables must be numbered {{1}}, {{2}}, ... in order"))
    if len(examples) < len(numbers):
        errors.append(
            _("examples: %(n)s variables need %(n)s example values (Meta reviews them)")
            % {"n": len(numbers)}
        )
    return errors


def create_template(
    channel, *, name: str, language: str, category: str, body: str, examples: list[str], actor=None
) -> MessageTemplate:
    """Save a template (DRAFT) for this channel; TemplateError with the reasons if invalid."""
    errors = template_errors(
        name=name, language=language, category=category, body=body, examples=examples
    )
    if errors:
        raise TemplateError("; ".join(errors))
    if MessageTemplate.objects.filter(channel=channel, name=name, language=language).exists():
        raise TemplateError(_("name: a template with this name and language exists"))
    component: dict = {"type": "BODY", "text": body}
    count = len(set(PLACEHOLDER.findall(body)))
    if count:
        component["example"] = {"body_text": [list(examples[:count])]}
    with transaction.atomic():
        template = MessageTemplate.objects.create(
            workspace_id=channel.workspace_id,
            channel=channel,
            name=name,
            language=language,
            category=category,
            components=[component],
        )
        if actor is not None:
            audit.record(
                workspace=channel.workspace,
                actor=actor,
                action="whatsapp_templates.create",
                target=channel,
                after={"name": name, "language": language, "category": category},
            )
    return template


def submit_template(template: MessageTemplate, *, actor=None) -> MessageTemplate:
    """Send a DRAFT to Meta for review; it becomes PENDING (or whatever Meta answers)."""
    if template.status != MessageTemplate.Status.DRAFT:
        raise TemplateError(
            _("status: only drafts are submitted (this one is %(s)s)") % {"s": template.status}
        )
    body = {
        "name": template.name,
        "language": template.language,
        "category": template.category,
        "components": template.components,
    }
    try:
        answer = client.create_template(client.account_for(template.channel), body)
    except SendError as exc:
        raise TemplateError(
            _("Meta refused the template: %(reason)s") % {"reason": exc.reason}
        ) from exc
    status = str(answer.get("status") or MessageTemplate.Status.PENDING)
    template.status = status if status in STATUSES else MessageTemplate.Status.OTHER
    template.provider_id = str(answer.get("id") or "")[:64]
    template.synced_at = timezone.now()
    with transaction.atomic():
        template.save()
        if actor is not None:
            audit.record(
                workspace=template.channel.workspace,
                actor=actor,
                action="whatsapp_templates.submit",
                target=template.channel,
                after={"name": template.name, "language": template.language},
            )
    return template


def template_problems(channel, spec) -> list[str]:
    """Why `content.template` cannot be sent on this channel ("field: reason")."""
    if not isinstance(spec, dict):
        return ["content.template: must be an object"]
    template = MessageTemplate.objects.filter(
        channel=channel, name=str(spec.get("name") or ""), language=str(spec.get("language") or "")
    ).first()
    if template is None:
        return ["content.template.name: no such template on this channel (sync the templates)"]
    if template.status != MessageTemplate.Status.APPROVED:
        return [f"content.template.name: not approved ({template.get_status_display()})"]
    params = spec.get("parameters") or []
    if len(params) != template.parameter_count:
        return [
            f"content.template.parameters: {len(params)} given, the template has "
            f"{template.parameter_count}"
        ]
    return []


def template_content(template: MessageTemplate, parameters: list[str]) -> dict:
    """The content that sends `template` with `parameters` (send_message's input)."""
    return {
        "type": "text",
        "text": template.filled(parameters),
        "template": {
            "name": template.name,
            "language": template.language,
            "parameters": list(parameters),
        },
    }
