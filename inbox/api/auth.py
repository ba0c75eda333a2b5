"""Bearer-token auth: the token decides the user, the workspace and what the request may do.

Every operation names the scope it needs (READ, SEND, ADMIN below). A valid token
without that scope is a 403, never a 401, so a client can tell "wrong token" from
"token not allowed to do this". The API-wide default is ADMIN, so an operation that
forgets to name its scope fails closed.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from inbox.models import ApiToken
from inbox.models.api_token import TokenScope
from inbox.services.tokens import authenticate


class MissingScope(AuthorizationError):
    def __init__(self, scope: str):
        self.scope = TokenScope(scope).value  # the plain string, for messages
        super().__init__(message=f"This token lacks the {self.scope!r} scope")


class TokenAuth(HttpBearer):
    def __init__(self, scope: TokenScope):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = authenticate(token.strip())
        if api_token is not None and not api_token.allows(self.scope):
            raise MissingScope(self.scope)
        return api_token


READ = TokenAuth(TokenScope.READ)
SEND = TokenAuth(TokenScope.SEND)
ADMIN = TokenAuth(TokenScope.ADMIN)
