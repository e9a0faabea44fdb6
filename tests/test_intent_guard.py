"""The intent follows from the message's make-up where the classifier cannot know."""

import pytest

from bot.nlu.intent_guard import guarded_intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [("hello", "greet"), ("<script>alert('x')</script>", "bot_challenge"), ("😀😀", "thank"),
     ("DROP TABLE reports;", "faq")],
)
def test_no_chinese_and_nothing_readable_is_not_understood(text, intent):
    assert guarded_intent(text, intent, set()) == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "intent", "entities", "expected"),
    [("0001", "rate_service", {"phone_tail"}, "provide_identity"),
     ("沪A12345", "nlu_fallback", {"plate"}, "provide_identity"),
     ("PDAA2026310000000001", "greet", {"policy_number"}, "provide_identity"),
     ("BA20261122000001", "nlu_fallback", {"report_number"}, "check_claim_status"),
     ("3000", "rate_service", {"amount", "phone_tail"}, "provide_identity")],
)
def test_an_identifier_decides_an_unplaced_or_non_chinese_message(text, intent, entities, expected):
    assert guarded_intent(text, intent, entities) == expected


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [("交强险赔多少", "faq", set()), ("我的车牌是沪A12345", "provide_identity", {"plate"}),
     ("损失两千", "inform", {"amount"}), ("0001", "provide_identity", {"phone_tail"})],
)
def test_a_placed_chinese_message_keeps_its_intent(text, intent, entities):
    assert guarded_intent(text, intent, entities) is None
