"""A faithful local fake of Twilio's Messages API, served under /sandbox/twilio/.

A sandbox channel is an ordinary SMS channel whose api_base_url is `api_base_url()`: the
adapter cannot tell it from Twilio, which is the point. See api.py for the HTTP surface and
controls, magic.py for magic destination numbers, inbound.py for customer messages.
"""

from .accounts import api_base_url, channel_config, new_account
from .callbacks import fire as fire_callbacks
from .inbound import SimulatedInbound, simulate_inbound
from .store import (
    DEFAULT_CONTROLS,
    block,
    controls,
    fail_next,
    handset_messages,
    register_account,
    reset,
    set_controls,
    unblock,
)

__all__ = [
    "DEFAULT_CONTROLS",
    "SimulatedInbound",
    "api_base_url",
    "block",
    "channel_config",
    "controls",
    "fail_next",
    "fire_callbacks",
    "handset_messages",
    "new_account",
    "register_account",
    "reset",
    "set_controls",
    "simulate_inbound",
    "unblock",
]
