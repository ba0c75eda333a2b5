"""/r/<code>: a tracked link in a campaign's text message, counted and redirected.

Public (the customer's phone follows it, no login) and cheap: one UPDATE ... RETURNING,
no session, no template. It redirects only to the URL stored with the code when the
message was written; an unknown or malformed code is a plain 404, never a redirect.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inbox.services.campaigns.tracked_links import follow_link


@require_http_methods(["GET", "HEAD"])
def follow(request: HttpRequest, code: str) -> HttpResponse:
    url = follow_link(code)
    if url is None:
        return HttpResponseNotFound(_("This link is not valid."), content_type="text/plain")
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"  # every visit comes back here to be counted
    response["Referrer-Policy"] = "no-referrer"  # the code stays out of the target's logs
    return response
