"""What one customer message tells the accident report (bot/dialogue/report_facts.py)."""

import pytest

from bot.dialogue.report_facts import (
    CustomerMessage,
    clean_free_text,
    facts_from_message,
    has_draft,
)


def message(text: str, intent: str = "inform", **entities) -> CustomerMessage:
    found = []
    for name, value in entities.items():
        entity, _, role = name.partition("__")
        found.append({"entity": entity, "value": value, **({"role": role} if role else {})})
    return CustomerMessage(text=text, intent=intent, entities=found)


def test_one_message_can_fill_many_facts():
    facts = facts_from_message(
        message(
            "半小时前在延安路追尾了前车 没人受伤 车还能开 我车大概两千 对方一千五",
            "report_accident",
            accident_time="2026-11-22T10:00:00+08:00",
            location="延安路",
            amount=2000,
            amount__third_party=1500,
        ),
        requested=None,
    )
    assert facts["accident_time"] == "2026-11-22T10:00:00+08:00"
    assert facts["accident_location"] == "延安路"
    assert facts["two_vehicle"] is True
    assert facts["anyone_injured"] is False
    assert facts["car_drivable"] is True
    assert facts["own_loss"] == 2000 and facts["third_party_loss"] == 1500
    assert facts["description"].startswith("半小时前在延安路追尾")


@pytest.mark.parametrize("text", ["没有人受伤", "人都没事，就是车撞成这样真心疼", "我不疼，没事"])
def test_nobody_hurt_is_not_read_as_an_injury(text):
    assert facts_from_message(message(text), "anyone_injured")["anyone_injured"] is False


@pytest.mark.parametrize(
    "text",
    [
        "有人受伤了",
        "对方流血了",
        "我腿撞伤了",
        "叫了救护车",
        "刚刚被追尾，脖子好痛",
        "对方司机说头晕",
    ],
)
def test_injury_phrasings_are_injuries(text):
    assert facts_from_message(message(text), None)["anyone_injured"] is True


def test_an_faq_question_fills_nothing():
    question = message("有人受伤怎么办", intent="faq", amount=3000)
    assert facts_from_message(question, "anyone_injured") == {}


def test_a_bare_amount_answers_the_question_asked():
    reply = message("一千五", amount=1500)
    assert facts_from_message(reply, "third_party_loss") == {"third_party_loss": 1500}
    assert facts_from_message(reply, "own_loss") == {"own_loss": 1500}


def test_a_correction_takes_the_last_value_named():
    correction = message("不是两千是三千", intent="inform", amount=[2000, 3000][0])
    correction.entities.append({"entity": "amount", "value": 3000})
    assert facts_from_message(correction, "report_confirmed")["own_loss"] == 3000


@pytest.mark.parametrize(
    ("intent", "text", "expected"),
    [("affirm", "是的", True), ("deny", "不是", False), ("inform", "对", True)],
)
def test_yes_or_no_answers_the_boolean_asked(intent, text, expected):
    reply = message(text, intent=intent)
    assert facts_from_message(reply, "insured_reporting") == {"insured_reporting": expected}


def test_someone_reporting_for_the_insured_is_not_the_insured_reporting():
    assert facts_from_message(message("我是帮我老公报的"), None)["insured_reporting"] is False


def test_free_text_answers_the_place_or_description_asked():
    assert facts_from_message(message("小区门口"), "accident_location") == {
        "accident_location": "小区门口"
    }
    assert (
        facts_from_message(message("倒车蹭到柱子", "inform"), "description")["description"]
        == "倒车蹭到柱子"
    )


def test_a_correction_is_not_taken_as_the_description():
    correction = message("不对，损失是四千", intent="inform", amount=4000)
    assert facts_from_message(correction, "description") == {"own_loss": 4000}


def test_confirming_the_summary():
    assert facts_from_message(message("确认", intent="affirm"), "report_confirmed") == {
        "report_confirmed": True
    }


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<script>alert(1)</script>停车场", "alert(1)停车场"),
        ("a < b", "a ＜ b"),
        ("  多个   空格  ", "多个 空格"),
        ("长" * 500, "长" * 200),
    ],
)
def test_customer_words_are_stored_without_markup(raw, clean):
    assert clean_free_text(raw) == clean


def test_a_correction_is_not_a_no_to_the_question_asked():
    correction = message("不对，损失是四千", intent="inform", amount=4000)
    assert facts_from_message(correction, "two_vehicle") == {"own_loss": 4000}


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("刚才说错了，我再想想", "car_drivable"),
        ("不对不对，我记错了", "anyone_injured"),
        ("时间填错了，要改一下", "insured_driving"),
    ],
)
def test_a_correction_naming_no_fact_answers_no_question(text, asked):
    assert facts_from_message(message(text, intent="inform"), asked) == {}


def test_a_corrected_time_is_not_taken_as_the_description():
    correction = message("说错了，是昨晚八点", intent="inform", accident_time="2026-12-06T20:00:00")
    assert facts_from_message(correction, "description") == {"accident_time": "2026-12-06T20:00:00"}


def test_an_unclear_message_can_still_answer_the_question_asked():
    unclear = message("只有我一辆车", intent="nlu_fallback")
    assert facts_from_message(unclear, "two_vehicle") == {"two_vehicle": False}


def test_the_description_keeps_the_customers_own_words_as_typed():
    typed = "倒車時蹭到了柱子，後保險槓刮花！"
    normalised = CustomerMessage(
        text="倒车时蹭到了柱子,后保险杠刮花!", intent="inform", words=typed
    )
    assert facts_from_message(normalised, "description") == {"description": typed}


@pytest.mark.parametrize(
    ("text", "two_vehicle"),
    [
        ("排队时被后面的车轻轻顶了一下", True),
        ("停车场里被别的车刮了一下", True),
        ("等红灯时被后车追尾", True),
        ("被一辆电动车撞了", True),
        ("倒车撞到柱子了", False),
        ("我自己撞了护栏", False),
    ],
)
def test_the_other_car_is_heard_in_everyday_words(text, two_vehicle):
    assert facts_from_message(message(text), "two_vehicle") == {"two_vehicle": two_vehicle}


def test_a_report_begun_and_left_is_a_draft_to_resume():
    assert has_draft({"report_draft_id": "d1", "own_loss": 2000.0})
    assert not has_draft({"report_draft_id": "d1"})  # nothing said yet: start afresh
    assert not has_draft({"own_loss": 2000.0})  # filed or cancelled: the id is gone


def test_the_customer_s_note_is_shown_back_without_markup():
    facts = facts_from_message(message("好像没有<script>x</script>"), "anyone_injured")
    assert facts["anyone_injured"] is False
    assert "<" not in facts["answer_notes"]["anyone_injured"]
