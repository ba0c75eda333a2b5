"""Labels on a conversation: only the workspace's own labels, changes told to every tab."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inbox import realtime
from inbox.models import Conversation, Label


def set_labels(conversation: Conversation, label_ids: Iterable[int], *, actor) -> list[Label]:
    """Replace the conversation's labels with `label_ids` (all from its workspace).

    An id from another workspace is refused as a whole, not silently dropped: the form
    that sent it is stale or forged, and a partial save would hide that.
    """
    wanted = {int(pk) for pk in label_ids}
    labels = list(Label.objects.filter(workspace_id=conversation.workspace_id, pk__in=wanted))
    if len(labels) != len(wanted):
        raise ValidationError(_("Unknown label."))
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        current = set(conv.labels.values_list("pk", flat=True))
        if current != wanted:
            conv.labels.set(labels)
            realtime.conversation_changed(conv)
    return sorted(labels, key=lambda label: label.name.lower())
