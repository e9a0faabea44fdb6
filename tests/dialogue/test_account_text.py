"""Scores, photo labels and policy texts (bot/dialogue/account_text.py)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from bot.dialogue.account_text import (
    EXPERT_TEAM_REFUSALS,
    cover_lines,
    expert_team_refusal_of,
    parse_score,
    photo_item,
    states_grievance,
)


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("5分", 5),
        ("打4分吧", 4),
        ("给三分", 3),
        ("非常满意", 5),
        ("满意", 4),
        ("一般", 3),
        ("不满意", 2),
        ("非常不满意", 1),
        ("1", 1),
        ("五星", 5),
    ],
)
def test_satisfaction_scores(text, score):
    assert parse_score(text) == score


@pytest.mark.parametrize("text", ["", "还没想好", "10分", "2026年"])
def test_no_score_where_there_is_none(text):
    assert parse_score(text) is None


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("这张是对方车牌", "other_plate"),
        ("这是我的驾驶证", "licences"),
        ("现场全景", "scene_positions"),
        ("前保险杠的特写", "damage_closeup"),
        ("整车照片，能看到车牌", "whole_car"),
    ],
)
def test_photo_descriptions_map_to_the_checklist(text, item):
    assert photo_item(text) == item


def test_cover_lines_name_every_cover_and_rider():
    policy = SimpleNamespace(
        has_compulsory=True,
        has_vehicle_damage=True,
        third_party_limit=1_500_000,
        has_passenger_liability=False,
        deductible_waiver=True,
        riders=["body_scratch"],
    )
    text = cover_lines(policy)
    assert "交强险" in text and "车损险" in text and "150 万元" in text
    assert "不计免赔：已投保" in text and "车身划痕损失险" in text


def _report(is_company: bool, failed: list[str], own: str, other: str | None = None):
    return SimpleNamespace(
        customer=SimpleNamespace(is_company=is_company),
        fast_track_reasons=[{"name": name, "reason": "…", "next_step": "…"} for name in failed],
        own_loss=Decimal(own),
        third_party_loss=None if other is None else Decimal(other),
    )


@pytest.mark.parametrize(
    ("report", "response"),
    [
        (_report(True, ["individual_customer"], "90000"), "utter_expert_team_company"),
        (
            _report(False, ["three_claim_free_years", "loss_within_limits"], "90000"),
            "utter_expert_team_not_claim_free",
        ),
        (
            _report(False, ["loss_within_limits"], "30000", "20000"),
            "utter_expert_team_loss_not_large",
        ),
    ],
    ids=["company", "not-claim-free", "loss-not-large"],
)
def test_a_refused_expert_team_says_which_condition_the_report_failed(report, response):
    assert EXPERT_TEAM_REFUSALS[expert_team_refusal_of(report)] == response


def test_a_claim_free_report_over_50000_with_the_other_car_is_not_refused():
    assert (
        expert_team_refusal_of(_report(False, ["loss_within_limits"], "30000", "20000.01")) is None
    )


@pytest.mark.parametrize(
    "text", ["你们定损员态度太差了 我要投诉他", "赔款一直不到账，我要投诉", "你们这是什么破服务"]
)
def test_a_complaint_that_says_what_went_wrong_is_taken_as_told(text):
    assert states_grievance(text)


@pytest.mark.parametrize("text", ["我要投诉", "投诉", "给我登记一个投诉", "我要投诉你们"])
def test_a_bare_complaint_is_asked_what_went_wrong(text):
    assert not states_grievance(text)
