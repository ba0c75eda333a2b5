"""Two-factor enforcement for websockets: the HTTP gate's twin in front of every socket.

A socket does not pass Django middleware, so without this a user who typed their
password but not their code, or a member of a 2FA-required workspace without a device,
could listen to the workspace's live events. It wraps the websocket router in
config/asgi.py, inside AuthMiddlewareStack (it reads the scope's user and session), so
the inbox's consumer knows nothing of two-factor and the inbox imports nothing of members.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.middleware import BaseMiddleware

from members.services import two_factor

# A refused handshake's close code (4000-4999 are application codes): the session still
# owes the two-factor step (code or setup) that every page demands (members.middleware);
# the page itself sends them there.
TWO_FACTOR_REQUIRED = 4403


class _TwoFactorDenier(AsyncWebsocketConsumer):
    """Refuses the handshake, as channels' WebsocketDenier does, with our close code."""

    async def connect(self) -> None:
        await self.close(code=TWO_FACTOR_REQUIRED)


_deny = _TwoFactorDenier.as_asgi()


class TwoFactorSocketGate(BaseMiddleware):
    """Closes the handshake with TWO_FACTOR_REQUIRED while the session owes a step.

    An anonymous user goes through untouched: the consumer refuses them with its own code.
    """

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if getattr(user, "is_authenticated", False):
            step = await database_sync_to_async(two_factor.session_step)(user, scope.get("session"))
            if step is not None:
                return await _deny(scope, receive, send)
        return await super().__call__(scope, receive, send)
