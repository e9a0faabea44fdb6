"""Which messages reach staff, and how their list is grouped (bot/dialogue/unanswered.py)."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from bot.dialogue.unanswered import (
    LOW_ANSWER_CONFIDENCE,
    LOW_CONFIDENCE,
    LOW_INTENT_CONFIDENCE,
    UNANSWERED,
    Guess,
    group_questions,
    read_guess,
    staff_should_see,
    wording_key,
)

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)


def parse_data(intent: str, confidence: float, answer: tuple[str, float] | None = None, **extra):
    """Rasa's parse data as the tracker's latest_message carries it."""
    data = {
        "text": "…",
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "response_selector": {"all_retrieval_intents": ["faq", "off_topic"]},
        **extra,
    }
    if answer:
        key, answer_confidence = answer
        data["response_selector"][key.split("/")[0]] = {
            "response": {"intent_response_key": key, "confidence": answer_confidence},
            "ranking": [{"intent_response_key": key, "confidence": answer_confidence}],
        }
    return data


CLEAR_FAQ = Guess("faq", 1.0, "faq/jiaoqiang_limits", 0.88)


# --- reading the NLU's guess -----------------------------------------------------


def test_an_faq_guess_carries_the_chosen_answer_and_its_confidence():
    guess = read_guess(parse_data("faq", 0.99, ("faq/chesun_theft", 0.12)))
    assert guess == Guess("faq", 0.99, "faq/chesun_theft", 0.12, fell_back=False)


def test_the_fallback_hides_the_best_guess_which_is_read_from_the_ranking():
    data = parse_data("faq", 0.3, ("faq/claim_steps", 0.05))
    data["intent"] = {"name": "nlu_fallback", "confidence": 0.45}
    data["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "faq", "confidence": 0.3},
        {"name": "inform", "confidence": 0.2},
    ]
    assert read_guess(data) == Guess("faq", 0.3, "faq/claim_steps", 0.05, fell_back=True)


def test_an_intent_without_answers_has_no_answer_key_even_if_a_selector_ran():
    data = parse_data("greet", 0.97, ("faq/service_hours_human_agent", 0.08))
    assert read_guess(data) == Guess("greet", 0.97)


def test_a_message_without_parse_data_guesses_nothing():
    assert read_guess({}) == Guess(None, None)


# --- the decision ---------------------------------------------------------------


def test_a_message_the_bot_did_not_understand_reaches_staff():
    guess = Guess("faq", 0.3, "faq/claim_steps", 0.05, fell_back=True)
    assert staff_should_see("续保押金多久能退回来", guess, not_understood=True, in_form=False) == (
        UNANSWERED
    )


def test_a_clear_faq_answer_does_not():
    assert staff_should_see("交强险赔多少", CLEAR_FAQ, not_understood=False, in_form=False) is None


def test_an_faq_answer_the_bot_is_unsure_of_reaches_staff():
    guess = Guess("faq", 0.99, "faq/chesun_theft", LOW_ANSWER_CONFIDENCE - 0.01)
    assert staff_should_see(
        "车卖了以后保单还能用吗", guess, not_understood=False, in_form=False
    ) == (LOW_CONFIDENCE)


def test_a_sure_cannot_answer_reaches_staff_as_unanswered():
    guess = Guess("faq", 0.95, "faq/not_covered_premium", 0.8)
    assert (
        staff_should_see("我的车续保大概多少钱", guess, not_understood=False, in_form=False)
        == UNANSWERED
    )


def test_an_answer_right_at_the_threshold_counts_as_sure():
    guess = Guess("faq", 0.99, "faq/chesun_theft", LOW_ANSWER_CONFIDENCE)
    assert staff_should_see("车被偷了怎么赔", guess, not_understood=False, in_form=False) is None


def test_an_intent_the_bot_is_unsure_of_reaches_staff():
    guess = Guess("off_topic", LOW_INTENT_CONFIDENCE - 0.1, "off_topic/other_service", 0.76)
    assert staff_should_see(
        "网上投保和门店投保哪个实惠", guess, not_understood=False, in_form=False
    ) == (LOW_CONFIDENCE)


def test_the_nlu_fallback_is_left_to_the_fallback_action():
    # While reading the message the bot cannot know yet whether a form takes it as an answer.
    guess = Guess("inform", 0.2, fell_back=True)
    assert staff_should_see("杭州市文三路", guess, not_understood=False, in_form=True) is None
    assert staff_should_see("杭州市文三路", guess, not_understood=False, in_form=False) is None


def test_an_answer_to_a_forms_question_is_not_kept_even_when_unsure():
    guess = Guess("inform", 0.5)
    assert staff_should_see("在小区门口", guess, not_understood=False, in_form=True) is None


def test_a_question_in_the_middle_of_a_form_is_kept_when_unsure():
    guess = Guess("faq", 0.9, "faq/report_deadline", 0.2)
    assert staff_should_see("晚几天报案行不行", guess, not_understood=False, in_form=True) == (
        LOW_CONFIDENCE
    )


@pytest.mark.parametrize("text", ["", "   ", "👍👍", "？？？", "……"])
def test_a_message_with_nothing_to_read_is_not_kept(text):
    guess = Guess("faq", 0.1, "faq/claim_steps", 0.01)
    assert staff_should_see(text, guess, not_understood=True, in_form=False) is None
    assert staff_should_see(text, guess, not_understood=False, in_form=False) is None


# --- grouping -------------------------------------------------------------------


@dataclass
class Asked:
    text: str
    created_at: datetime
    kind: str = LOW_CONFIDENCE
    intent: str | None = "faq"
    intent_confidence: float | None = 0.9
    answer_key: str | None = "faq/chesun_theft"
    answer_confidence: float | None = 0.1
    channel: str | None = "rest"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_wording_key_drops_digits_punctuation_masks_and_a_closing_particle():
    assert wording_key("我的手机138********，怎么改呢？") == "我的手机怎么改"
    assert wording_key("車子賣了以後保單還能用嗎") == wording_key("车子卖了以后保单还能用吗")
    assert wording_key("能赔吗") == wording_key("能赔么？") == "能赔"
    assert wording_key("ETC卡丢了") == "etc卡丢了"


def test_messages_that_differ_only_in_numbers_and_punctuation_are_one_group():
    groups = group_questions(
        [
            Asked("保单号1234丢了怎么办？", at(0)),
            Asked("保单号5678丢了怎么办", at(5)),
            Asked("保单号丢了怎么办!!", at(9)),
        ]
    )
    assert len(groups) == 1
    assert groups[0].count == 3
    assert groups[0].text == "保单号丢了怎么办!!"  # the newest wording stands for the group
    assert (groups[0].first_at, groups[0].last_at) == (at(0), at(9))


def test_similar_wordings_are_one_group_and_different_questions_are_not():
    groups = group_questions(
        [
            Asked("车卖了以后保单还能用吗", at(0)),
            Asked("车子卖了以后保单还能用吗", at(1)),
            Asked("交强险赔多少", at(2)),
            Asked("三者险赔多少", at(3)),
        ]
    )
    assert sorted((g.text, g.count) for g in groups) == [
        ("三者险赔多少", 1),
        ("交强险赔多少", 1),
        ("车子卖了以后保单还能用吗", 2),
    ]
    [transfer] = [g for g in groups if g.count == 2]
    assert transfer.wordings == ["车子卖了以后保单还能用吗", "车卖了以后保单还能用吗"]


def test_groups_come_newest_first():
    groups = group_questions(
        [
            Asked("续保押金多久能退回来", at(30)),
            Asked("外地车能在本地买保险吗", at(10)),
            Asked("外地车能在本地买保险吗", at(50)),
            Asked("车险可以分期付款吗", at(40)),
        ]
    )
    assert [g.text for g in groups] == [
        "外地车能在本地买保险吗",
        "车险可以分期付款吗",
        "续保押金多久能退回来",
    ]
    assert [g.count for g in groups] == [2, 1, 1]


def test_grouping_does_not_depend_on_the_order_rows_arrive_in():
    messages = [Asked(f"第{n}个问题：{word}", at(n)) for n, word in enumerate("甲乙丙丁戊己庚辛")]
    messages += [Asked("车子卖了以后保单还能用吗", at(20)), Asked("车卖了以后保单还能用吗", at(21))]
    expected = [(g.text, g.count) for g in group_questions(messages)]
    for seed in range(5):
        shuffled = messages[:]
        random.Random(seed).shuffle(shuffled)
        assert [(g.text, g.count) for g in group_questions(shuffled)] == expected


def test_a_group_counts_its_kinds_and_ranks_the_bots_guesses_with_their_mean_confidence():
    groups = group_questions(
        [
            Asked(
                "保单能转给新车主吗", at(0), answer_key="faq/chesun_theft", answer_confidence=0.1
            ),
            Asked(
                "保单能转给新车主吗", at(1), answer_key="faq/chesun_theft", answer_confidence=0.2
            ),
            Asked("保单能转给新车主吗?", at(2), answer_key="faq/aftersales_changes"),
            Asked(
                "保单能转给新车主吗？",
                at(3),
                kind=UNANSWERED,
                intent="inform",
                intent_confidence=0.3,
                answer_key=None,
                answer_confidence=None,
                channel="wechat",
            ),
        ]
    )
    [group] = groups
    assert (group.count, group.kinds[UNANSWERED], group.kinds[LOW_CONFIDENCE]) == (4, 1, 3)
    assert group.top_guesses() == [
        ("faq/chesun_theft", 2, 0.15),
        ("faq/aftersales_changes", 1, 0.1),
        ("inform", 1, 0.3),
    ]
    assert group.channels == {"rest": 3, "wechat": 1}


def test_an_answer_in_a_form_read_as_off_topic_is_not_kept():
    """An address or a description typed as a form's answer, taken for off topic."""
    guess = Guess("off_topic", LOW_INTENT_CONFIDENCE - 0.1, "off_topic/other_service", 0.3)
    assert staff_should_see("文三路和学院路口", guess, not_understood=False, in_form=True) is None
