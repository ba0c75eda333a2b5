"""Provider-neutral message content (spec: shared/specs/content.md).

The inbox may know this schema but never a wire format: adapters render it natively where
they can and fall back to `render_text` where they cannot, so every text-only channel
degrades the same way and the composer can preview exactly what a plain phone shows.
"""

from .render import maps_link, render_text, reply_options
from .schema import CONTENT_TYPES, SUGGESTION_TYPES, validate

__all__ = [
    "CONTENT_TYPES",
    "SUGGESTION_TYPES",
    "maps_link",
    "render_text",
    "reply_options",
    "validate",
]
