"""Every answer an operation can give, declared in one place for the OpenAPI document.

Clients (and schemathesis in tests/api/test_openapi_conformance.py) read the document to
learn which statuses to expect; an answer the API gives but the document leaves out is
a contract broken. Statuses every authenticated operation can answer are added here, so
a new cross-cutting refusal is declared once, for all of them.
"""

from __future__ import annotations

from typing import Any

from .schemas import Error

# Any authenticated operation: no or an unknown, revoked or expired token (401); a valid
# token without the scope the operation needs (403, inbox.api.auth).
AUTH_ERRORS: dict[int, Any] = {401: Error, 403: Error}


def answers(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    """`success` plus the auth errors and the `errors` this operation can answer.

    The usual ones: 400 (a body that is not JSON, a cursor this API did not issue), 404 (no
    such object in the token's workspace), 422 (a parameter or body the operation refuses).
    """
    return {**success, **AUTH_ERRORS, **{status: Error for status in errors}}
