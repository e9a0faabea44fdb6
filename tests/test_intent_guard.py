"""The intent follows from the message's make-up where the classifier cannot know."""

import pytest
import yaml

from bot.nlu.intent_guard import (
    SHORT_REPLIES_FILE,
    guarded_intent,
    short_replies,
    short_reply_intent,
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hello, can you help", "greet"),
        ("<script>alert('x')</script>", "bot_challenge"),
        ("😀😀", "thank"),
        ("DROP TABLE reports;", "faq"),
    ],
)
def test_no_chinese_and_nothing_readable_is_not_understood(text, intent):
    assert guarded_intent(text, intent, set()) == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "intent", "entities", "expected"),
    [
        ("0001", "rate_service", {"phone_tail"}, "provide_identity"),
        ("沪A12345", "nlu_fallback", {"plate"}, "provide_identity"),
        ("PDAA2026310000000001", "greet", {"policy_number"}, "provide_identity"),
        ("BA20261122000001", "nlu_fallback", {"report_number"}, "check_claim_status"),
        ("3000", "rate_service", {"amount", "phone_tail"}, "provide_identity"),
    ],
)
def test_an_identifier_decides_an_unplaced_or_non_chinese_message(text, intent, entities, expected):
    assert guarded_intent(text, intent, entities) == expected


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("交强险赔多少", "faq", set()),
        ("我的车牌是沪A12345", "provide_identity", {"plate"}),
        ("损失两千", "inform", {"amount"}),
        ("0001", "provide_identity", {"phone_tail"}),
    ],
)
def test_a_placed_chinese_message_keeps_its_intent(text, intent, entities):
    assert guarded_intent(text, intent, entities) is None


@pytest.mark.parametrize(
    ("text", "classifier_said", "expected"),
    [
        ("没有", "inform", "deny"),
        ("沒有啊", "affirm", "deny"),
        ("好的。", "faq", "affirm"),
        ("对对对", "inform", "affirm"),
        ("算了", "deny", "cancel"),
        ("取消！", "check_claim_status", "cancel"),
        ("授心", "affirm", "choose_credit"),
        ("受信", "affirm", "choose_credit"),
        ("授权吧", "choose_credit", "choose_authorised"),
        ("3Q", "affirm", "thank"),
        ("Thank you", "nlu_fallback", "thank"),
        ("转人工", "faq", "request_human"),
        ("妳好", "affirm", "greet"),
    ],
)
def test_a_whole_message_short_reply_has_a_fixed_intent(text, classifier_said, expected):
    assert guarded_intent(text, classifier_said, set()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我没有受伤",
        "没有人受伤，车还能开",
        "好的，我的车牌是沪A12345",
        "取消刚才那个报案号BA20261122000003",
    ],
)
def test_a_short_reply_inside_a_longer_message_is_left_to_the_classifier(text):
    assert short_reply_intent(text) is None


def test_no_short_reply_is_listed_under_two_intents():
    listed = yaml.safe_load(SHORT_REPLIES_FILE.read_text(encoding="utf-8"))
    phrases = [str(phrase).lower() for group in listed.values() for phrase in group]
    assert len(phrases) == len(set(phrases)) == len(short_replies())
