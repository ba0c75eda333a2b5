"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from operators.startup import announce_setup_token  # noqa: E402

announce_setup_token()  # first run: the setup token in the log, once per web process

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from channels_rcs.sandbox.asgi import with_rbm_send  # noqa: E402
from channels_sms.sandbox.asgi import with_provider_api  # noqa: E402
from inbox.bare_routes import with_bare_routes  # noqa: E402
from inbox.webhook_lane import with_webhook_lane  # noqa: E402
from inbox.websocket_urls import websocket_urlpatterns  # noqa: E402
from members.websocket_gate import TwoFactorSocketGate  # noqa: E402

application = ProtocolTypeRouter(
    {
        # The SMS sandbox's Twilio-style API skips the middleware, and the RBM sandbox's
        # sends skip Django (see their asgi.py).
        # Webhooks and health probes skip it too (inbox/bare_routes.py); a webhook for
        # the shared pipeline is committed on the event loop (inbox/webhook_lane.py).
        "http": with_webhook_lane(
            with_bare_routes(with_provider_api(with_rbm_send(django_asgi_app)))
        ),
        "websocket": AllowedHostsOriginValidator(
            # Every socket owes the two-factor step every page owes (members' gate).
            AuthMiddlewareStack(TwoFactorSocketGate(URLRouter(websocket_urlpatterns)))
        ),
    }
)
