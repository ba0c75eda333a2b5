"""Matching in memory (automations.matching): keywords in any language without regard
to case or accents, chip postbacks exact or by prefix, rule order, and consent words
that no rule may ever answer."""

from __future__ import annotations

import pytest

from automations.matching import CompiledRules, RuleKey, fold, is_consent_keyword

RULES = CompiledRules.build(
    [
        RuleKey(id=1, trigger="keyword", value="saldo\nbalance"),
        RuleKey(id=2, trigger="keyword", value="pagar, quiero pagar"),
        RuleKey(id=3, trigger="keyword", value="agente"),
        RuleKey(id=4, trigger="postback", value="PAY_CONFIRM"),
        RuleKey(id=5, trigger="postback", value="order:", match_prefix=True),
        RuleKey(id=6, trigger="keyword", value="ÜBERWEISUNG"),
        RuleKey(id=7, trigger="keyword", value="残高"),
        RuleKey(id=8, trigger="keyword", value="sms only", channel_ids=frozenset({9})),
    ]
)


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def tap(postback: str, label: str = "Chip", **extra) -> dict:
    return {"type": "suggestion_response", "text": label, "postback": postback, **extra}


@pytest.mark.parametrize(
    "said",
    ["saldo", "SALDO", "Saldo?", "¿Cuál es mi saldo?", "sáldo", "SÁLDO por favor", "balance"],
)
def test_spanish_balance_keyword_with_and_without_accents(said):
    assert RULES.candidates(text(said), said, channel_id=1) == [1]


@pytest.mark.parametrize("said", ["pagar", "Pagár", "PAGAR ya", "quiero pagar", "Quiero PAGÁR"])
def test_pay_keyword(said):
    assert RULES.candidates(text(said), said, channel_id=1) == [2]


@pytest.mark.parametrize("said", ["agente", "Agénte", "quiero un AGENTE!", "agente, por favor"])
def test_agent_keyword(said):
    assert RULES.candidates(text(said), said, channel_id=1) == [3]


@pytest.mark.parametrize("said", ["saldos", "pagaré", "agentes", "desaldo", "hola"])
def test_whole_words_only(said):
    assert RULES.candidates(text(said), said, channel_id=1) == []


def test_other_scripts_and_letters():
    assert RULES.candidates(text("Überweisung bitte"), "", channel_id=1) == [6]
    assert RULES.candidates(text("uberweisung"), "", channel_id=1) == [6]
    assert RULES.candidates(text("残高"), "", channel_id=1) == [7]


def test_several_matches_come_in_rule_order():
    said = "pagar mi saldo o hablar con un agente"
    assert RULES.candidates(text(said), said, channel_id=1) == [1, 2, 3]


def test_postback_exact_and_prefix():
    assert RULES.candidates(tap("PAY_CONFIRM"), "", channel_id=1) == [4]
    assert RULES.candidates(tap("PAY_CONFIRM_2"), "", channel_id=1) == []
    assert RULES.candidates(tap("pay_confirm"), "", channel_id=1) == []  # postbacks are exact
    assert RULES.candidates(tap("order:yes"), "", channel_id=1) == [5]
    assert RULES.candidates(tap("order"), "", channel_id=1) == []


def test_a_tap_also_says_its_chip_words():
    assert RULES.candidates(tap("X1", label="Pagar"), "", channel_id=1) == [2]


def test_channel_condition_is_checked_in_memory():
    assert RULES.candidates(text("sms only"), "", channel_id=9) == [8]
    assert RULES.candidates(text("sms only"), "", channel_id=1) == []


@pytest.mark.parametrize(
    "said", ["STOP", "stop", "Stop.", "BAJA", "baja", "Ayuda", "START", "UNSUBSCRIBE"]
)
def test_consent_keywords_never_trigger_a_rule(said):
    rules = CompiledRules.build(
        [
            RuleKey(id=1, trigger="keyword", value="stop\nbaja\nayuda\nstart\nunsubscribe"),
            RuleKey(id=2, trigger="new_conversation"),
        ]
    )
    assert is_consent_keyword(said)
    assert rules.candidates(text(said), said, channel_id=1) == []


def test_a_numbered_sms_answer_is_checked_by_what_was_typed():
    rules = CompiledRules.build([RuleKey(id=1, trigger="postback", value="YES")])
    typed_yes = tap("YES", label="Yes", original_text="yes")  # also Twilio's opt-in word
    typed_one = tap("YES", label="Yes", original_text="1")
    assert rules.candidates(typed_yes, "yes", channel_id=1) == []
    assert rules.candidates(typed_one, "1", channel_id=1) == [1]
    assert rules.candidates(tap("YES", label="Yes"), "Yes", channel_id=1) == [1]  # a real tap


def test_structural_triggers_are_always_candidates():
    rules = CompiledRules.build(
        [RuleKey(id=1, trigger="new_conversation"), RuleKey(id=2, trigger="out_of_hours")]
    )
    assert rules.candidates(text("anything"), "", channel_id=1) == [1, 2]


def test_no_rules_is_falsy():
    assert not CompiledRules.build([])


def test_fold():
    assert fold("  ¿Cuál   es MI saldo?! ") == "cual es mi saldo"
    assert fold("Ça coûte") == "ca coute"
