"""The NinjaAPI instance: auth, routers and the error shape every failure shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from inbox.services import SendRejected

from . import contact_imports, conversations, messages
from .auth import ADMIN, MissingScope
from .errors import InvalidRequest
from .pagination import InvalidCursor
from .parser import BoundedJsonParser

api = NinjaAPI(
    title="Inbox API",
    version="1",
    description=(
        "Conversations and messages of one workspace. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `manage.py create_api_token`); "
        "the token's workspace scopes every request. A token's scopes say what it may do: "
        "`read` (every GET), `send` (sending messages), `admin` (everything); a valid "
        "token without the scope an operation needs gets a 403."
    ),
    # Operations name their scope; one that forgets is admin-only rather than open.
    auth=ADMIN,
    # Bodies nested past inbox.json_body.MAX_DEPTH are a 400, like any unparseable body.
    parser=BoundedJsonParser(),
    urls_namespace="api-v1",
)
api.add_router("", conversations.router)
api.add_router("", messages.router)
api.add_router("", contact_imports.router)


def _problem(request: HttpRequest, status: int, detail: str, errors: list[str]) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors}, status=status)


def _field(loc) -> str:
    """'limit' or 'text' rather than ninja's ('query', 'limit') / ('body', 'payload', 'text')."""
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts[:1] in (["query"], ["path"]):
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(SendRejected)
def _send_rejected(request: HttpRequest, exc: SendRejected) -> HttpResponse:
    return _problem(request, 422, "Message rejected; nothing was sent", exc.errors)


@api.exception_handler(MissingScope)
def _missing_scope(request: HttpRequest, exc: MissingScope) -> HttpResponse:
    return _problem(request, 403, "Forbidden", [f"scope: this operation needs {exc.scope!r}"])


@api.exception_handler(InvalidRequest)
def _invalid_request(request: HttpRequest, exc: InvalidRequest) -> HttpResponse:
    return _problem(request, 422, "Invalid request", exc.errors)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [f"{_field(err.get('loc', ()))}: {err.get('msg', 'invalid')}" for err in exc.errors]
    return _problem(request, 422, "Invalid request", errors)


@api.exception_handler(InvalidCursor)
def _invalid_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
    return _problem(request, 400, "Invalid cursor", [str(exc)])
