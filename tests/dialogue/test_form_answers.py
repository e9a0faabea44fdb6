"""A reply is read as the answer to the report question just asked (bot/dialogue/form_answers.py).

The sentences here are the kinds the issue names; the answer matrix
(evaluation/form_answers.yml, tests/test_answer_matrix.py) measures the same
reading on sentences written apart from this code, through the real servers.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.dialogue.form_answers import UNKNOWN, answer_to, is_digression, read_in_form

TZ = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 6, 10, 12, 0, tzinfo=timezone.utc)  # 20:00 in Shanghai
MORNING = datetime(2026, 6, 10, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


def value(slot: str, text: str, now: datetime = EVENING):
    answer = answer_to(slot, text, now, TZ)
    return None if answer is None else answer.value


@pytest.mark.parametrize("text", ["就我本人", "本人本人", "我自个儿开的", "是车主本人", "我开的"])
def test_the_insured_driving_said_in_everyday_words_is_a_yes(text):
    assert value("insured_driving", text) is True


@pytest.mark.parametrize("text", ["我弟开的", "朋友借去开的", "我老婆开的车"])
def test_someone_else_driving_is_a_no_and_who_it_was_is_kept(text):
    answer = answer_to("insured_driving", text, EVENING, TZ)
    assert answer.value is False
    assert answer.note == text


def test_not_the_insured_driving_is_a_no():
    assert value("insured_driving", "不是我开的") is False


@pytest.mark.parametrize("text", ["不是，我是他同事", "我是他老婆", "帮朋友报的"])
def test_someone_reporting_for_the_insured_is_a_no(text):
    assert value("insured_reporting", text) is False


def test_the_insured_reporting_themselves_is_a_yes():
    assert value("insured_reporting", "就我本人") is True


@pytest.mark.parametrize(
    ("text", "amount"),
    [("五六千", 6000), ("五六千的样子", 6000), ("两三万", 30000), ("七八百吧", 800)],
)
def test_a_range_of_two_neighbouring_numbers_takes_the_upper_one(text, amount):
    answer = answer_to("own_loss", text, EVENING, TZ)
    assert answer.value == amount
    assert "按上限计" in answer.note


@pytest.mark.parametrize(
    ("text", "amount"), [("2000到3000", 3000), ("两千到三千", 3000), ("1500~2000", 2000)]
)
def test_a_range_from_to_takes_the_upper_end(text, amount):
    assert value("third_party_loss", text) == amount


@pytest.mark.parametrize(
    ("text", "amount"), [("两千多", 3000), ("3000多", 4000), ("几百块吧", 900)]
)
def test_more_than_and_a_few_hundred_take_their_upper_bound(text, amount):
    assert value("own_loss", text) == amount


@pytest.mark.parametrize("text", ["估不出来", "说不好", "不知道", "得等定损才知道", "好几千吧"])
def test_a_loss_the_customer_cannot_estimate_is_unknown(text):
    assert value("own_loss", text) == UNKNOWN


def test_no_damage_to_the_other_car_is_nothing():
    assert value("third_party_loss", "对方车没啥事") == 0


@pytest.mark.parametrize(
    ("text", "amount"),
    [("三千", 3000), ("3000快", 3000), ("壹仟伍佰元", 1500), ("不超过两千", 2000)],
)
def test_a_plain_amount_or_a_limit_is_read_as_the_amount(text, amount):
    assert value("own_loss", text) == amount


@pytest.mark.parametrize("text", ["好像没有", "应该没有吧", "人都没事"])
def test_a_hedged_no_to_injuries_is_a_no_with_the_hedge_kept(text):
    answer = answer_to("anyone_injured", text, EVENING, TZ)
    assert answer.value is False
    if "好像" in text or "应该" in text:
        assert answer.note == text


@pytest.mark.parametrize("text", ["大概可以", "应该能开吧", "👌"])
def test_a_hedged_or_emoji_yes_to_drivable_is_a_yes(text):
    assert value("car_drivable", text) is True


@pytest.mark.parametrize("text", ["和一辆出租车", "撞了一辆电动车", "被公交蹭了", "跟辆货车"])
def test_another_vehicle_named_in_any_way_makes_it_two_party(text):
    assert value("two_vehicle", text) is True


@pytest.mark.parametrize("text", ["一辆车", "就我自己", "撞到柱子了"])
def test_only_the_customer_s_car_is_single_vehicle(text):
    assert value("two_vehicle", text) is False


def test_a_time_given_by_an_event_is_its_usual_hour_today():
    answer = answer_to("accident_time", "下班路上", EVENING, TZ)
    assert answer.value == "2026-06-10T18:00:00+08:00"
    assert "下班路上" in answer.note


def test_a_time_given_by_an_event_still_ahead_today_is_yesterday_s():
    assert value("accident_time", "下班路上", MORNING) == "2026-06-09T18:00:00+08:00"


def test_a_part_of_the_day_said_in_passing_is_its_usual_hour():
    assert value("accident_time", "昨儿晚上") == "2026-06-09T21:00:00+08:00"


def test_a_clock_time_is_left_to_the_time_entities():
    assert answer_to("accident_time", "昨天晚上八点", EVENING, TZ) is None


def test_a_day_word_moves_the_event_to_that_day():
    assert value("accident_time", "昨天早饭后") == "2026-06-09T08:00:00+08:00"


@pytest.mark.parametrize("text", ["有人受伤怎么办", "能开吗", "转人工", "算了不报了", "我要投诉"])
def test_questions_and_requests_are_digressions_not_answers(text):
    assert is_digression(text, None, 0.0)


@pytest.mark.parametrize("text", ["好像没有", "五六千", "我弟开的"])
def test_answers_are_not_digressions(text):
    assert not is_digression(text, "off_topic", 0.9)


def parse(text: str, intent: str, confidence: float = 0.7) -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}


def test_an_answer_the_classifier_called_off_topic_goes_to_the_form():
    read = read_in_form(parse("和一辆出租车", "off_topic"), "report_form", "two_vehicle", TZ)
    assert read["intent"] == {"name": "inform", "confidence": 1.0}
    assert read["read_as_answer_to"] == "two_vehicle"


def test_a_question_in_the_middle_of_the_report_keeps_its_intent():
    data = parse("有人受伤怎么办", "faq", 0.9)
    assert read_in_form(data, "report_form", "anyone_injured", TZ) is data


def test_outside_the_report_form_nothing_is_re_read():
    data = parse("五六千", "nlu_fallback", 0.3)
    assert read_in_form(data, None, None, TZ) is data
    assert read_in_form(data, "complaint_form", "complaint_text", TZ) is data


def test_what_happened_in_any_words_goes_to_the_form_but_a_question_back_does_not():
    said = read_in_form(
        parse("并线时蹭到出租车的车门", "off_topic"), "report_form", "description", TZ
    )
    assert said["intent"]["name"] == "inform"
    data = parse("地点要写多详细？", "faq", 0.6)
    assert read_in_form(data, "report_form", "accident_location", TZ) is data


def test_an_faq_asked_instead_of_describing_stays_an_faq():
    data = parse("交强险赔多少", "faq", 0.8)
    assert read_in_form(data, "report_form", "description", TZ) is data


def test_a_place_the_faq_could_not_answer_goes_to_the_form():
    # The FAQ "answered" with "I cannot answer that": it did not place the words either.
    data = parse("河边那条路 名字记不清", "faq", 0.8)
    data["response_selector"] = {"faq": {"response": {"intent_response_key": "faq/not_covered"}}}
    read = read_in_form(data, "report_form", "accident_location", TZ)
    assert read["intent"]["name"] == "inform"
    data["response_selector"]["faq"]["response"]["intent_response_key"] = "faq/claim_steps"
    assert read_in_form(data, "report_form", "accident_location", TZ) is data


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("anyone_injured", "冇人伤到", False),  # Cantonese 冇 = 没
        ("insured_driving", "俺自己开的", True),  # northern 俺 = 我
        ("anyone_injured", "梅有人受伤", False),  # 没有 typed by sound
        ("car_drivable", "克以开", True),  # 可以 typed by sound
    ],
)
def test_dialect_words_and_answer_words_typed_by_sound_are_read_as_meant(slot, text, expected):
    assert value(slot, text) is expected


def test_an_injury_nobody_can_rule_out_is_taken_as_one_and_an_undriveable_car_as_such():
    assert value("anyone_injured", "说不好 有个老人说腰疼") is True
    assert value("anyone_injured", "不清楚") is True
    assert value("car_drivable", "不知道还能不能开") is False


def test_an_hour_range_takes_the_later_hour_on_the_day_said():
    assert value("accident_time", "昨天晚上七八点") == "2026-06-09T20:00:00+08:00"


def test_the_one_number_in_a_loss_reply_is_the_amount():
    assert value("third_party_loss", "对方司机自己说要800") == 800


@pytest.mark.parametrize(("text", "amount"), [("2k", 2000), ("1.5w", 15000), ("1k吧", 1000)])
def test_amounts_with_a_latin_unit_keep_their_unit(text, amount):
    assert value("own_loss", text) == amount


def test_muyou_is_meiyou_so_nobody_hurt_is_no_injury():
    assert value("anyone_injured", "木有伤到人") is False


def test_a_greeting_or_a_thank_you_is_not_taken_for_the_place():
    data = parse("你好", "greet", 0.9)
    assert read_in_form(data, "report_form", "accident_location", TZ) is data
