"""Brand profile rules: each one, and the message that names the field and the limit."""

from __future__ import annotations

import pytest

from channels_rcs.brand import validation as v

from .brand_inputs import banner, image_bytes, logo, upload, valid_data


def wcag_ratio(hex_color: str) -> float:
    """White against `hex_color`, straight from the WCAG 2.0 definition (0.03928 knee)."""

    def channel(byte: int) -> float:
        s = byte / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


# --- contrast -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ("#FFFFFF", 1.0),  # white on white
        ("#000000", 21.0),  # the maximum WCAG ratio
        ("#767676", 4.54),  # the well-known lightest grey that passes AA on white
        ("#1A73E8", 4.5),  # Google blue: just passes
        ("#FFD700", 1.4),  # gold: far too light
    ],
)
def test_contrast_against_white_matches_known_values(color, expected):
    assert v.contrast_ratio(color) == pytest.approx(expected, abs=0.01)
    assert v.contrast_ratio(color) == pytest.approx(wcag_ratio(color), abs=1e-6)


def test_contrast_is_symmetric_and_accepts_short_hex():
    assert v.contrast_ratio("#FFFFFF", "#1A73E8") == pytest.approx(v.contrast_ratio("#1A73E8"))
    assert v.contrast_ratio("#000") == pytest.approx(21.0)
    assert v.normalize_color("1a73e8") == "#1A73E8"
    assert v.normalize_color("#abc") == "#AABBCC"
    assert v.normalize_color("blue") is None


@pytest.mark.parametrize("color", ["#1A73E8", "#E91B0C", "#4A626D", "#767676", "#000000"])
def test_colours_reaching_four_and_a_half_pass(color):
    assert wcag_ratio(color) >= 4.5
    assert v.color_errors(color) == []


def test_too_light_colour_error_states_the_ratio_and_the_minimum():
    assert v.color_errors("#FFD700") == [
        "brand colour #FFD700 has contrast 1.4:1 against white text; at least 4.5:1 is required"
    ]


def test_failing_ratio_is_never_shown_rounded_up_to_the_minimum():
    # 4.478...:1 would round to 4.5; the message must not claim the minimum was met.
    assert wcag_ratio("#777777") < 4.5
    (message,) = v.color_errors("#777777")
    assert "4.47:1" in message and "at least 4.5:1" in message


def test_not_a_colour():
    assert v.color_errors("navy") == ["Brand colour: 'navy' is not a hex colour like #1A73E8"]


# --- images ---------------------------------------------------------------------------------


def test_valid_logo_and_banner_pass():
    assert v.image_errors(logo(), v.LOGO_RULE) == []
    assert v.image_errors(upload((224, 224), "JPEG"), v.LOGO_RULE) == []
    assert v.image_errors(banner(), v.BANNER_RULE) == []


@pytest.mark.parametrize(
    ("file", "rule", "expected"),
    [
        (
            lambda: upload((200, 224), "PNG"),
            v.LOGO_RULE,
            "Logo: image is 200x224 px; it must be exactly 224x224 px",
        ),
        (
            lambda: upload((1440, 450), "JPEG"),
            v.BANNER_RULE,
            "Banner: image is 1440x450 px; it must be exactly 1440x448 px",
        ),
        (
            lambda: upload((224, 224), "GIF"),
            v.LOGO_RULE,
            "Logo: GIF format is not accepted; use JPEG or PNG",
        ),
        (
            lambda: upload((1440, 448), "PNG"),
            v.BANNER_RULE,
            "Banner: PNG format is not accepted; use JPEG",
        ),
    ],
)
def test_image_dimension_and_format_rules(file, rule, expected):
    assert expected in v.image_errors(file(), rule)


def test_logo_over_fifty_kilobytes_is_refused_with_its_size():
    big = upload((224, 224), "PNG", noise=True)
    assert big.size > 50 * 1024
    errors = v.image_errors(big, v.LOGO_RULE)
    kb = -(-big.size // 1024)
    assert errors == [f"Logo: file is {kb} KB; at most 50 KB is allowed"]


def test_banner_over_two_hundred_kilobytes_is_refused():
    big = upload((1440, 448), "JPEG", noise=True, quality=95)
    assert big.size > 200 * 1024
    (message,) = v.image_errors(big, v.BANNER_RULE)
    assert message.startswith("Banner: file is ") and "at most 200 KB" in message


def test_not_an_image_at_all():
    from django.core.files.uploadedfile import SimpleUploadedFile

    junk = SimpleUploadedFile("logo.png", b"this is not a picture", "image/png")
    assert v.image_errors(junk, v.LOGO_RULE) == [
        "Logo: not a readable image; upload a JPEG or PNG file"
    ]


def test_image_extension_follows_the_bytes_not_the_name():
    from django.core.files.uploadedfile import SimpleUploadedFile

    disguised = SimpleUploadedFile("logo.jpg", image_bytes((224, 224), "PNG"), "image/jpeg")
    assert v.image_extension(disguised) == "png"


# --- the whole profile: one rule per row --------------------------------------------------


def errors_for(**overrides):
    _, errors = v.validate_brand(valid_data(**overrides), logo=logo(), banner=banner())
    return errors


def test_a_valid_profile_has_no_errors_and_is_normalized():
    cleaned, errors = v.validate_brand(valid_data(color="#1a73e8"), logo=logo(), banner=banner())
    assert errors == {}
    assert cleaned["color"] == "#1A73E8"
    assert cleaned["phone_numbers"] == [{"label": "Support", "value": "+14155550123"}]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "Display name: required"),
        (
            {"display_name": "x" * 41},
            "display_name",
            "Display name: at most 40 characters (got 41)",
        ),
        ({"description": ""}, "description", "Description: required"),
        (
            {"description": "d" * 101},
            "description",
            "Description: at most 100 characters (got 101)",
        ),
        (
            {"color": "#FFD700"},
            "color",
            "brand colour #FFD700 has contrast 1.4:1 against white text; "
            "at least 4.5:1 is required",
        ),
        (
            {"phone_numbers": [{"label": "Call", "value": "+1 12"}]},
            "phone_numbers.0.value",
            "Phone number 1: '+1 12' is not a possible phone number (use E.164, e.g. +14155550123)",
        ),
        (
            {"phone_numbers": [{"label": "L" * 26, "value": "+14155550123"}]},
            "phone_numbers.0.label",
            "Phone number 1 label: at most 25 characters (got 26)",
        ),
        (
            {"phone_numbers": [{"label": "", "value": "+14155550123"}]},
            "phone_numbers.0.label",
            "Phone number 1 label: required",
        ),
        (
            {"websites": [{"label": "Shop", "value": "http://acme.example"}]},
            "websites.0.value",
            "Website 1: 'http://acme.example' is not an https:// URL",
        ),
        (
            {"websites": [{"label": "", "value": ""}, {"label": "Blog", "value": "nope"}]},
            "websites.1.value",
            "Website 2: 'nope' is not an https:// URL",
        ),
        (
            {"emails": [{"label": "Help", "value": "help-at-acme"}]},
            "emails.0.value",
            "Email 1: 'help-at-acme' is not an email address",
        ),
        (
            {"emails": [{"label": "Help", "value": ""}]},
            "emails.0.value",
            "Email 1: required when a label is given",
        ),
        (
            {"emails": [{"label": f"E{i}", "value": f"e{i}@acme.example"} for i in range(4)]},
            "emails",
            "At most 3 emails (got 4)",
        ),
        (
            {"phone_numbers": [], "websites": [], "emails": []},
            "contacts",
            "Contact: at least one phone number, website or email is required",
        ),
        ({"privacy_policy_url": ""}, "privacy_policy_url", "Privacy policy URL: required"),
        (
            {"terms_url": "ftp://acme.example/terms"},
            "terms_url",
            "Terms of service URL: 'ftp://acme.example/terms' is not an https:// URL",
        ),
        (
            {"terms_url": "https://acme.example/" + "t" * 2048},
            "terms_url",
            "Terms of service URL: at most 2048 characters (got 2069)",
        ),
    ],
)
def test_validation_table(overrides, field, message):
    errors = errors_for(**overrides)
    assert message in errors.get(field, []), errors
    assert set(errors) == {field}


def test_images_are_required_unless_already_stored():
    _, errors = v.validate_brand(valid_data())
    assert errors["logo"] == ["Logo: required (JPEG or PNG, 224x224 px, at most 50 KB)"]
    assert errors["banner"] == ["Banner: required (JPEG, 1440x448 px, at most 200 KB)"]
    _, errors = v.validate_brand(valid_data(), has_logo=True, has_banner=True)
    assert errors == {}


def test_bad_upload_in_a_profile_is_reported_under_its_field():
    _, errors = v.validate_brand(valid_data(), logo=upload((100, 100), "PNG"), banner=banner())
    assert errors == {"logo": ["Logo: image is 100x100 px; it must be exactly 224x224 px"]}
