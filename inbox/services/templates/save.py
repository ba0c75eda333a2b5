"""Writing templates: checked against the content spec and the workspace's attributes,
audited in the same transaction, never half-saved.

Channel limits (adapter.validate) need a channel, so they are checked where one is
chosen: when a campaign is saved (inbox.services.campaigns.plan).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inbox import attribute_values
from inbox.models import Campaign, MessageTemplate, Workspace
from inbox.services.audit import record, snapshot
from inbox.services.sending import validate_content
from inbox.storable import storable, storable_text

from . import gallery
from .placeholders import unknown_keys
from .sms import generated_text

NAME_MAX = 100
SMS_TEXT_MAX = 1600
FIELDS = [
    "name",
    "use_case",
    "content",
    "sms_text",
    "sms_text_edited",
    "traffic_type",
    "conversion_postbacks",
]


class TemplateRejected(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


_UNSET = object()


def save_template(
    *,
    workspace: Workspace,
    actor,
    template: MessageTemplate | None = None,
    name=_UNSET,
    use_case=_UNSET,
    content=_UNSET,
    sms_text=_UNSET,
    conversion_postbacks=_UNSET,
) -> MessageTemplate:
    """Create (`template` None) or change a template; TemplateRejected lists every reason.

    `sms_text` None (or "") goes back to the generated text version; a string keeps it as
    written. A template created without one gets the generated one.
    """
    creating = template is None
    if creating:
        template = MessageTemplate(workspace=workspace, created_by=actor)
    before = None if creating else snapshot(template, FIELDS)
    if name is not _UNSET:
        template.name = storable_text(str(name or "")).strip()
    if use_case is not _UNSET:
        template.use_case = use_case or MessageTemplate.UseCase.OTHER
    if content is not _UNSET:
        template.content = storable(content)
    if sms_text is not _UNSET:
        template.sms_text = storable_text(str(sms_text or "")).strip()
        template.sms_text_edited = bool(template.sms_text)
    if conversion_postbacks is not _UNSET:
        template.conversion_postbacks = conversion_postbacks or []
    errors = _problems(workspace, template) + _conversion_problems(template)
    if errors:
        raise TemplateRejected(errors)
    template.traffic_type = str(template.content.get("traffic_type") or "")
    if not template.sms_text_edited:
        template.sms_text = generated_text(template.content, workspace=workspace)
    try:
        with transaction.atomic():
            template.save()
            action = "template.created" if creating else "template.updated"
            record(
                workspace,
                actor,
                action,
                template,
                before=before,
                after=snapshot(template, FIELDS),
                target_label=template.name,
            )
    except IntegrityError:
        raise TemplateRejected([_("name: a template with this name already exists")]) from None
    return template


def _postbacks(content) -> set[str]:
    """Every suggestion postback in the content, cards and carousels included."""
    found: set[str] = set()
    if isinstance(content, dict):
        for suggestion in content.get("suggestions") or []:
            if not isinstance(suggestion, dict):
                continue
            # A missing postback is the text (inbox.content.reply_options' rule).
            postback = suggestion.get("postback") or suggestion.get("text")
            if postback:
                found.add(str(postback))
        for card in [content.get("card"), *(content.get("cards") or [])]:
            found |= _postbacks(card) if isinstance(card, dict) else set()
    return found


def _conversion_problems(template: MessageTemplate) -> list[str]:
    """The postbacks that mark a conversion must be the content's own suggestions'."""
    marked = template.conversion_postbacks
    if not isinstance(marked, list) or not all(isinstance(p, str) and p for p in marked):
        return [_("conversion_postbacks: must be a list of suggestion postbacks")]
    unknown = sorted(set(marked) - _postbacks(template.content))
    if unknown:
        return [
            _("conversion_postbacks: no suggestion has the postback %(names)s")
            % {"names": ", ".join(unknown)}
        ]
    return []


def delete_template(*, template: MessageTemplate, actor) -> None:
    if Campaign.objects.filter(template=template).exists():
        raise TemplateRejected([_("template: a campaign uses it")])
    with transaction.atomic():
        record(
            template.workspace,
            actor,
            "template.deleted",
            template,
            before=snapshot(template, FIELDS),
            target_label=template.name,
        )
        template.delete()


def create_from_gallery(*, workspace: Workspace, actor, use_case: str) -> MessageTemplate:
    """The gallery's template for `use_case` as the workspace's own (a free name)."""
    entry = gallery.GALLERY.get(use_case)
    if entry is None:
        raise TemplateRejected([_("use_case: not in the gallery")])
    base = str(entry["name"])
    taken = set(
        MessageTemplate.objects.filter(workspace=workspace, name__startswith=base).values_list(
            "name", flat=True
        )
    )
    name, n = base, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    content = {**entry["content"], "traffic_type": entry["traffic_type"]}
    return _gallery_save(workspace, actor, name=name, use_case=use_case, content=content)


def _gallery_save(workspace, actor, **fields) -> MessageTemplate:
    # Gallery placeholders may name attributes the workspace has not defined yet; the
    # template is still created (a campaign excludes recipients without the value).
    template = MessageTemplate(workspace=workspace, created_by=actor, **fields)
    template.traffic_type = fields["content"].get("traffic_type", "")
    template.sms_text = generated_text(template.content, workspace=workspace)
    with transaction.atomic():
        template.save()
        record(
            workspace,
            actor,
            "template.created",
            template,
            after=snapshot(template, FIELDS),
            target_label=template.name,
        )
    return template


def _problems(workspace: Workspace, template: MessageTemplate) -> list[str]:
    errors: list[str] = []
    if not template.name:
        errors.append(_("name: required"))
    elif len(template.name) > NAME_MAX:
        errors.append(_("name: at most %(max)s characters") % {"max": NAME_MAX})
    if template.use_case not in MessageTemplate.UseCase.values:
        errors.append(
            _("use_case: must be one of %(choices)s")
            % {"choices": ", ".join(MessageTemplate.UseCase.values)}
        )
    content = template.content
    if not isinstance(content, dict):
        return [*errors, _("content: must be an object")]
    errors += validate_content(content)
    if len(template.sms_text) > SMS_TEXT_MAX:
        errors.append(_("sms_text: at most %(max)s characters") % {"max": SMS_TEXT_MAX})
    types = attribute_values.definition_types(workspace)
    for key in unknown_keys([content, template.sms_text], types):
        errors.append(
            _("content: {{%(key)s}} is neither name, first_name nor a contact attribute")
            % {"key": key}
        )
    return errors
