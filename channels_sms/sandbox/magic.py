"""Magic destination numbers: send to one of these to get a given provider behaviour.

They need no control call, so a demo or a test can trigger any failure just by choosing
the customer's number. Twilio's own test numbers keep their meaning (+15005550001 invalid,
+15005550004 blocked, +15005550009 not SMS-capable, +15005550006 fine); the rest are ours,
with the error code in the last digits where there is one.

| To            | what the sandbox does                                   |
| ------------- | ------------------------------------------------------- |
| +15005550001  | 400, code 21211 (invalid To)                            |
| +15005550004  | 400, code 21610 (recipient replied STOP)                |
| +15005550009  | 400, code 21614 (not a mobile number)                   |
| +15005550429  | 429, code 20429, Retry-After (every time)               |
| +15005550500  | 500, code 20500 (every time)                            |
| +15005553003  | accepted, then sent, then undelivered with 30003        |
| +15005553005  | accepted, then sent, then undelivered with 30005        |
| +15005553006  | accepted, then sent, then undelivered with 30006        |
| +15005553007  | accepted, then sent, then undelivered with 30007        |
| +15005553008  | accepted, then failed with 30008                        |
| +15005550101  | callbacks out of order (delivered before sent)          |
| +15005550102  | every callback posted twice                             |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Behaviour:
    http_status: int = 0  # a synchronous error answer instead of 201
    code: int = 0
    async_status: str = ""  # "undelivered" | "failed" after acceptance
    out_of_order: bool = False
    duplicate: bool = False


NUMBERS: dict[str, Behaviour] = {
    "+15005550001": Behaviour(http_status=400, code=21211),
    "+15005550004": Behaviour(http_status=400, code=21610),
    "+15005550009": Behaviour(http_status=400, code=21614),
    "+15005550429": Behaviour(http_status=429, code=20429),
    "+15005550500": Behaviour(http_status=500, code=20500),
    "+15005553003": Behaviour(async_status="undelivered", code=30003),
    "+15005553005": Behaviour(async_status="undelivered", code=30005),
    "+15005553006": Behaviour(async_status="undelivered", code=30006),
    "+15005553007": Behaviour(async_status="undelivered", code=30007),
    "+15005553008": Behaviour(async_status="failed", code=30008),
    "+15005550101": Behaviour(out_of_order=True),
    "+15005550102": Behaviour(duplicate=True),
}


def behaviour(to: str) -> Behaviour:
    return NUMBERS.get(to, Behaviour())
