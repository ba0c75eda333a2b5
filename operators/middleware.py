"""First run: while no workspace exists, '/' leads to the setup page instead of a login
nobody can pass."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from operators.services.first_run import setup_pending


class FirstRunMiddleware:
    """Only '/' is checked (one cheap EXISTS query there), so no other page pays for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/" and request.method == "GET" and setup_pending():
            return HttpResponseRedirect(reverse("operators:setup"))
        return self.get_response(request)
