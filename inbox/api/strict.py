"""Unknown query parameters are refused, not ignored.

A typo (`?stauts=open`) would otherwise answer every conversation as if it were the
filtered list; a 422 naming the parameter tells the client at once. It also keeps the
API to what the OpenAPI document says it accepts.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest

from .errors import InvalidRequest


def known_query_only(view: Callable) -> Callable:
    """Refuse query parameters `view` does not take (its own arguments name them all)."""
    # Resolved here: ninja reads the wrapper's signature and would otherwise look the
    # string annotations up in this module.
    signature = inspect.signature(view, eval_str=True)
    known = set(signature.parameters) - {"request"}

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs):
        unknown = sorted(set(request.GET) - known)
        if unknown:
            raise InvalidRequest([f"{name or '(empty)'}: unknown parameter" for name in unknown])
        return view(request, *args, **kwargs)

    checked.__signature__ = signature  # type: ignore[attr-defined]
    return checked
