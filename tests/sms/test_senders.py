import pytest

from channels_sms.senders import default_mps, sender_type


@pytest.mark.parametrize(
    ("number", "kind", "mps"),
    [
        ("+18005550100", "toll_free", 3.0),
        ("+18885550100", "toll_free", 3.0),
        ("+14155550100", "us_long_code", 4.0),
        ("+447700900123", "international", 10.0),
        ("ACME", "alphanumeric", 10.0),
        ("12345", "short_code", 100.0),
    ],
)
def test_default_rate_by_sender_type(number, kind, mps):
    assert sender_type(number) == kind
    assert default_mps(number) == mps
