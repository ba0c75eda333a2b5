"""Hypothesis strategies for hostile request bodies: what a stranger can POST at us."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import strategies as st

# Any JSON value, including NULs and lone surrogates in strings (JSON can spell both).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@st.composite
def deep_json(draw) -> bytes:
    """Arrays and objects nested far past any real payload, balanced or not."""
    depth = draw(st.integers(min_value=33, max_value=50_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    closed = draw(st.booleans())
    return (opener * depth + "1" + (closer * depth if closed else "")).encode()


def _rbm_like(value) -> dict:
    """Field names RBM uses, with values of any type: wrong types reach the parser."""
    return {
        "senderPhoneNumber": value,
        "messageId": value,
        "text": value,
        "eventType": value,
        "location": value,
        "userFile": value,
        "suggestionResponse": value,
    }


@st.composite
def json_bodies(draw) -> bytes:
    value = draw(json_values)
    shape = draw(st.sampled_from(["plain", "rbm", "wrapped", "handshake"]))
    if shape == "rbm":
        value = _rbm_like(value)
    elif shape == "wrapped":
        value = {"message": {"data": value, "attributes": value}}
    elif shape == "handshake":
        value = {"clientToken": value, "secret": value}
    return json.dumps(value).encode()


_TWILIO_NAMES = ["MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MessageStatus"]


@st.composite
def form_bodies(draw) -> bytes:
    names = st.sampled_from(_TWILIO_NAMES) | st.text(max_size=20)
    params = draw(st.dictionaries(names, st.text(max_size=200), max_size=8))
    return urlencode(params).encode()


# Around Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), on both sides of it.
huge_field = st.integers(min_value=100_000, max_value=2_700_000).map(
    lambda n: b'{"text": "' + b"x" * n + b'"}'
)
invalid_utf8 = st.binary(min_size=1, max_size=64).map(lambda b: b"\xff\xfe\xc3" + b + b"\x80")
nul_bodies = st.sampled_from(
    [b"Body=hi%00there&From=%2B14155550111", b'{"text": "a\\u0000b"}', b"\x00" * 64]
)

bodies = st.one_of(
    st.binary(max_size=2048),
    deep_json(),
    json_bodies(),
    form_bodies(),
    huge_field,
    invalid_utf8,
    nul_bodies,
)

content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "text/plain",
        "application/octet-stream",
        "",
    ]
)

# A signature header that is present but cannot be right.
signatures = st.none() | st.text(max_size=100).map(lambda s: s.replace("\n", ""))
