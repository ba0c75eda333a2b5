"""inbox.json_body: depth bounded before parsing, numbers jsonb can hold, errors as ValueError."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox import json_body
from inbox.storable import storable, storable_text


def test_depth_up_to_the_limit_parses_and_one_more_is_refused():
    limit = json_body.MAX_DEPTH
    assert json_body.loads("[" * limit + "]" * limit) is not None
    with pytest.raises(json_body.JsonTooDeep):
        json_body.loads("[" * (limit + 1) + "]" * (limit + 1))


@pytest.mark.parametrize("raw", [b"[" * 100_000, b'{"a":' * 100_000, b"[" * 50 + b"]"])
def test_unbalanced_deep_input_is_a_value_error_not_a_recursion_error(raw):
    with pytest.raises(ValueError):
        json_body.loads(raw)


def test_brackets_inside_strings_do_not_count():
    assert json_body.loads('{"t": "' + "[" * 1000 + '\\" {"}') == {"t": "[" * 1000 + '" {'}


@pytest.mark.parametrize("raw", ["NaN", "[Infinity]", '{"x": -Infinity}', "1e400", b"\xff{}"])
def test_what_jsonb_cannot_hold_or_is_not_json_is_refused(raw):
    with pytest.raises(ValueError):
        json_body.loads(raw)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=30,
    )
)
def test_any_shallow_json_round_trips(value):
    import json

    assert json_body.loads(json.dumps(value)) == value


def test_storable_drops_nuls_and_replaces_lone_surrogates_everywhere():
    assert storable_text("a\x00b\udc00") == "ab\ufffd"
    assert storable({"k\x00": ["x\x00", ("y\ud800",)], "n": 1}) == {
        "k": ["x", ("y\ufffd",)],
        "n": 1,
    }
    clean = "already fine"
    assert storable_text(clean) is clean
