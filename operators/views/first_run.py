"""The first-run page: the setup token from the log, then the first workspace and its
admin, who is signed in at once. Gone (404) as soon as any workspace exists."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inbox.services.workspaces import WorkspaceError
from operators.forms import FirstRunForm
from operators.services import first_run


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    if not first_run.setup_pending():
        raise Http404(_("The installation is set up"))
    if request.method == "GET":
        form = FirstRunForm(initial={"setup_token": request.GET.get("token", "")})
        return render(request, "operators/setup.html", {"form": form})
    form = FirstRunForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if not first_run.token_is_valid(data["setup_token"]):
            form.add_error("setup_token", _wrong_token())
        else:
            try:
                created = first_run.complete_setup(
                    token=data["setup_token"],
                    name=data["name"],
                    slug=data["slug"],
                    time_zone=data["time_zone"],
                    language=data["language"],
                    business_hours_enabled=data["business_hours"],
                    admin_email=data["admin_email"],
                    admin_username=data["admin_username"],
                    admin_password=data["password1"],
                )
            except WorkspaceError as error:
                form.add_error(None, str(error))
            else:
                login(request, created.admin, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("inbox:workspace", slug=created.workspace.slug)
    return render(request, "operators/setup.html", {"form": form}, status=422)


def _wrong_token() -> str:
    return _(
        "This is not the setup token. Copy it from the web server's log "
        "(the line “SETUP TOKEN: …”); restarting the server prints a new one."
    )
