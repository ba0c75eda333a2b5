"""X-Twilio-Signature vectors from sms.md section 2.6 (twilio-python's own tests)."""

from __future__ import annotations

from channels_sms.signature import body_hash, is_valid, sign, with_port, without_port

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}
JSON_BODY = '{"property": "value", "boolean": true}'
JSON_HASH = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"


def test_form_params_vector():
    assert sign(TOKEN, URL, PARAMS) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_url_with_explicit_port_vector():
    port_url = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert sign(TOKEN, port_url, PARAMS) == "kvajT1Ptam85bY51eRf/AJRuM3w="


def test_repeated_params_are_sorted_and_deduplicated_vector():
    params = {"Sid": "CA123", "SidAccount": "AC123", "Digits": ["5678", "1234", "1234"]}
    assert sign(TOKEN, URL, params) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_json_body_vector():
    assert body_hash(JSON_BODY) == JSON_HASH
    assert sign(TOKEN, f"{URL}&bodySHA256={JSON_HASH}") == "a9nBmqA0ju/hNViExpshrM61xv4="


def test_validation_accepts_either_port_spelling():
    port_url = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert is_valid(TOKEN, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", URL, PARAMS)
    assert is_valid(TOKEN, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", port_url, PARAMS)
    assert is_valid(TOKEN, "kvajT1Ptam85bY51eRf/AJRuM3w=", URL, PARAMS)


def test_validation_rejects_tampering():
    good = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert not is_valid(TOKEN, good, URL, {**PARAMS, "Digits": "9999"})
    assert not is_valid(TOKEN, good, URL, {**PARAMS, "Extra": "1"})
    assert not is_valid("54321", good, URL, PARAMS)
    assert not is_valid(TOKEN, good, URL.replace("foo=1", "foo=2"), PARAMS)
    assert not is_valid(TOKEN, "", URL, PARAMS)


def test_json_body_checks_the_hash():
    url = f"{URL}&bodySHA256={JSON_HASH}"
    signature = "a9nBmqA0ju/hNViExpshrM61xv4="
    assert is_valid(TOKEN, signature, url, body=JSON_BODY.encode())
    assert not is_valid(TOKEN, signature, url, body=b'{"property": "other"}')


def test_port_helpers():
    assert with_port("https://a.test/x?y=1") == "https://a.test:443/x?y=1"
    assert with_port("http://a.test/x") == "http://a.test:80/x"
    assert with_port("http://a.test:8000/x") == "http://a.test:8000/x"
    assert without_port("https://a.test:443/x?y=1") == "https://a.test/x?y=1"
    assert without_port("http://127.0.0.1:8000/x") == "http://127.0.0.1/x"
