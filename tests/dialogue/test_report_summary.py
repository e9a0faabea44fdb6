"""What the customer reads about a filed report (bot/dialogue/report_summary.py)."""

from dataclasses import replace
from decimal import Decimal

from bot.dialogue.report_summary import reasons_text
from bot.rules.fast_track import Accident, Policyholder, decide
from tests.rules.cases import CLAIM_FREE, SMALL_SINGLE_VEHICLE

# The rule tests' standard case: a claim-free individual, a small single-vehicle accident.
HOLDER, ACCIDENT = CLAIM_FREE, SMALL_SINGLE_VEHICLE


def failed(holder: Policyholder, accident: Accident) -> list[dict]:
    return decide(holder, accident).failed_as_json()


def test_each_failed_condition_is_told_with_its_reason_and_what_to_do_next():
    holder = replace(HOLDER, cover=replace(HOLDER.cover, deductible_waiver=False))
    conditions = failed(holder, replace(ACCIDENT, own_loss=Decimal("8000")))
    lines = reasons_text(conditions).splitlines()
    assert len(lines) == 2
    for number, (line, condition) in enumerate(zip(lines, conditions, strict=True), start=1):
        assert line == f"{number}. {condition['reason']}{condition['next_step']}"
    assert "续保时可以补充投保不计免赔" in lines[0]
    assert "留在现场" in lines[1]


def test_a_next_step_already_told_is_not_repeated():
    same_step = {"name": "a", "reason": "原因一。", "next_step": "请等查勘员。"}
    other = {"name": "b", "reason": "原因二。", "next_step": "请等查勘员。"}
    assert reasons_text([same_step, other]) == "1. 原因一。请等查勘员。\n2. 原因二。"


def test_reasons_stored_before_next_steps_existed_still_read():
    assert reasons_text([{"name": "a", "reason": "原因。"}]) == "1. 原因。"
