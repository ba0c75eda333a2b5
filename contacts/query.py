"""The contacts page's query string as a contact filter document, so a filtered list is a
shareable URL and "Save as segment" stores exactly what the list shows."""

from __future__ import annotations

from django.http import QueryDict

from inbox.models import Workspace
from inbox.selectors import segments as segment_reads

# attr=balance:gt:0 (key, operator, value; the value may itself hold colons)
ATTRIBUTE_SEPARATOR = ":"


def filter_document(*, workspace: Workspace, params: QueryDict) -> dict:
    """A raw document (validated later by inbox.selectors.contact_filter.parse_filter)."""
    document: dict = {}
    segment_id = params.get("segment", "")
    if segment_id.isdigit():
        segment = segment_reads.segment_in_workspace(workspace=workspace, pk=int(segment_id))
        if segment is not None:
            document = dict(segment.filter)
    if params.get("q", "").strip():
        document["q"] = params["q"].strip()
    labels = [int(v) if v.isdigit() else v for v in params.getlist("label") if v]
    if labels:
        document["labels"] = [*document.get("labels", []), *labels]
    countries = [c.strip() for v in params.getlist("country") for c in v.split(",") if c.strip()]
    if countries:
        document["country"] = countries
    for key in ("consent", "rcs"):
        if params.get(key):
            document[key] = params[key]
    inbound = params.get("inbound", "")
    if inbound == "never":
        document["last_inbound"] = {"never": True}
    elif inbound.isdigit():
        document["last_inbound"] = {"within_days": int(inbound)}
    conditions = []
    for raw in params.getlist("attr"):
        key, _, rest = raw.partition(ATTRIBUTE_SEPARATOR)
        op, _, value = rest.partition(ATTRIBUTE_SEPARATOR)
        condition = {"key": key, "op": op}
        if value != "":
            condition["value"] = int(value) if value.isdigit() and op.endswith("_days") else value
        conditions.append(condition)
    if conditions:
        document["attributes"] = [*document.get("attributes", []), *conditions]
    return document
