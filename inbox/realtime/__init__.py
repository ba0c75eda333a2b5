"""Live push: services announce changes after commit; consumers relay them to browsers."""

from .publish import (
    batched,
    conversation_changed,
    conversation_group,
    message_changed,
    presence_changed,
    typing_changed,
    viewers_changed,
    workspace_group,
)

__all__ = [
    "batched",
    "conversation_changed",
    "conversation_group",
    "message_changed",
    "presence_changed",
    "typing_changed",
    "viewers_changed",
    "workspace_group",
]
