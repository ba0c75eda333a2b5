"""Cloud API error codes, mapped to what the outbox does with them (one table, not ifs).

Codes and titles from Meta's "Error codes" page
(developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes). An error answer is
{"error": {"message", "type", "code", "error_data": {"details"}, "fbtrace_id"}}; its text is
summarized (code and title from this table), never echoed: whatever answered may not be
Meta, and its message may quote the customer's content.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# code -> (what to do, a sentence an agent understands)
#   "retry": transient (rate limits, temporary errors), retried with backoff
#   "fail": permanent for this message
#   "unreachable": the number cannot receive WhatsApp messages (no fallback channel yet,
#                  so NotReachable only differs from "fail" when the channel has one)
TRANSIENT, PERMANENT, UNREACHABLE = "retry", "fail", "unreachable"

ERRORS: dict[int, tuple[str, object]] = {
    0: (PERMANENT, _("the access token could not be verified (AuthException)")),
    1: (TRANSIENT, _("the API had an unknown error")),
    2: (TRANSIENT, _("the API service is temporarily unavailable")),
    4: (TRANSIENT, _("the app hit its API call limit")),
    10: (PERMANENT, _("permission denied: the token lacks the WhatsApp permissions")),
    80007: (TRANSIENT, _("the WhatsApp Business Account hit its rate limit")),
    100: (PERMANENT, _("the request had an invalid parameter")),
    190: (PERMANENT, _("the access token has expired or is invalid")),
    130429: (TRANSIENT, _("Cloud API throughput limit reached")),
    130472: (PERMANENT, _("the customer is part of an experiment and was not messaged")),
    131000: (TRANSIENT, _("WhatsApp had an unknown error")),
    131005: (PERMANENT, _("access denied for this phone number")),
    131008: (PERMANENT, _("a required parameter is missing")),
    131009: (PERMANENT, _("a parameter value is not valid")),
    131016: (TRANSIENT, _("WhatsApp is temporarily overloaded")),
    131021: (PERMANENT, _("the recipient is the business's own number")),
    131026: (UNREACHABLE, _("message undeliverable: the number may not be on WhatsApp")),
    131031: (PERMANENT, _("the business account is locked")),
    131042: (PERMANENT, _("a payment problem on the business account")),
    131045: (PERMANENT, _("the business phone number is not registered")),
    131047: (
        PERMANENT,
        _(
            "outside the 24-hour window: more than 24 hours since the customer last wrote; "
            "send a template"
        ),
    ),
    131048: (TRANSIENT, _("spam rate limit hit: too many messages from this number were blocked")),
    131049: (
        PERMANENT,
        _("not delivered, to keep the customer's experience healthy (marketing limit)"),
    ),
    131050: (PERMANENT, _("the customer stopped receiving marketing messages")),
    131051: (PERMANENT, _("unsupported message type")),
    131052: (PERMANENT, _("the customer's media could not be downloaded")),
    131053: (PERMANENT, _("the media could not be uploaded (type or size)")),
    131056: (TRANSIENT, _("too many messages to this customer in a short time (pair rate limit)")),
    132000: (PERMANENT, _("the template's parameter count does not match")),
    132001: (PERMANENT, _("the template does not exist in this language, or is not approved")),
    132005: (PERMANENT, _("the template's text is too long once filled in")),
    132007: (PERMANENT, _("the template breaks WhatsApp's format policy")),
    132012: (PERMANENT, _("a template parameter has the wrong format")),
    132015: (PERMANENT, _("the template is paused for low quality")),
    132016: (PERMANENT, _("the template is disabled")),
    133010: (PERMANENT, _("the business phone number is not registered with Cloud API")),
}


def classify(code: int | None, http_status: int) -> tuple[str, str]:
    """(what to do, reason) for an error answer; unknown codes by HTTP status."""
    if code is not None and code in ERRORS:
        action, reason = ERRORS[code]
        return action, str(reason)
    if http_status == 429:
        return TRANSIENT, str(_("rate limit reached"))
    if http_status >= 500:
        return TRANSIENT, str(
            _("the API had a temporary error (HTTP %(status)s)") % {"status": http_status}
        )
    if http_status in (401, 403):
        return PERMANENT, str(_("the API refused the channel's access token"))
    return PERMANENT, str(
        _("the API refused the request (HTTP %(status)s)") % {"status": http_status}
    )
