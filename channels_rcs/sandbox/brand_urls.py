"""URLs of the sandbox's Business Communications API, mounted by sandbox/urls.py under
/sandbox/rbm/businesscommunications/ (the base a sandbox brand registration calls)."""

from django.urls import re_path

from . import brands

_ID = r"[^/:]+"
_AGENT = rf"v1/brands/(?P<brand_id>{_ID})/agents/(?P<agent_id>{_ID})"

# (path pattern, view, name): Google's resource paths; custom verbs after a colon.
_ROUTES = (
    ("v1/regions", brands.regions, "regions"),
    ("v1/brands", brands.brands, "brands"),
    (rf"v1/brands/(?P<brand_id>{_ID})", brands.brand, "brand"),
    (rf"v1/brands/(?P<brand_id>{_ID})/agents", brands.agents, "agents"),
    (rf"{_AGENT}:(?P<verb>requestVerification|requestLaunch)", brands.agent, "agent-verb"),
    (_AGENT, brands.agent, "agent"),
    (rf"{_AGENT}/(?P<state>verification|launch)", brands.agent_state, "agent-state"),
    ("control", brands.control, "control"),
)

urlpatterns = [re_path(rf"^{rx}$", view, name=f"sandbox-bc-{name}") for rx, view, name in _ROUTES]
