"""The phone page, its live thread fragment and the phone's actions.

It exists only while the SMS sandbox is on, and only for a signed-in member: it reads the
sandbox threads of a business and injects customer messages (STOP included) into its
inbox, so it offers the businesses of the member's own workspaces and no others.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import replace_url

from inbox.content import maps_link

from . import rcs_sending, screen, wa_sending
from .businesses import label, sandbox_channels
from .forms import LocationForm, PhoneForm, SendForm, TapForm, WhatsAppReplyForm
from .numbers import suggestions
from .sms_sending import Outcome, text_business


def sandbox_only(view: Callable) -> Callable:
    """The simulator drives the sandbox providers; without the sandbox it must not exist
    (a 404 even before the login check, so a production site does not reveal it).
    With it, a visitor signs in first: the page is scoped to their workspaces."""
    signed_in = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not getattr(settings, "SMS_SANDBOX_ENABLED", False):
            raise Http404("the SMS sandbox is disabled")
        return signed_in(request, *args, **kwargs)

    return wrapper


def _page_url(number: str, channel_id) -> str:
    return reverse("simulator-phone") + "?" + urlencode({"number": number, "channel": channel_id})


def _phone_form(request: HttpRequest, data) -> PhoneForm:
    """Bound once a number is given (so its errors show); the first business by default."""
    data = {key: data.get(key, "") for key in ("number", "channel")}
    if not data["channel"]:
        first = sandbox_channels(request.user).first()
        data["channel"] = str(first.pk) if first else ""
    if data["number"]:
        return PhoneForm(data, user=request.user)
    return PhoneForm(initial=data, user=request.user)


def _thread_context(form: PhoneForm) -> dict:
    """The conversation the chosen number has with the chosen business (empty until valid)."""
    if not form.is_bound or not form.is_valid():
        return {"bubbles": [], "thread_ready": False, "version": "", "mode": "sms"}
    return screen.context(form.cleaned_data["number"], form.cleaned_data["channel"])


def _page(request: HttpRequest, form: PhoneForm, send_form: SendForm, **extra) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "form": form,
        "send_form": send_form,
        "businesses": [(channel, label(channel)) for channel in sandbox_channels(request.user)],
        "channel_value": str(form["channel"].value() or ""),
        "number_value": form["number"].value() or "",
        "suggestions": suggestions(),
        **_thread_context(form),
        **extra,
    }
    return render(request, "simulator/phone.html", context, status=status)


@sandbox_only
@require_GET
def phone(request: HttpRequest) -> HttpResponse:
    return _page(request, _phone_form(request, request.GET), SendForm(user=request.user))


@sandbox_only
@require_GET
def thread(request: HttpRequest) -> HttpResponse:
    form = PhoneForm(request.GET, user=request.user)
    context = _thread_context(form)
    response = render(request, "simulator/_thread.html", context)
    if context["thread_ready"]:
        # Keep the address bar on this conversation, so a reload reopens it; only on a
        # change, since every history update makes htmx snapshot the page.
        url = _page_url(form.cleaned_data["number"], form.cleaned_data["channel"].pk)
        current = urlsplit(request.htmx.current_url or "") if request.htmx else None
        if current is None or f"{current.path}?{current.query}" != url:
            replace_url(response, url)
    return response


def _no_route(channel) -> Outcome:
    return Outcome(
        False, f"{channel.name} cannot reach this number: no RCS, and no SMS line on the sandbox."
    )


@sandbox_only
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    form = SendForm(request.POST, user=request.user)
    if not form.is_valid():
        if request.htmx:
            return _send_result(request, form, status=422)
        return _page(request, _phone_form(request, request.POST), form, status=422)
    data = form.cleaned_data
    channel, number = data["channel"], data["number"]
    where = screen.route(channel, number)
    if where.kind == "rcs":
        outcome = rcs_sending.send_text(channel, number, data["body"], data["media_url"])
    elif where.kind == "whatsapp":
        outcome = wa_sending.send_text(channel, number, data["body"], data["media_url"])
    elif where.kind == "sms":
        outcome = text_business(where.sms_channel, number, data["body"], data["media_url"])
    else:
        outcome = _no_route(channel)
    return _acted(request, form, outcome)


@sandbox_only
@require_POST
def tap(request: HttpRequest) -> HttpResponse:
    """A tapped chip; only an RCS phone has chips, so anything else is refused."""
    refusal = _("Chips are an RCS feature; this conversation is SMS.")
    fields = ("text", "postback", "kind")
    return _tapped(request, TapForm, "rcs", refusal, rcs_sending.tap, fields)


@sandbox_only
@require_POST
def whatsapp_reply(request: HttpRequest) -> HttpResponse:
    """A tapped WhatsApp reply button or list row, reported as Meta reports it."""
    refusal = _("Reply buttons and lists are a WhatsApp feature.")
    fields = ("message_id", "reply_id")
    return _tapped(request, WhatsAppReplyForm, "whatsapp", refusal, wa_sending.tap, fields)


def _tapped(request: HttpRequest, form_class, kind: str, refusal: str, act, fields) -> HttpResponse:
    """A tap on the phone: refused unless the conversation is of `kind` (its route);
    `act(channel, number, **the form's fields)` reports it to the business."""
    form = form_class(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data
    channel, number = data["channel"], data["number"]
    if screen.route(channel, number).kind != kind:
        form.add_error(None, refusal)
        return _refused(request, form)
    return _acted(request, form, act(channel, number, **{name: data[name] for name in fields}))


@sandbox_only
@require_POST
def location(request: HttpRequest) -> HttpResponse:
    """Share a location: a location message over RCS, a maps link by SMS (as phones do)."""
    form = LocationForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data
    channel, number = data["channel"], data["number"]
    where = screen.route(channel, number)
    if where.kind == "rcs":
        outcome = Outcome(True, "")
        if data["text"]:
            outcome = rcs_sending.tap(
                channel, number, text=data["text"], postback=data["postback"], kind="action"
            )
        if outcome.ok:
            outcome = rcs_sending.share_location(
                channel, number, data["latitude"], data["longitude"]
            )
    elif where.kind == "whatsapp":
        outcome = wa_sending.share_location(channel, number, data["latitude"], data["longitude"])
    elif where.kind == "sms":
        link = maps_link(data["latitude"], data["longitude"])
        outcome = text_business(where.sms_channel, number, f"My location: {link}")
    else:
        outcome = _no_route(channel)
    return _acted(request, form, outcome)


@sandbox_only
@require_POST
def read(request: HttpRequest) -> HttpResponse:
    """The phone showed these agent messages: tell the agent they were read (RCS and
    WhatsApp; SMS has no read receipts)."""
    form = PhoneForm(request.POST, user=request.user)
    if not form.is_valid():
        return HttpResponse(status=422)
    channel, number = form.cleaned_data["channel"], form.cleaned_data["number"]
    kind = screen.route(channel, number).kind
    if kind == "rcs":
        rcs_sending.report_read(channel, number, request.POST.getlist("message_id"))
    elif kind == "whatsapp":
        wa_sending.report_read(channel, number, request.POST.getlist("message_id"))
    else:
        return HttpResponse(status=422)
    return HttpResponse(status=204)


@sandbox_only
@require_POST
def typing(request: HttpRequest) -> HttpResponse:
    """The customer is typing (RCS only): RBM's IS_TYPING user event, through the webhook.

    The page calls this at most every few seconds while keys are pressed, as RCS clients
    do; the event carries no text, so nothing typed leaves the phone before it is sent.
    """
    form = PhoneForm(request.POST, user=request.user)
    if not form.is_valid():
        return HttpResponse(status=422)
    channel, number = form.cleaned_data["channel"], form.cleaned_data["number"]
    if screen.route(channel, number).kind != "rcs":
        return HttpResponse(status=422)  # SMS has no typing indicator
    outcome = rcs_sending.report_typing(channel, number)
    return HttpResponse(status=204 if outcome.ok else 502)


def _refused(request: HttpRequest, form) -> HttpResponse:
    if request.htmx:
        return _send_result(request, form, status=422)
    return _page(request, _phone_form(request, request.POST), form, status=422)


def _acted(request: HttpRequest, form, outcome: Outcome) -> HttpResponse:
    data = form.cleaned_data
    if request.htmx:
        return _send_result(request, form, problem=outcome.problem)
    if outcome.ok:
        return redirect(_page_url(data["number"], data["channel"].pk))
    return _page(
        request,
        _phone_form(request, request.POST),
        SendForm(user=request.user),
        problem=outcome.problem,
    )


def _send_result(request: HttpRequest, form, *, status: int = 200, problem: str = ""):
    """The refreshed thread, with the form's errors swapped in out of band."""
    phone_form = PhoneForm(request.POST, user=request.user)
    context = {"send_form": form, "problem": problem, **_thread_context(phone_form)}
    return render(request, "simulator/_send_result.html", context, status=status)


@sandbox_only
@require_POST
def subscription(request: HttpRequest) -> HttpResponse:
    """The customer turns this business's RCS messages off or back on (RCS only): RBM's
    UNSUBSCRIBE / SUBSCRIBE user event, through the webhook."""
    form = PhoneForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, form)
    channel, number = form.cleaned_data["channel"], form.cleaned_data["number"]
    if screen.route(channel, number).kind != "rcs":
        form.add_error(None, _("Unsubscribing is an RCS feature; this conversation is SMS."))
        return _refused(request, form)
    subscribed = request.POST.get("subscribed") == "1"
    return _acted(request, form, rcs_sending.set_subscription(channel, number, subscribed))
