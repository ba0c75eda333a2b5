"""Request bodies parsed with a bounded depth (see inbox.json_body) and made storable.

Ninja answers any parse error with 400 "Cannot parse request body"; this parser makes a
body nested past json_body.MAX_DEPTH one of them instead of something that reaches
pydantic, the services and PostgreSQL's jsonb.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.parser import Parser

from inbox import json_body


class BoundedJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict:
        return json_body.loads(request.body)
