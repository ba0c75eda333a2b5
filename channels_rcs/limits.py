"""RBM's documented limits (sources in docs/channels/rcs.md), checked before queueing.

One table so the validator, the sandbox and the composer quote the same numbers.
"""

from __future__ import annotations

MAX_TEXT = 3072  # AgentContentMessage.text, characters
MAX_MESSAGE_SUGGESTIONS = 11  # chips under a message
MAX_CARD_SUGGESTIONS = 4  # per rich card
MAX_SUGGESTION_TEXT = 25  # chip label, characters
MAX_POSTBACK = 2048  # postbackData, characters
MAX_CARD_TITLE = 200
MAX_CARD_DESCRIPTION = 2000
MIN_CAROUSEL_CARDS = 2
MAX_CAROUSEL_CARDS = 10
MAX_FILE_BYTES = 100 * 1024 * 1024  # media and files sent by URL, 100 MiB
MAX_MESSAGE_FILE_BYTES = 100 * 1024 * 1024  # all files of one message together
MAX_THUMBNAIL_BYTES = 100 * 1024  # a thumbnail (thumbnailUrl), 100 KiB
MAX_URL = 2048  # fileUrl / thumbnailUrl / openUrl, characters
MAX_CALENDAR_TITLE = 100
MAX_CALENDAR_DESCRIPTION = 500
MAX_MESSAGE_BYTES = 250 * 1000  # the whole stringified AgentMessage ("250 KB")
MAX_TTL_SECONDS = 15 * 24 * 3600  # `ttl` / `expireTime`: at most 15 days ahead
BATCH_USERS = 10_000  # phone numbers per users:batchGet

# AgentMessage.messageTrafficType; content.md's `traffic_type` names them in lower case,
# with service_request for SERVICEREQUEST.
TRAFFIC_TYPES = ("AUTHENTICATION", "TRANSACTION", "PROMOTION", "SERVICEREQUEST", "ACKNOWLEDGEMENT")
# Regional endpoints: https://<region>-rcsbusinessmessaging.googleapis.com
REGIONS = ("europe", "us", "asia")

# What RBM accepts as a file message, and the narrower set a rich card can show.
IMAGE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/gif", "image/png"})
VIDEO_TYPES = frozenset(
    {"video/h263", "video/m4v", "video/mp4", "video/mpeg", "video/mpeg4", "video/webm"}
)
AUDIO_TYPES = frozenset(
    {
        "audio/aac",
        "audio/mp3",
        "audio/mpeg",
        "audio/mpg",
        "audio/mp4",
        "audio/mp4-latm",
        "audio/3gpp",
        "application/ogg",
        "audio/ogg",
    }
)
FILE_TYPES = IMAGE_TYPES | VIDEO_TYPES | AUDIO_TYPES | {"application/pdf"}
CARD_MEDIA_TYPES = IMAGE_TYPES | VIDEO_TYPES


def rbm_traffic_type(value) -> str:
    """RBM's messageTrafficType for content.md's `traffic_type` (or RBM's own spelling);
    "" for anything else."""
    key = str(value or "").replace("_", "").upper()
    return key if key in TRAFFIC_TYPES else ""
