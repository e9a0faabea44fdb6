"""The answer matrix of issue 13 (evaluation/form_answers.yml) through the real servers.

Every natural answer to a question of the identity form or the report form is
sent in a conversation of its own, put at that question through Rasa's API, and
the slot the turn stored is compared with the expected one. One shared stack
runs them all, a few at a time (evaluation/form_runner.py); each answer is its
own test case, and a failing one names the sentence and what was stored.
"""

from collections import Counter

import pytest

from evaluation.form_runner import (
    IDENTITY_QUESTIONS,
    REPORT_QUESTIONS,
    SET,
    UNCHANGED,
    AnswerCase,
    check_answer,
    load_matrix,
    run_matrix,
    slots_of_turn,
)

CASES = load_matrix()


def test_every_question_of_both_forms_has_at_least_25_answers():
    counts = Counter(case.question for case in CASES)
    assert {q: counts[q] for q in IDENTITY_QUESTIONS + REPORT_QUESTIONS if counts[q] < 25} == {}


def test_a_filed_report_is_read_as_confirmed_before_its_slots_are_cleared():
    events = [
        {"event": "user", "text": "确认"},
        {"event": "slot", "name": "report_confirmed", "value": True},
        {"event": "action", "name": "action_submit_report"},
        {"event": "slot", "name": "report_confirmed", "value": None},
    ]
    assert slots_of_turn(events)["report_confirmed"] is True


def test_a_question_asked_in_between_must_leave_the_form_at_the_same_question():
    case = AnswerCase("own_loss", "定损是怎么定的", UNCHANGED)
    moved_on = {
        "active_loop": {"name": "report_form"},
        "slots": {"requested_slot": "third_party_loss"},
    }
    stayed = {"active_loop": {"name": "report_form"}, "slots": {"requested_slot": "own_loss"}}
    assert check_answer(case, {}, {}, moved_on)
    assert check_answer(case, {}, {}, stayed) == []
    assert check_answer(case, {}, {"own_loss": 0.0}, stayed)


def test_amounts_and_times_are_compared_by_value():
    tracker = {"active_loop": {"name": "report_form"}, "slots": {}}
    assert (
        check_answer(AnswerCase("own_loss", "两千", 2000), {}, {"own_loss": 2000.0}, tracker) == []
    )
    assert check_answer(AnswerCase("own_loss", "两千", 2000), {}, {"own_loss": "2000"}, tracker)
    assert check_answer(AnswerCase("two_vehicle", "没", False), {}, {"two_vehicle": 0}, tracker)
    time = AnswerCase("accident_time", "刚才", SET)
    assert check_answer(time, {}, {"accident_time": "2026-12-07T20:00:00+08:00"}, tracker) == []
    assert check_answer(time, {}, {"accident_time": "刚才"}, tracker)


@pytest.fixture(scope="module")
def matrix_results(evaluation_bot) -> list:
    return run_matrix(evaluation_bot, CASES)


@pytest.mark.servers
@pytest.mark.parametrize("index", range(len(CASES)), ids=[case.label for case in CASES])
def test_the_answer_is_understood(matrix_results, index):
    result = matrix_results[index]
    assert result.case is CASES[index]
    assert result.understood, result.describe()
