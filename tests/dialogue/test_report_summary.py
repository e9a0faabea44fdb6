"""What the customer reads about a filed report (bot/dialogue/report_summary.py)."""

from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.dialogue.report_summary import reasons_text, summary_fields
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


SHANGHAI = ZoneInfo("Asia/Shanghai")
SLOTS = {
    "accident_time": "2026-06-09T18:00:00+08:00",
    "accident_location": "延安路",
    "two_vehicle": True,
    "anyone_injured": False,
    "car_drivable": True,
    "own_loss": 6000.0,
    "third_party_loss": "unknown",
    "insured_driving": False,
    "insured_reporting": True,
    "description": "变道时蹭到",
}


def test_the_summary_shows_the_customer_s_own_hedges_and_details_for_confirmation():
    notes = {
        "accident_time": "按“下班路上”估计",
        "anyone_injured": "好像没有",
        "own_loss": "五六千，按上限计",
        "insured_driving": "我弟开的",
    }
    fields = summary_fields({**SLOTS, "answer_notes": notes}, SHANGHAI)
    assert fields["time"] == "2026年06月09日 18:00（您说：按“下班路上”估计）"
    assert fields["injured"] == "否（您说：好像没有）"
    assert fields["own_loss"] == "约6,000元（您说：五六千，按上限计）"
    assert fields["driving"] == "否（您说：我弟开的）"
    assert fields["reporting"] == "是"


def test_a_loss_the_customer_could_not_estimate_shows_as_awaiting_assessment():
    fields = summary_fields(SLOTS, SHANGHAI)
    assert fields["third_party"] == "；对方车损失：待定损（由查勘员定损）"
