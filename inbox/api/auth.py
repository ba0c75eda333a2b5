"""Bearer-token auth: the token decides both the user and the workspace every query sees."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from inbox.models import ApiToken
from inbox.services.tokens import authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate(token.strip())
