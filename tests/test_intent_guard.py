"""The intent follows from the message's make-up where the classifier cannot know."""

import pytest
import yaml

from bot.nlu.intent_guard import (
    QUESTION_INTENTS,
    SHORT_REPLIES_FILE,
    guarded_intent,
    off_topic_named,
    short_replies,
    short_reply_intent,
    value_alone,
)
from tests.test_transactional_nlu_data import NLU_DIR, _load_nlu, _plain

LABELLED = [
    (intent.split("/")[0], _plain(example))
    for path in sorted(NLU_DIR.glob("*.yml"))
    for intent, examples in _load_nlu(path).items()
    for example in examples
]


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
        ("no", "greet", "deny"),
        ("Yes", "greet", "affirm"),
        ("No no no!", "greet", "deny"),
        ("谢谢谢谢", "affirm", "thank"),
        ("好的好的", "inform", "affirm"),
        ("谢谢，再见", "thank", "goodbye"),
        ("好的，拜拜啦", "affirm", "goodbye"),
        ("886", "provide_identity", "goodbye"),
        ("授权，谢谢", "thank", "choose_authorised"),
        ("不用了，谢谢", "thank", "deny"),
        ("好的，谢谢", "affirm", "thank"),
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
        "取消，转人工",  # two requests: the classifier weighs them
    ],
)
def test_a_short_reply_inside_a_longer_message_is_left_to_the_classifier(text):
    assert short_reply_intent(text) is None


def test_no_short_reply_is_listed_under_two_intents():
    listed = yaml.safe_load(SHORT_REPLIES_FILE.read_text(encoding="utf-8"))
    phrases = [str(phrase).lower() for group in listed.values() for phrase in group]
    assert len(phrases) == len(set(phrases)) == len(short_replies())


def test_yes_and_no_are_read_as_words_not_as_yaml_booleans():
    assert short_replies()["no"] == "deny"
    assert short_replies()["yes"] == "affirm"


def test_the_short_replies_agree_with_the_training_data():
    disagree = [
        (intent, text)
        for intent, text in LABELLED
        if short_reply_intent(text) not in (None, intent)
    ]
    assert disagree == []


@pytest.mark.parametrize(
    ("text", "classifier_said"),
    [
        ("我妈住院了，百万医疗险怎么报", "faq"),
        ("年金险的收益怎么样", "faq"),
        ("家里水管漏了，家财险管不管", "faq"),
        ("驾驶证下个月到期，怎么换证", "faq"),
        ("年审要带什么材料", "faq"),
        ("我这周有几条违章", "ask_my_policy"),
        ("明天上海下雨吗", "faq"),
        ("帮我订一张去广州的机票", "nlu_fallback"),
        ("信用卡怎么提额", "check_claim_status"),
    ],
)
def test_a_question_naming_something_we_do_not_cover_is_off_topic(text, classifier_said):
    assert guarded_intent(text, classifier_said, set()) == "off_topic"


@pytest.mark.parametrize(
    "text",
    [
        "意外险和座位险有什么区别",
        "车没年检出了事故能赔吗",
        "医保不报的药费有附加险吗",
        "暴雨把车泡了能赔吗",
        "修车期间的打车费能补偿吗",
        "驾驶证过期了还能报案吗",
        "下雨天路滑追尾了算谁的责任",
        "周末开网约车拉活需要报备吗",  # ride-hailing is an exclusion question
    ],
)
def test_a_car_insurance_question_naming_those_words_stays_in_scope(text):
    assert off_topic_named(text) is None
    assert guarded_intent(text, "faq", set()) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("加油站门口", "inform"),
        ("在驾校门口被追尾了", "report_accident"),
        ("下雪天我自己滑到沟里了", "report_accident"),
    ],
)
def test_an_answer_in_the_report_is_never_taken_for_off_topic(text, intent):
    assert guarded_intent(text, intent, set()) is None


def test_no_question_in_the_training_data_is_wrongly_off_topic():
    wrongly = [
        (intent, text)
        for intent, text in LABELLED
        if intent in QUESTION_INTENTS and off_topic_named(text)
    ]
    assert wrongly == []


@pytest.mark.parametrize(
    ("text", "spans", "alone"),
    [
        ("两千左右吧", [("amount", 0, 2)], "amount"),
        ("大概是今天早上", [("accident_time", 3, 7)], "accident_time"),
        ("在人民广场", [("location", 1, 5)], "location"),
        ("沪A12345", [("plate", 0, 7)], "plate"),
        ("我车大概两千", [("amount", 4, 6)], None),
        ("今天早上下雨吗", [("accident_time", 0, 4)], None),
        ("好的", [], None),
    ],
)
def test_a_message_made_of_a_value_alone(text, spans, alone):
    assert value_alone(text, spans) == alone


@pytest.mark.parametrize(
    ("alone", "classifier_said", "expected"),
    [
        ("accident_time", "off_topic", "inform"),
        ("amount", "faq", "inform"),
        ("location", "greet", "inform"),
        ("plate", "inform", "provide_identity"),
        ("accident_time", "inform", None),
    ],
)
def test_a_value_alone_says_what_the_message_is_for(alone, classifier_said, expected):
    assert guarded_intent("…", classifier_said, {alone}, alone=alone) == expected


@pytest.mark.parametrize(
    ("best_guess", "expected"),
    [
        ("report_accident", "report_accident"),
        ("report_injury", "report_injury"),
        ("faq", "inform"),
        (None, "inform"),
    ],
)
def test_an_unplaced_message_with_a_value_keeps_a_report_guess(best_guess, expected):
    text = "今早在南浦大桥追尾了，我车估计2000"
    assert (
        guarded_intent(
            text, "nlu_fallback", {"amount", "accident_time", "location"}, best_guess=best_guess
        )
        == expected
    )


def test_a_place_named_inside_a_message_does_not_decide_it():
    assert guarded_intent("人民广场那边我再确认一下", "nlu_fallback", {"location"}) is None


@pytest.mark.parametrize("digits", ["8888", "888", "6666"])
def test_repeated_digits_are_a_phone_tail_not_a_reply_said_twice(digits):
    assert short_reply_intent(digits) is None  # not 88 (bye) said twice
    assert guarded_intent(digits, "goodbye", {"phone_tail"}, alone="phone_tail") == (
        "provide_identity"
    )
