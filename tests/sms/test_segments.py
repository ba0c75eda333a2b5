"""Segment counting and smart encoding, against peer vectors and our own table.

The peer vectors come from Twilio's calculator and sms-counter-php; our own
cases pin the edge rules from sms.md section 1.6 that a naive ``ceil(n/153)``
would get wrong (escapes and graphemes at part boundaries).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from channels_sms import smart_encoding
from channels_sms.segments import (
    BITS_PER_PART,
    GSM7_BASIC,
    GSM7_EXTENSION,
    GSM7_MULTI_PART,
    GSM7_SINGLE_PART,
    UCS2_MULTI_PART,
    UCS2_SINGLE_PART,
    UDH_BITS,
    SegmentInfo,
    count,
    graphemes,
    is_gsm7,
)

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
VECTORS = SPECS / "sms_segment_vectors.jsonl"


def _load_vectors() -> list[dict]:
    if not VECTORS.is_file():
        return []
    with VECTORS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


_VECTORS = _load_vectors()


def _vector_params() -> list:
    if not _VECTORS:
        # One placeholder so the test is collected and reported as skipped.
        return [pytest.param(None, id="no-vectors")]
    return [pytest.param(v, id=f"{i:02d}-{v['case'][:40]}") for i, v in enumerate(_VECTORS)]


@pytest.mark.parametrize("vector", _vector_params())
def test_peer_vector(vector: dict | None) -> None:
    if vector is None:
        pytest.skip("../shared/specs not present (peer vectors live outside the repo)")
    info = count(vector["text"])
    assert info.encoding == vector["encoding"]
    assert info.segments == vector["segments"]
    for field in ("characters", "unicode_scalars", "message_bits", "total_bits"):
        if field in vector:
            assert getattr(info, field) == vector[field], field
    # Every part respects its capacity, and the parts rebuild the text.
    assert "".join(info.parts) == vector["text"]
    _assert_parts_fit(info)


def test_vectors_file_is_not_trivially_empty() -> None:
    if not SPECS.is_dir():
        pytest.skip("../shared/specs not present (peer vectors live outside the repo)")
    assert len(_VECTORS) >= 40
    assert {v["encoding"] for v in _VECTORS} == {"GSM-7", "UCS-2"}


def _assert_parts_fit(info: SegmentInfo) -> None:
    assert len(info.parts) == info.segments == len(info.part_units)
    assert sum(info.part_units) == info.units
    if info.segments > 1:
        cap = GSM7_MULTI_PART if info.encoding == "GSM-7" else UCS2_MULTI_PART
        assert all(0 < u <= cap for u in info.part_units), info.part_units


# (id, text, encoding, segments, units, part_units or None)
CASES = [
    # Constants at the exact single-part edge.
    ("gsm-160", "a" * 160, "GSM-7", 1, 160, (160,)),
    ("gsm-161", "a" * 161, "GSM-7", 2, 161, (153, 8)),
    ("gsm-306", "a" * 306, "GSM-7", 2, 306, (153, 153)),
    ("gsm-307", "a" * 307, "GSM-7", 3, 307, (153, 153, 1)),
    # Derived checks of sms.md 1.6: escapes are never split across parts.
    ("euro-middle", "a" * 152 + "€" + "a" * 152, "GSM-7", 3, 306, (152, 153, 1)),
    ("escape-at-153", "a" * 152 + "]" + "a" * 7, "GSM-7", 2, 161, (152, 9)),
    ("escape-fits-153", "a" * 151 + "]" + "a" * 10, "GSM-7", 2, 163, (153, 10)),
    ("escape-at-160", "a" * 158 + "{", "GSM-7", 1, 160, (160,)),
    ("escape-past-160", "a" * 159 + "{", "GSM-7", 2, 161, (153, 8)),
    ("formfeed-80", "\f" * 80, "GSM-7", 1, 160, (160,)),
    ("formfeed-81", "\f" * 81, "GSM-7", 2, 162, (152, 10)),
    ("crlf-80", "\r\n" * 80, "GSM-7", 1, 160, (160,)),
    ("crlf-81", "\r\n" * 81, "GSM-7", 2, 162, (153, 9)),
    # UCS-2: graphemes are never split.
    ("emoji-middle", "a" * 66 + "😀" + "a" * 66, "UCS-2", 3, 134, (66, 67, 1)),
    ("flag-at-end", "a" * 68 + "🇮🇹", "UCS-2", 2, 72, (67, 5)),
    ("flag-fits", "a" * 66 + "🇮🇹", "UCS-2", 1, 70, (70,)),
    ("emoji-ext-chars", "😀" + "]" * 68, "UCS-2", 1, 70, (70,)),
    ("emoji-ext-chars-2", "😀" + "]" * 69, "UCS-2", 2, 71, (67, 4)),
    ("rainbow-flag", "🏳️‍🌈", "UCS-2", 1, 6, (6,)),
    ("family-zwj", "👨‍👩‍👧‍👦" * 12, "UCS-2", 2, 132, (66, 66)),
    ("ucs2-70", "ç" * 70, "UCS-2", 1, 70, (70,)),
    ("ucs2-71", "ç" * 71, "UCS-2", 2, 71, (67, 4)),
    ("ucs2-134", "ж" * 134, "UCS-2", 2, 134, (67, 67)),
    ("ucs2-135", "ж" * 135, "UCS-2", 3, 135, (67, 67, 1)),
    # Mixed scripts and combining marks.
    ("greek-in-table", "ΔΦΓΛΩΠΨΣΘΞ", "GSM-7", 1, 10, (10,)),
    ("greek-lowercase", "αβγ", "UCS-2", 1, 3, (3,)),
    ("cyrillic-latin", "Hello Привет", "UCS-2", 1, 12, (12,)),
    ("cjk", "你好世界", "UCS-2", 1, 4, (4,)),
    ("arabic", "مرحبا", "UCS-2", 1, 5, (5,)),
    ("precomposed-e-acute", "café", "GSM-7", 1, 4, (4,)),
    ("decomposed-e-acute", "cafe\u0301", "UCS-2", 1, 5, (5,)),
    ("combining-at-edge", "a" * 66 + "e\u0301\u0301" + "aa", "UCS-2", 2, 71, (66, 5)),
    # Membership corner cases of the table.
    ("cedilla-capital", "Ç", "GSM-7", 1, 1, (1,)),
    ("cedilla-small", "ç", "UCS-2", 1, 1, (1,)),
    ("backtick", "`", "UCS-2", 1, 1, (1,)),
    ("currency-sign", "¤£¥$", "GSM-7", 1, 4, (4,)),
    ("inverted-marks", "¡Hola! ¿Qué?", "GSM-7", 1, 12, (12,)),
    ("lf-cr", "\n\r", "GSM-7", 1, 2, (2,)),
    ("tab", "a\tb", "UCS-2", 1, 3, (3,)),
    ("nbsp", "a\u00a0b", "UCS-2", 1, 3, (3,)),
    ("escape-char-itself", "\x1b", "UCS-2", 1, 1, (1,)),
]


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "units", "part_units"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_own_cases(
    text: str, encoding: str, segments: int, units: int, part_units: tuple[int, ...]
) -> None:
    info = count(text)
    assert (info.encoding, info.segments, info.units, info.part_units) == (
        encoding,
        segments,
        units,
        part_units,
    )
    assert "".join(info.parts) == text
    assert info.unicode_scalars == len(text)
    assert is_gsm7(text) is (encoding == "GSM-7")
    _assert_parts_fit(info)


def test_escape_pair_stays_whole_in_parts() -> None:
    info = count("a" * 152 + "€" + "a" * 152)
    assert info.parts[0] == "a" * 152
    assert info.parts[1].startswith("€")


def test_crlf_is_two_characters_not_one_grapheme() -> None:
    assert graphemes("a\r\nb") == ["a", "\r", "\n", "b"]
    assert count("\r\n").characters == 2


@pytest.mark.parametrize(
    ("text", "characters", "scalars"),
    [
        pytest.param("🇮🇹" + "1" * 66, 67, 68, id="flag-graphemes"),
        pytest.param("a]€", 5, 3, id="gsm-septets"),
        pytest.param("e\u0301\u0301\u0301a", 2, 5, id="combining-graphemes"),
        pytest.param("🏳️‍🌈", 1, 4, id="zwj-one-character"),
    ],
)
def test_characters_are_septets_or_graphemes(text: str, characters: int, scalars: int) -> None:
    info = count(text)
    assert info.characters == characters
    assert info.unicode_scalars == scalars


@pytest.mark.parametrize(
    ("text", "message_bits", "total_bits"),
    [
        pytest.param("a" * 160, 1120, 1120, id="gsm-one-part-no-header"),
        pytest.param("a" * 161, 1127, 1127 + 2 * 48, id="gsm-two-headers"),
        pytest.param("😀" * 35, 1120, 1120, id="ucs2-one-part"),
        pytest.param("😀" * 36, 1152, 1152 + 2 * 48, id="ucs2-two-headers"),
    ],
)
def test_bits(text: str, message_bits: int, total_bits: int) -> None:
    info = count(text)
    assert (info.message_bits, info.total_bits) == (message_bits, total_bits)


def test_empty_text_is_zero_segments() -> None:
    info = count("")
    assert (info.segments, info.units, info.parts, info.encoding) == (0, 0, (), "GSM-7")
    assert info.describe() == "0 segments · GSM-7 · 0 characters"


def test_ucs2_chars_in_first_appearance_order_and_distinct() -> None:
    info = count("x😀 ç and ç then `😀")
    assert info.ucs2_chars == ("😀", "ç", "`")


def test_ucs2_chars_names_the_whole_grapheme() -> None:
    assert count("cafe\u0301 👍🏽").ucs2_chars == ("e\u0301", "👍🏽")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a" * 161, "2 segments · GSM-7 · 161 characters", id="gsm"),
        pytest.param("[x]", "1 segment · GSM-7 · 5 characters", id="gsm-escapes"),
        pytest.param("ç 😀", "1 segment · UCS-2 because of ‘ç’, ‘😀’", id="ucs2"),
        pytest.param("a\tb", "1 segment · UCS-2 because of ‘U+0009’", id="invisible"),
        pytest.param(
            "αβγδεζη",
            "1 segment · UCS-2 because of ‘α’, ‘β’, ‘γ’, ‘δ’, ‘ε’ and 2 more",
            id="many",
        ),
    ],
)
def test_describe(text: str, expected: str) -> None:
    assert count(text).describe() == expected


def test_segment_info_is_frozen() -> None:
    info = count("hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.segments = 5  # type: ignore[misc]


def test_constants() -> None:
    assert (GSM7_SINGLE_PART, GSM7_MULTI_PART) == (160, 153)
    assert (UCS2_SINGLE_PART, UCS2_MULTI_PART) == (70, 67)
    assert (UDH_BITS, BITS_PER_PART) == (48, 1120)


def test_tables() -> None:
    assert len(GSM7_BASIC) == 127  # 128 positions less ESC
    assert GSM7_EXTENSION == frozenset("\f^{}\\[~]|€")
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert "Ç" in GSM7_BASIC and "ç" not in GSM7_BASIC
    assert "`" not in GSM7_BASIC | GSM7_EXTENSION
    assert all(len(c) == 1 for c in GSM7_BASIC | GSM7_EXTENSION)


def test_seven_octet_header_gives_152_and_66() -> None:
    assert count("a" * 305, header_bits=56).part_units == (152, 152, 1)
    assert count("ж" * 133, header_bits=56).part_units == (66, 66, 1)
    with pytest.raises(ValueError):
        count("a", header_bits=-1)


def test_giant_grapheme_falls_back_to_code_points() -> None:
    # One letter with 100 combining marks is 101 units: it cannot fit one part.
    info = count("e" + "\u0301" * 100)
    assert info.encoding == "UCS-2"
    assert info.part_units == (67, 34)
    assert "".join(info.parts) == "e" + "\u0301" * 100


# Smart encoding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("“Hello” – it’s…", '"Hello" - it\'s...', id="quotes-dash-ellipsis"),
        pytest.param("«ciao» „hallo“", '"ciao" "hallo"', id="guillemets"),
        pytest.param("a—b‐c•d−e", "a-b-c-d-e", id="dashes-bullet-minus"),
        pytest.param("½ off, ¼ and ¾", "1/2 off, 1/4 and 3/4", id="fractions"),
        pytest.param("ＨＥＬＬＯ ｗｏｒｌｄ！１２３", "HELLO world!123", id="fullwidth"),
        pytest.param("｀`´", "'''", id="backtick-like"),
        pytest.param("a\u00a0b\u2009c\u3000d", "a  b  c  d", id="spaces-two"),
        pytest.param("a\tb", "a       b", id="tab-seven"),
        pytest.param("a\u200bb\ufeffc\u2060d\u00ade", "abcde", id="zero-width-removed"),
        pytest.param("‹x› ‼", "<x> !!", id="angle-quotes"),
        pytest.param("n\u0303o", "ño", id="decomposed-gsm-composed"),
        pytest.param("e\u200b\u0301", "é", id="compose-after-removal"),
        pytest.param("👨‍👩‍👧", "👨‍👩‍👧", id="zwj-kept"),
        pytest.param("Привет, мир", "Привет, мир", id="cyrillic-untouched"),
        pytest.param("á é", "á é", id="accents-not-stripped"),
        pytest.param("plain [GSM] text €5", "plain [GSM] text €5", id="gsm-untouched"),
    ],
)
def test_smart_encoding_apply(text: str, expected: str) -> None:
    assert smart_encoding.apply(text) == expected
    assert smart_encoding.apply(expected) == expected  # idempotent


def test_smart_encoding_turns_typographic_text_into_one_gsm_part() -> None:
    text = "“Hello” – it’s…"
    plain = count(text)
    assert (plain.encoding, plain.segments) == ("UCS-2", 1)
    assert plain.ucs2_chars == ("“", "”", "–", "’", "…")
    smart = count(text, smart=True)
    assert (smart.encoding, smart.segments) == ("GSM-7", 1)
    assert smart.text == '"Hello" - it\'s...'
    assert smart.describe() == "1 segment · GSM-7 · 17 characters"


def test_smart_encoding_saves_segments() -> None:
    text = "‘quoted’ " * 16  # 144 code points: 3 UCS-2 parts, 1 GSM-7 part
    assert count(text).segments == 3
    assert count(text, smart=True).segments == 1


def test_smart_encoding_outputs_are_gsm7_and_never_keys() -> None:
    table = smart_encoding.REPLACEMENTS
    assert len(table) >= 270
    for src, dst in table.items():
        assert is_gsm7(dst), (hex(ord(src)), dst)
        assert src not in GSM7_BASIC | GSM7_EXTENSION, hex(ord(src))


def test_smart_encoding_keeps_real_unicode_as_ucs2() -> None:
    info = count("Grüße 😀", smart=True)
    assert info.encoding == "UCS-2"
    assert info.ucs2_chars == ("😀",)


def test_segment_count_agrees_with_count():
    import random

    from channels_sms.segments import segment_count

    rng = random.Random(7)
    alphabet = "abc XYZ 019 @$_!\r\n" + "é€[]{}^~|\\" + "ü😀ß\u0301ñ"
    samples = ["", "a", "a" * 160, "a" * 161, "a" * 306, "a" * 307, "€" * 80, "é" * 161]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(300)
    ]
    for text in samples:
        assert segment_count(text) == count(text).segments, text
