"""Accident reports (报案) over REST against the real servers, checked in the database.

Each demo customer of ../shared/demo-data.md gets the fast-track outcome the
data set promises, with the reason. Test order matters in one place: 张伟's
eligible report must be his first claim of the period, so it runs first.
"""

from decimal import Decimal
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import func, select

from bot.db.models import Customer, InjuryNotification, Report
from tests.images import decoded, jpeg, png

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = {
    name: [v["text"] for v in variations] for name, variations in DOMAIN["responses"].items()
}

SMALL_SINGLE_VEHICLE = {
    "utter_ask_accident_time": "半小时前",
    "utter_ask_accident_location": "人民广场附近的停车场",
    "utter_ask_two_vehicle": "只有我一辆车",
    "utter_ask_anyone_injured": "没人受伤",
    "utter_ask_car_drivable": "车还能开",
    "utter_ask_own_loss": "两千",
    "utter_ask_third_party_loss": "一千五",
    "utter_ask_insured_driving": "是我本人开的",
    "utter_ask_insured_reporting": "是我本人在报案",
    "utter_ask_description": "倒车时蹭到了柱子",
}


JPEG = jpeg()
PNG = png()
PHP = b"<?php system($_GET['c']); ?>"


def upload(customer, data: bytes) -> requests.Response:
    return requests.post(
        customer.url.replace("/rest/webhook", "/photos/upload"),
        data={"sender": customer.sender},
        files={"photo": ("photo.jpg", data)},
        timeout=60,
    )


def first_text(name: str) -> str:
    return RESPONSES[name][0]


def template_prefix(name: str) -> str:
    """The fixed start of a response that has {placeholders}."""
    return first_text(name).split("{")[0]


def asked(replies: list[str]) -> str | None:
    """Which utter_ask_* question the bot's last reply is."""
    for reply in reversed(replies):
        for name in RESPONSES:
            if name.startswith("utter_ask_") and reply in RESPONSES[name]:
                return name
    return None


def report(
    customer, plate: str, tail: str, opening: str = "我要报案", answers: dict | None = None
) -> list[str]:
    """Report an accident from the first message to the outcome; returns the outcome replies."""
    answers = {
        **SMALL_SINGLE_VEHICLE,
        "utter_ask_identity_key": plate,
        "utter_ask_phone_tail": tail,
        **(answers or {}),
    }
    replies = customer.say(opening)
    for _ in range(20):
        if any(r.startswith(template_prefix("utter_report_summary")) for r in replies):
            return customer.say("确认")
        question = asked(replies)
        assert question in answers, f"unexpected turn: {replies}\n{customer!r}"
        replies = customer.say(answers[question])
    raise AssertionError(f"the report never reached its summary\n{customer!r}")


def closed_claim_of(session, name: str) -> Report:
    """The demo data's earlier claim (已结案), whatever the tests filed since."""
    [claim] = [r for r in reports_of(session, name) if r.status == "已结案"]
    return claim


def reports_of(session, plate_owner_name: str) -> list[Report]:
    session.expire_all()
    query = select(Report).join(Customer).where(Customer.name == plate_owner_name)
    return list(session.execute(query).scalars())


def test_zhang_wei_small_single_vehicle_loss_may_leave_the_scene_and_upload_photos(
    customer, claims_db, bot_stack
):
    outcome = report(customer, "沪A12345", "0001")
    assert outcome[0].startswith(template_prefix("utter_report_filed"))
    assert first_text("utter_fast_track_eligible") in outcome
    assert first_text("utter_photo_checklist_single") in outcome
    assert first_text("utter_fast_track_modes") in outcome
    [filed] = reports_of(claims_db, "张伟")
    assert filed.fast_track_outcome == "eligible"
    assert filed.own_loss == Decimal("2000")
    assert filed.two_vehicle is False and filed.anyone_injured is False
    assert filed.location == "人民广场附近的停车场"
    assert filed.report_number in outcome[0]
    # Photos for this report: the bot counts them in the conversation.
    first = upload(customer, JPEG)
    second = upload(customer, PNG)
    assert first.status_code == 200 and second.status_code == 200
    assert second.json()["messages"][0].startswith("已收到 2/3 张照片")
    refused = upload(customer, b"%PDF-1.7 this is not a photo")
    assert refused.status_code == 415
    assert refused.json()["message"] == first_text("utter_photo_wrong_type")
    truncated = upload(customer, JPEG[: len(JPEG) // 2])  # a JPEG header, no whole picture
    assert truncated.status_code == 415
    assert truncated.json()["message"] == first_text("utter_photo_wrong_type")
    # A polyglot (a real JPEG with PHP behind it) is stored as its picture alone.
    polyglot = upload(customer, JPEG + PHP)
    assert polyglot.status_code == 200
    claims_db.expire_all()
    assert len(filed.photos) == 3
    newest = max(filed.photos, key=lambda photo: photo.id)
    stored = (bot_stack.photo_dir / newest.stored_name).read_bytes()
    assert PHP not in stored and decoded(stored).size == (32, 24)
    # The customer picks 授信 instead of the default 授权; it is stored on the report.
    assert filed.settlement_mode == "授权"
    chosen = customer.say("我选授信")
    assert chosen == [
        first_text("utter_mode_chosen").format(mode="授信", report_number=filed.report_number)
    ]
    claims_db.expire_all()
    assert filed.settlement_mode == "授信"


@pytest.mark.parametrize(
    ("name", "plate", "tail", "reason"),
    [
        ("李娜", "粤B67890", "0002", "车损险"),
        ("王强", "京C24680", "0003", "连续三个保险年度"),
        ("赵敏", "浙A13579", "0004", "第一次出险"),
        ("上海顺达物流有限公司", "沪B88888", "0005", "个人客户"),
        ("陈静", "川A11223", "0006", "不计免赔"),
        ("刘洋", "苏E55667", "0007", "连续三个保险年度"),
    ],
)
def test_customers_outside_the_fast_track_are_told_why_and_wait(
    customer, claims_db, name, plate, tail, reason
):
    outcome = report(customer, plate, tail)
    refusal = [r for r in outcome if r.startswith(template_prefix("utter_fast_track_not_eligible"))]
    assert refusal and reason in refusal[0]
    assert first_text("utter_wait_for_surveyor") in outcome
    assert first_text("utter_fast_track_eligible") not in outcome
    newest = max(reports_of(claims_db, name), key=lambda r: r.id)
    assert newest.fast_track_outcome == "wait_for_surveyor"
    assert any(reason in item["reason"] for item in newest.fast_track_reasons)


def test_company_is_not_asked_who_drove(customer):
    report(
        customer,
        "沪B88888",
        "0005",
        answers={
            "utter_ask_insured_driving": "(should not be asked)",
            "utter_ask_insured_reporting": "(should not be asked)",
        },
    )
    said = "\n".join(text for who, text in customer.transcript if who == "bot")
    assert first_text("utter_ask_insured_driving") not in said


def test_li_na_is_told_her_own_car_is_not_covered(customer):
    outcome = report(customer, "粤B67890", "0002")
    assert first_text("utter_no_vehicle_damage_cover") in outcome


def test_one_message_fills_several_facts(customer, claims_db):
    replies = customer.say("我要报案")
    replies = customer.say("沪A12345")
    replies = customer.say("0001")
    replies = customer.say("半小时前在延安路追尾了前车 没人受伤 车还能开 我车大概两千 对方一千五")
    assert asked(replies) == "utter_ask_insured_driving", customer
    customer.say("是我本人开的")
    customer.say("是我本人在报案")
    customer.say("追尾了前车")
    outcome = customer.say("确认")
    assert outcome[0].startswith(template_prefix("utter_report_filed"))
    newest = max(reports_of(claims_db, "张伟"), key=lambda r: r.id)
    assert newest.two_vehicle is True
    assert newest.own_loss == Decimal("2000") and newest.third_party_loss == Decimal("1500")
    assert newest.location == "延安路"


def test_a_correction_before_confirming_changes_the_report(customer, claims_db):
    answers = {"utter_ask_own_loss": "两千"}
    replies = customer.say("我要报案")
    for _ in range(20):
        if any(r.startswith(template_prefix("utter_report_summary")) for r in replies):
            break
        question = asked(replies)
        replies = customer.say(
            {
                **SMALL_SINGLE_VEHICLE,
                **answers,
                "utter_ask_identity_key": "沪A12345",
                "utter_ask_phone_tail": "0001",
            }[question]
        )
    summary = customer.say("不对，损失是四千")
    assert any("4,000" in r for r in summary), customer
    customer.say("确认")
    newest = max(reports_of(claims_db, "张伟"), key=lambda r: r.id)
    assert newest.own_loss == Decimal("4000")


def test_injury_never_gets_the_leave_the_scene_message(customer, claims_db):
    outcome = report(
        customer, "沪A12345", "0001", answers={"utter_ask_anyone_injured": "有人受伤了"}
    )
    said = [text for who, text in customer.transcript if who == "bot"]
    assert first_text("utter_injury_safety_first") in said
    assert first_text("utter_fast_track_eligible") not in said
    assert any(r.startswith(template_prefix("utter_injury_specialist_notified")) for r in outcome)
    newest = max(reports_of(claims_db, "张伟"), key=lambda r: r.id)
    assert newest.fast_track_outcome == "injury_path"
    notified = claims_db.execute(
        select(InjuryNotification).where(InjuryNotification.report_id == newest.id)
    ).scalar_one()
    assert notified.insured_name == "张伟"


def test_large_loss_offers_the_expert_team_and_records_the_request(customer, claims_db):
    outcome = report(customer, "沪A12345", "0001", answers={"utter_ask_own_loss": "八万"})
    assert first_text("utter_expert_team_offer") in outcome
    replies = customer.say("申请专家团队")
    assert replies[0].startswith(template_prefix("utter_expert_team_requested"))


def test_cancelling_before_confirming_stores_nothing(customer, claims_db):
    before = len(reports_of(claims_db, "陈静"))
    customer.say("我要报案")
    customer.say("川A11223")
    customer.say("0006")
    customer.say("半小时前")
    replies = customer.say("算了，不报了")
    assert replies == [first_text("utter_report_cancelled")]
    assert len(reports_of(claims_db, "陈静")) == before


def test_an_faq_in_the_middle_of_the_report_is_answered_and_the_report_goes_on(customer):
    customer.say("我要报案")
    customer.say("川A11223")
    customer.say("0006")
    replies = customer.say("交强险财产损失最多赔多少")
    assert asked(replies) == "utter_ask_accident_time", customer
    assert len(replies) >= 2  # the answer, then the question again


def test_a_policy_question_in_the_middle_of_the_report_is_answered_and_the_report_goes_on(
    customer,
):
    customer.say("我要报案")
    customer.say("川A11223")
    customer.say("0006")
    replies = customer.say("我的保单都保了哪些险种")
    assert asked(replies) == "utter_ask_accident_time", customer
    assert len(replies) >= 2, customer  # the policy's cover, then the question again


def test_wrong_phone_digits_three_times_lock_the_identity_check(customer, no_failed_attempts):
    customer.say("我要报案")
    customer.say("沪A12345")
    customer.say("9999")
    customer.say("沪A12345")
    customer.say("8888")
    customer.say("沪A12345")
    replies = customer.say("7777")
    assert replies.count(first_text("utter_identity_locked")) == 1, customer
    assert not [r for r in replies if "没太明白" in r], customer
    # Even the right digits are refused now, and nothing personal is said.
    replies = customer.say("我的保单保什么")
    assert first_text("utter_identity_locked") in replies
    assert not [r for r in replies if "没太明白" in r or "保单" in r and "沪A" in r], customer


def test_nothing_about_a_policy_is_said_before_identity(customer):
    replies = customer.say("我的保单保什么")
    assert replies == [first_text("utter_ask_identity_key")]


def test_a_verified_customer_cannot_read_another_customers_claim(customer, claims_db):
    zhao_min_claim = closed_claim_of(claims_db, "赵敏")
    customer.say("我的保单保什么")
    customer.say("沪A12345")
    customer.say("0001")
    replies = customer.say(f"查一下报案号{zhao_min_claim.report_number}")
    assert replies == [
        first_text("utter_claim_not_found").format(report_number=zhao_min_claim.report_number)
    ]


def test_zhao_min_sees_her_closed_claim_with_its_history(customer, claims_db):
    claim = closed_claim_of(claims_db, "赵敏")
    customer.say(f"查一下报案号{claim.report_number}的进度")
    customer.say("浙A13579")
    replies = customer.say("0004")
    status = [r for r in replies if r.startswith(f"报案号 {claim.report_number}")]
    assert status and "已结案" in status[0]


def test_my_policy_lists_the_cover_from_the_database(customer):
    customer.say("我的保单保什么")
    customer.say("苏E55667")
    replies = customer.say("0007")
    policy = [r for r in replies if "PDAA2026320000000007" in r]
    assert policy and "车身划痕损失险" in policy[0] and "150 万元" in policy[0]


def test_a_complaint_gets_a_number_and_two_deadlines(customer):
    customer.say("我要投诉")
    replies = customer.say("查勘员一直不来，等了三个小时")
    assert replies and replies[0].startswith(template_prefix("utter_complaint_registered"))


def test_a_satisfaction_score_is_stored(customer, claims_db):
    from bot.db.models import SatisfactionRating

    before = claims_db.execute(select(func.count(SatisfactionRating.id))).scalar_one()
    replies = customer.say("給你們打5分，服務很好！")
    assert replies == [first_text("utter_rating_stored").format(score=5)]
    claims_db.expire_all()
    after = claims_db.execute(select(func.count(SatisfactionRating.id))).scalar_one()
    assert after == before + 1
    # The comment is kept as typed: Traditional characters, full-width punctuation.
    newest = (
        claims_db.execute(select(SatisfactionRating).order_by(SatisfactionRating.id.desc()))
        .scalars()
        .first()
    )
    assert (newest.score, newest.comment) == (5, "給你們打5分，服務很好！")
