"""A report is never dropped by a misunderstanding (issue 13), over REST against the real
servers: answers read against the question asked, unreadable replies asked again, a
person offered with the draft kept, the draft resumed after a call-back, one-message
reports, complaints told at once, facts told with no report under way."""

from decimal import Decimal

import pytest

from tests.test_report_conversations import (
    SMALL_SINGLE_VEHICLE,
    asked,
    first_text,
    reports_of,
    template_prefix,
)

pytestmark = pytest.mark.servers


def verified(customer, plate: str = "沪A12345", tail: str = "0001") -> list[str]:
    customer.say("我要报案")
    customer.say(plate)
    return customer.say(tail)


def answer_until(customer, replies: list[str], stop: str, answers: dict) -> list[str]:
    """Answer the form's questions from `answers` until it asks `stop`."""
    for _ in range(15):
        question = asked(replies)
        if question == stop:
            return replies
        assert question in answers, f"unexpected turn: {replies}\n{customer!r}"
        replies = customer.say(answers[question])
    raise AssertionError(f"never asked {stop}\n{customer!r}")


def summary(replies: list[str]) -> str:
    prefix = template_prefix("utter_report_summary")
    [text] = [r for r in replies if r.startswith(prefix)]
    return text


def test_everyday_answers_fill_the_form_and_the_summary_shows_them_for_confirmation(
    customer, claims_db
):
    # 王强, not 张伟: the session's other tests need 张伟 without a claim this period.
    replies = verified(customer, "京C24680", "0003")
    answers = {
        "utter_ask_accident_time": "下班路上",
        "utter_ask_accident_location": "中山北路高架下匝道",
        "utter_ask_two_vehicle": "和一辆出租车",
        "utter_ask_anyone_injured": "好像没有",
        "utter_ask_car_drivable": "应该能开吧",
        "utter_ask_own_loss": "五六千",
        "utter_ask_third_party_loss": "估不出来",
        "utter_ask_insured_driving": "我弟开的",
        "utter_ask_insured_reporting": "就我本人",
        "utter_ask_description": "并线时蹭到出租车的车门",
    }
    for _ in range(12):
        if any(r.startswith(template_prefix("utter_report_summary")) for r in replies):
            break
        replies = customer.say(answers[asked(replies)])
    text = summary(replies)
    assert "18:00（您说：按“下班路上”估计）" in text
    assert "双方事故" in text
    assert "有人受伤：否（您说：好像没有）" in text
    assert "本车损失：约6,000元（您说：五六千，按上限计）" in text
    assert "对方车损失：待定损" in text
    assert "本人驾驶：否（您说：我弟开的）" in text
    outcome = customer.say("确认")
    refusal = [r for r in outcome if r.startswith(template_prefix("utter_fast_track_not_eligible"))]
    assert refusal and "估不出损失" in refusal[0] and "本人驾驶" in refusal[0]
    [filed] = [r for r in reports_of(claims_db, "王强") if r.description.startswith("并线")]
    assert filed.two_vehicle and filed.own_loss == Decimal("6000")
    assert filed.third_party_loss is None and filed.insured_driving is False


def test_an_unreadable_reply_gets_the_question_again_then_a_person_offered_never_a_hand_off(
    customer,
):
    answer_until(customer, verified(customer), "utter_ask_anyone_injured", SMALL_SINGLE_VEHICLE)
    first = customer.say("嗯嗯那个")
    assert first_text("utter_yes_no_not_understood") in first
    assert asked(first) == "utter_ask_anyone_injured"
    second = customer.say("这个嘛")
    assert first_text("utter_report_offer_human") in second
    assert asked(second) == "utter_ask_anyone_injured"  # still the same question
    third = customer.say("没人受伤")
    assert asked(third) == "utter_ask_car_drivable"
    said = "\n".join(text for who, text in customer.transcript if who == "bot")
    assert first_text("utter_handoff_not_understood") not in said


def test_a_report_left_for_a_call_back_continues_where_it_stopped(customer, claims_db):
    replies = answer_until(
        customer, verified(customer, "川A11223", "0006"), "utter_ask_own_loss", SMALL_SINGLE_VEHICLE
    )
    customer.say("转人工")  # nobody online in the tests: a call-back is offered
    customer.say("13812345678")
    registered = customer.say("明天上午都行")
    assert first_text("utter_report_draft_kept") in registered
    resumed = customer.say("继续报案")
    assert first_text("utter_report_resumed") in resumed
    assert asked(resumed) == "utter_ask_own_loss"  # the question it stopped at
    replies = customer.say("两千")
    for _ in range(6):
        if any(r.startswith(template_prefix("utter_report_summary")) for r in replies):
            break
        replies = customer.say(SMALL_SINGLE_VEHICLE[asked(replies)])
    assert "人民广场附近的停车场" in summary(replies)  # told before the call-back
    customer.say("确认")
    assert len([r for r in reports_of(claims_db, "陈静") if r.sender_id == customer.sender]) == 1


def test_a_one_message_report_verifies_at_once_and_asks_only_what_is_missing(customer):
    replies = customer.say(
        "沪A12345 手机尾号0001 半小时前在延安路追尾了前车 没人受伤 车还能开 我车大概两千 对方一千五"
    )
    assert any(r.startswith(template_prefix("utter_identity_verified")) for r in replies), customer
    assert asked(replies) == "utter_ask_insured_driving", customer


def test_a_complaint_that_says_what_went_wrong_is_registered_with_those_words(customer):
    verified_replies = verified(customer)
    assert verified_replies
    customer.say("取消")
    replies = customer.say("你们定损员态度太差了 我要投诉他")
    registered = [r for r in replies if r.startswith(template_prefix("utter_complaint_registered"))]
    assert registered and "定损员态度太差了" in registered[0], customer
    assert first_text("utter_ask_complaint_text") not in replies


def test_an_amount_told_after_the_fast_track_answer_starts_the_report_with_it(customer):
    customer.say("小剐蹭能走快速理赔吗")
    started = customer.say("两千左右")
    assert first_text("utter_report_resumed") in started, customer
    assert asked(started) == "utter_ask_identity_key"
    customer.say("沪A12345")
    replies = customer.say("0001")
    replies = answer_until(customer, replies, "utter_ask_description", SMALL_SINGLE_VEHICLE)
    replies = customer.say("倒车蹭到柱子")
    assert "本车损失：约2,000元" in summary(replies)
    said = "\n".join(text for who, text in customer.transcript if who == "bot")
    assert first_text("utter_ask_own_loss") not in said
