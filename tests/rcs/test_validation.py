"""Every RCS limit is checked before queueing, and the error names the field and limit."""

from __future__ import annotations

from channels_rcs.validation import validate

IMG = "https://cdn.example/a.jpg"


def reply(text: str, postback: str | None = None) -> dict:
    s = {"type": "reply", "text": text}
    if postback is not None:
        s["postback"] = postback
    return s


def card(title: str = "Card", **extra) -> dict:
    return {"title": title, **extra}


def test_valid_content_has_no_errors():
    assert (
        validate({"type": "text", "text": "x" * 3072, "suggestions": [reply("y" * 25)] * 11}) == []
    )
    carousel = {"type": "carousel", "cards": [card(suggestions=[reply("a")] * 4)] * 10}
    assert validate(carousel) == []


def test_schema_errors_come_first():
    assert validate({"type": "text"}) == ["content.text: required"]


def test_text_length():
    assert validate({"type": "text", "text": "x" * 3073}) == [
        "content.text: 3073 > 3072 characters"
    ]


def test_suggestion_text_in_a_carousel_card():
    cards = [card(), card(), card(suggestions=[reply("x" * 31)])]
    assert validate({"type": "carousel", "cards": cards}) == [
        "content.cards[2].suggestions[0].text: 31 > 25 characters"
    ]


def test_suggestion_counts():
    assert validate({"type": "text", "text": "hi", "suggestions": [reply("a")] * 12}) == [
        "content.suggestions: 12 > 11 suggestions"
    ]
    assert validate({"type": "card", "card": card(suggestions=[reply("a")] * 5)}) == [
        "content.card.suggestions: 5 > 4 suggestions"
    ]


def test_postback_length():
    assert validate({"type": "text", "text": "hi", "suggestions": [reply("a", "p" * 2049)]}) == [
        "content.suggestions[0].postback: 2049 > 2048 characters"
    ]


def test_card_title_and_description():
    errors = validate({"type": "card", "card": card("t" * 201, description="d" * 2001)})
    assert errors == [
        "content.card.title: 201 > 200 characters",
        "content.card.description: 2001 > 2000 characters",
    ]


def test_a_card_with_only_a_description_is_valid():
    """Google's CardContent (reference/rest/v1/phones.agentMessages#CardContent): title,
    description and media are each optional; a card needs one of them."""
    assert validate({"type": "card", "card": {"description": "only words"}}) == []


def test_traffic_type_is_one_of_rbms_five():
    """reference/rest/v1/phones.agentMessages#MessageTrafficType: AUTHENTICATION,
    TRANSACTION, PROMOTION, SERVICEREQUEST, ACKNOWLEDGEMENT (content.md `traffic_type`)."""
    text = {"type": "text", "text": "Your code is 123456"}
    assert validate({**text, "traffic_type": "authentication"}) == []
    assert validate({**text, "traffic_type": "service_request"}) == []
    assert validate({**text, "traffic_type": "marketing"}) == [
        "content.traffic_type: must be one of authentication, transaction, promotion, "
        "service_request, acknowledgement"
    ]


def test_audio_types_follow_googles_list():
    """guides/build/messages/send ("Supported media types"): audio/aac, audio/mp3,
    audio/mpeg, audio/mpg, audio/mp4, audio/mp4-latm, audio/3gpp, application/ogg,
    audio/ogg."""
    for mime in ("audio/mp4-latm", "application/ogg", "audio/ogg", "audio/3gpp"):
        assert validate({"type": "media", "url": "https://x.example/a", "mime_type": mime}) == []
    assert validate(
        {"type": "media", "url": "https://x.example/a.wav", "mime_type": "audio/wav"}
    ) == ["content.mime_type: audio/wav is not accepted in a file message on RCS"]


def test_all_files_of_a_message_together_and_a_thumbnail_have_limits():
    """guides/build/messages/send (file size limits): 100 MiB of files per message, and
    a thumbnail much smaller (100 KiB)."""
    half = 60 * 1024 * 1024
    cards = [card(media={"url": IMG, "size": half}), card(media={"url": IMG, "size": half})]
    assert validate({"type": "carousel", "cards": cards}) == [
        f"content: {2 * half} > 104857600 bytes of files in one message (100 MiB)"
    ]
    thumb = {"url": IMG, "thumbnail_url": IMG, "thumbnail_size": 100 * 1024 + 1}
    assert validate({"type": "card", "card": card(media=thumb)}) == [
        "content.card.media.thumbnail_size: 102401 > 102400 bytes (100 KiB)"
    ]


def test_carousel_card_count():
    assert validate({"type": "carousel", "cards": [card()]}) == [
        "content.cards: 1 < 2 cards (a carousel holds 2 to 10; send one card as type card)"
    ]
    assert validate({"type": "carousel", "cards": [card()] * 11}) == [
        "content.cards: 11 > 10 cards"
    ]


def test_tall_media_not_in_small_carousel():
    cards = [card(media={"url": IMG, "height": "tall"}), card()]
    assert validate({"type": "carousel", "card_width": "small", "cards": cards}) == [
        "content.cards[0].media.height: tall is not available in a small-width carousel"
    ]
    assert validate({"type": "carousel", "card_width": "medium", "cards": cards}) == []


def test_media_size_and_types():
    big = {"type": "media", "url": "https://x.example/v.mp4", "mime_type": "video/mp4"}
    assert validate({**big, "size": 100 * 1024 * 1024 + 1}) == [
        "content.size: 104857601 > 104857600 bytes (100 MiB)"
    ]
    assert validate(
        {"type": "media", "url": "https://x.example/a.zip", "mime_type": "application/zip"}
    ) == ["content.mime_type: application/zip is not accepted in a file message on RCS"]
    pdf_card = {"type": "card", "card": card(media={"url": "https://x.example/a.pdf"})}
    assert validate(pdf_card) == [
        "content.card.media.mime_type: application/pdf is not accepted in a rich card on RCS"
    ]


def test_caption_only_on_images_and_video():
    pdf = {"type": "media", "url": "https://x.example/a.pdf", "caption": "Your invoice"}
    assert validate(pdf) == [
        "content.caption: RCS can caption only an image or video, not application/pdf "
        "(send the text as its own message)"
    ]


def test_url_and_calendar_lengths():
    long_url = "https://x.example/" + "a" * 2040
    s = {"type": "open_url", "text": "Go", "url": long_url}
    assert validate({"type": "text", "text": "hi", "suggestions": [s]}) == [
        f"content.suggestions[0].url: {len(long_url)} > 2048 characters"
    ]
    cal = {
        "type": "calendar_event",
        "text": "Add",
        "title": "t" * 101,
        "description": "d" * 501,
        "start": "2026-12-01T10:00:00Z",
        "end": "2026-12-01T12:00:00Z",
    }
    assert validate({"type": "text", "text": "hi", "suggestions": [cal]}) == [
        "content.suggestions[0].title: 101 > 100 characters",
        "content.suggestions[0].description: 501 > 500 characters",
    ]


def test_suggestion_response_cannot_be_sent():
    assert validate({"type": "suggestion_response", "text": "Yes", "postback": "y"}) == [
        "content.type: suggestion_response is what a customer's tap sends; agents cannot send it"
    ]


def test_whole_message_size():
    # Each limit on its own is respected; 4-byte characters make the whole too large.
    emoji = "\U0001f600"
    postbacks = [reply("a", emoji * 2048)] * 4
    cards = [card("t" * 200, description=emoji * 2000, suggestions=postbacks)]
    errors = validate({"type": "carousel", "cards": cards * 10})
    assert len(errors) == 1
    assert errors[0].startswith("content: ")
    assert errors[0].endswith(" > 250000 bytes (the whole RCS message)")
