"""The fast-track rules of domain.md §4 and §10: who may leave the scene, and why not."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from bot.rules.fast_track import (
    CONDITIONS,
    Accident,
    Cover,
    ExpertTeamRefusal,
    Outcome,
    Policyholder,
    SettlementMode,
    decide,
    expert_team_refusal,
)
from tests.rules.cases import (
    CLAIM_FREE,
    FULL_COVER,
    REPORTED,
    SMALL_SINGLE_VEHICLE,
    SMALL_TWO_VEHICLE,
)


def failed_names(holder: Policyholder, accident: Accident) -> list[str]:
    return [condition.name for condition in decide(holder, accident).failed]


def test_the_table_holds_the_programme_s_conditions_and_the_known_loss_they_need():
    assert [condition.name for condition in CONDITIONS] == [
        "individual_customer",
        "three_claim_free_years",
        "first_claim_this_period",
        "full_cover",
        "insured_drove_and_reported",
        "paid_to_insured_account",
        "nobody_injured",
        "loss_estimated",
        "loss_within_limits",
    ]


def test_claim_free_customer_with_a_small_loss_may_leave_the_scene():
    decision = decide(CLAIM_FREE, SMALL_SINGLE_VEHICLE)
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.may_leave_scene
    assert decision.failed == ()


def test_an_eligible_customer_is_offered_both_authorised_and_credit():
    decision = decide(CLAIM_FREE, SMALL_TWO_VEHICLE)
    assert decision.settlement_modes == (SettlementMode.AUTHORISED, SettlementMode.CREDIT)
    assert [mode.value for mode in decision.settlement_modes] == ["授权", "授信"]


# --- condition 8: the loss limits --------------------------------------------


def test_an_own_loss_the_customer_cannot_estimate_waits_for_the_surveyor():
    decision = decide(CLAIM_FREE, replace(SMALL_SINGLE_VEHICLE, own_loss=None))
    assert decision.outcome is Outcome.WAIT_FOR_SURVEYOR
    assert [c.name for c in decision.failed] == ["loss_estimated"]
    assert "本车损失待定损" in decision.failed[0].reason
    assert "查勘员" in decision.failed[0].next_step


def test_a_known_loss_over_its_limit_is_a_reason_even_when_the_other_is_unknown():
    accident = replace(SMALL_TWO_VEHICLE, own_loss=Decimal("6000"), third_party_loss=None)
    assert failed_names(CLAIM_FREE, accident) == ["loss_estimated", "loss_within_limits"]


def test_an_unknown_loss_offers_no_expert_team_on_what_is_not_known():
    decision = decide(CLAIM_FREE, replace(SMALL_SINGLE_VEHICLE, own_loss=None))
    assert not decision.expert_team_offered


def test_single_vehicle_own_loss_of_exactly_3000_is_eligible():
    accident = replace(SMALL_SINGLE_VEHICLE, own_loss=Decimal("3000"))
    assert decide(CLAIM_FREE, accident).outcome is Outcome.ELIGIBLE


def test_single_vehicle_own_loss_of_3000_01_waits_for_surveyor():
    accident = replace(SMALL_SINGLE_VEHICLE, own_loss=Decimal("3000.01"))
    decision = decide(CLAIM_FREE, accident)
    assert decision.outcome is Outcome.WAIT_FOR_SURVEYOR
    assert failed_names(CLAIM_FREE, accident) == ["loss_within_limits"]
    assert "3,000.01" in decision.failed[0].reason


def test_two_vehicle_own_3000_and_third_party_2000_is_eligible():
    accident = replace(
        SMALL_TWO_VEHICLE, own_loss=Decimal("3000"), third_party_loss=Decimal("2000")
    )
    assert decide(CLAIM_FREE, accident).outcome is Outcome.ELIGIBLE


def test_two_vehicle_third_party_over_2000_waits_for_surveyor():
    accident = replace(SMALL_TWO_VEHICLE, third_party_loss=Decimal("2000.01"))
    decision = decide(CLAIM_FREE, accident)
    assert decision.outcome is Outcome.WAIT_FOR_SURVEYOR
    assert failed_names(CLAIM_FREE, accident) == ["loss_within_limits"]
    assert "对方车 2,000.01 元" in decision.failed[0].reason


def test_two_vehicle_own_loss_over_3000_waits_for_surveyor():
    accident = replace(SMALL_TWO_VEHICLE, own_loss=Decimal("3000.01"))
    assert failed_names(CLAIM_FREE, accident) == ["loss_within_limits"]


def test_two_vehicle_accident_without_an_estimate_for_the_other_car_waits_for_surveyor():
    accident = replace(SMALL_TWO_VEHICLE, third_party_loss=None)
    decision = decide(CLAIM_FREE, accident)
    assert decision.outcome is Outcome.WAIT_FOR_SURVEYOR
    assert [c.name for c in decision.failed] == ["loss_estimated"]
    assert "对方车损失待定损" in decision.failed[0].reason


# --- condition 7: injuries ---------------------------------------------------


@pytest.mark.parametrize(
    "holder",
    [CLAIM_FREE, replace(CLAIM_FREE, is_company=True), replace(CLAIM_FREE, claim_free_years=0)],
    ids=["claim-free", "company", "not-claim-free"],
)
def test_any_injury_takes_the_injury_path_and_never_leave_the_scene(holder):
    decision = decide(holder, replace(SMALL_SINGLE_VEHICLE, anyone_injured=True))
    assert decision.outcome is Outcome.INJURY_PATH
    assert not decision.may_leave_scene
    assert decision.settlement_modes == ()
    assert "nobody_injured" in [condition.name for condition in decision.failed]


def test_the_injury_explanation_puts_safety_first():
    decision = decide(CLAIM_FREE, replace(SMALL_SINGLE_VEHICLE, anyone_injured=True))
    (injury,) = decision.failed
    assert "120" in injury.next_step and "122" in injury.next_step
    assert "人伤服务专员" in injury.next_step


# --- conditions 1 and 5: company customers, driver and reporter ---------------


def test_company_customer_is_told_the_fast_track_is_for_individual_customers():
    company = replace(CLAIM_FREE, is_company=True)
    decision = decide(company, SMALL_SINGLE_VEHICLE)
    assert decision.outcome is Outcome.WAIT_FOR_SURVEYOR
    assert failed_names(company, SMALL_SINGLE_VEHICLE) == ["individual_customer"]
    assert "个人客户" in decision.failed[0].reason


def test_company_customer_is_not_judged_on_who_drove_or_reported():
    company = replace(CLAIM_FREE, is_company=True)
    accident = replace(SMALL_SINGLE_VEHICLE, insured_driving=False, insured_reporting=False)
    assert failed_names(company, accident) == ["individual_customer"]


def test_someone_other_than_the_insured_driving_waits_for_surveyor():
    accident = replace(SMALL_SINGLE_VEHICLE, insured_driving=False)
    assert failed_names(CLAIM_FREE, accident) == ["insured_drove_and_reported"]


def test_someone_other_than_the_insured_reporting_waits_for_surveyor():
    accident = replace(SMALL_SINGLE_VEHICLE, insured_reporting=False)
    assert failed_names(CLAIM_FREE, accident) == ["insured_drove_and_reported"]


# --- conditions 2 and 3: the claims history ----------------------------------


def test_fewer_than_three_claim_free_years_waits_for_surveyor_and_says_how_many():
    holder = replace(CLAIM_FREE, claim_free_years=2)
    decision = decide(holder, SMALL_SINGLE_VEHICLE)
    assert failed_names(holder, SMALL_SINGLE_VEHICLE) == ["three_claim_free_years"]
    assert "2 年" in decision.failed[0].reason


def test_a_second_claim_in_the_period_waits_for_surveyor():
    holder = replace(CLAIM_FREE, claims_this_period=1)
    decision = decide(holder, SMALL_SINGLE_VEHICLE)
    assert failed_names(holder, SMALL_SINGLE_VEHICLE) == ["first_claim_this_period"]
    assert "1 次" in decision.failed[0].reason


# --- condition 4: the cover ---------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "cover"),
    [
        ("交强险", replace(FULL_COVER, compulsory=False)),
        ("车损险", replace(FULL_COVER, vehicle_damage=False)),
        ("三者险", replace(FULL_COVER, third_party_limit=None)),
        ("不计免赔", replace(FULL_COVER, deductible_waiver=False)),
    ],
)
def test_a_policy_missing_a_required_cover_waits_for_surveyor_naming_it(missing, cover):
    holder = replace(CLAIM_FREE, cover=cover)
    decision = decide(holder, SMALL_SINGLE_VEHICLE)
    assert failed_names(holder, SMALL_SINGLE_VEHICLE) == ["full_cover"]
    assert decision.failed[0].reason.endswith(f"缺少：{missing}。")
    assert missing in decision.failed[0].next_step


def test_without_vehicle_damage_cover_the_report_is_taken_but_own_damage_is_not_covered():
    holder = replace(CLAIM_FREE, cover=replace(FULL_COVER, vehicle_damage=False))
    decision = decide(holder, SMALL_SINGLE_VEHICLE)
    assert decision.outcome is Outcome.WAIT_FOR_SURVEYOR
    assert decision.own_damage_covered is False
    assert decide(CLAIM_FREE, SMALL_SINGLE_VEHICLE).own_damage_covered is True


# --- condition 6: the payee ---------------------------------------------------


def test_payment_to_anyone_but_the_insured_waits_for_surveyor():
    accident = replace(SMALL_SINGLE_VEHICLE, paid_to_insured_account=False)
    assert failed_names(CLAIM_FREE, accident) == ["paid_to_insured_account"]


# --- several failures, late reports ------------------------------------------


def test_every_failed_condition_is_named_with_a_reason_and_a_next_step_in_table_order():
    holder = Policyholder(
        is_company=False,
        claim_free_years=1,
        claims_this_period=2,
        cover=replace(FULL_COVER, deductible_waiver=False),
    )
    accident = replace(SMALL_SINGLE_VEHICLE, insured_driving=False, own_loss=Decimal("8000"))
    decision = decide(holder, accident)
    assert [condition.name for condition in decision.failed] == [
        "three_claim_free_years",
        "first_claim_this_period",
        "full_cover",
        "insured_drove_and_reported",
        "loss_within_limits",
    ]
    for condition in decision.failed:
        assert condition.reason and condition.next_step
        assert "{" not in condition.reason + condition.next_step
    assert decision.failed_as_json()[0] == {
        "name": "three_claim_free_years",
        "reason": decision.failed[0].reason,
        "next_step": decision.failed[0].next_step,
    }


def test_a_report_later_than_48_hours_is_flagged_and_still_decided():
    accident = replace(SMALL_SINGLE_VEHICLE, occurred_at=REPORTED - timedelta(hours=48, seconds=1))
    decision = decide(CLAIM_FREE, accident)
    assert decision.late_report is True
    assert decision.outcome is Outcome.ELIGIBLE


def test_a_report_within_48_hours_is_not_late():
    accident = replace(SMALL_SINGLE_VEHICLE, occurred_at=REPORTED - timedelta(hours=48))
    assert decide(CLAIM_FREE, accident).late_report is False


# --- large losses: the expert team -------------------------------------------


def test_claim_free_customer_with_a_loss_over_50000_is_offered_the_expert_team():
    accident = replace(
        SMALL_TWO_VEHICLE, own_loss=Decimal("40000"), third_party_loss=Decimal("10000.01")
    )
    decision = decide(CLAIM_FREE, accident)
    assert decision.expert_team_offered is True
    assert decision.outcome is Outcome.WAIT_FOR_SURVEYOR


def test_a_loss_of_exactly_50000_is_not_a_large_loss():
    accident = replace(SMALL_SINGLE_VEHICLE, own_loss=Decimal("50000"))
    assert decide(CLAIM_FREE, accident).expert_team_offered is False


@pytest.mark.parametrize(
    "holder",
    [replace(CLAIM_FREE, claim_free_years=2), replace(CLAIM_FREE, is_company=True)],
    ids=["not-claim-free", "company"],
)
def test_the_expert_team_is_only_for_claim_free_individual_customers(holder):
    accident = replace(SMALL_SINGLE_VEHICLE, own_loss=Decimal("80000"))
    assert decide(holder, accident).expert_team_offered is False


@pytest.mark.parametrize(
    ("is_company", "claim_free", "loss", "refusal"),
    [
        (True, False, "80000", ExpertTeamRefusal.COMPANY),
        (False, False, "80000", ExpertTeamRefusal.NOT_CLAIM_FREE),
        (False, True, "50000", ExpertTeamRefusal.LOSS_NOT_LARGE),
        (False, True, "50000.01", None),
    ],
)
def test_a_refused_expert_team_names_the_first_condition_that_failed(
    is_company, claim_free, loss, refusal
):
    found = expert_team_refusal(
        is_company=is_company, claim_free=claim_free, total_loss=Decimal(loss)
    )
    assert found is refusal


def test_a_large_loss_with_injuries_keeps_the_injury_path_and_offers_the_expert_team():
    accident = replace(SMALL_SINGLE_VEHICLE, own_loss=Decimal("80000"), anyone_injured=True)
    decision = decide(CLAIM_FREE, accident)
    assert decision.outcome is Outcome.INJURY_PATH
    assert decision.expert_team_offered is True


# --- the demo customers of shared/demo-data.md --------------------------------

DEMO_POLICYHOLDERS = {
    "1 张伟": CLAIM_FREE,
    "2 李娜": replace(
        CLAIM_FREE,
        cover=Cover(compulsory=True, vehicle_damage=False, third_party_limit=1_000_000,
                    deductible_waiver=False),
    ),
    "3 王强": replace(CLAIM_FREE, claim_free_years=1),
    "4 赵敏": replace(CLAIM_FREE, claims_this_period=1),
    "5 上海顺达物流有限公司": replace(CLAIM_FREE, is_company=True),
    "6 陈静": replace(CLAIM_FREE, cover=replace(FULL_COVER, deductible_waiver=False)),
    "7 刘洋": replace(CLAIM_FREE, claim_free_years=1),
}  # fmt: skip

DEMO_OUTCOMES = [
    pytest.param(customer, failed, words, id=customer)
    for customer, failed, words in [
        ("1 张伟", [], None),
        ("2 李娜", ["full_cover"], "车损险"),
        ("3 王强", ["three_claim_free_years"], "三个保险年度"),
        ("4 赵敏", ["first_claim_this_period"], "第一次出险"),
        ("5 上海顺达物流有限公司", ["individual_customer"], "个人客户"),
        ("6 陈静", ["full_cover"], "不计免赔"),
        ("7 刘洋", ["three_claim_free_years"], "三个保险年度"),
    ]
]


@pytest.mark.parametrize(("customer", "failed", "words"), DEMO_OUTCOMES)
def test_each_demo_customer_gets_the_documented_fast_track_answer(customer, failed, words):
    decision = decide(DEMO_POLICYHOLDERS[customer], SMALL_TWO_VEHICLE)
    assert [condition.name for condition in decision.failed] == failed
    assert decision.outcome is (Outcome.WAIT_FOR_SURVEYOR if failed else Outcome.ELIGIBLE)
    if words:
        assert words in decision.failed[0].reason
