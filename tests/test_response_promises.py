"""No answer promises a flow the bot does not have (issue 17).

Every response that tells the customer to say something ("说“转人工”", "回复
“确认”", "问我“…”") or to do something here ("在这里…", "把报案号发给我",
"发照片") is listed below with the intent that hears it and the action that
serves it. The tests check that the listing is complete, that every intent and
action exists in the domain, that a rule takes the intent to the action, and
that each phrase the customer is told to say is one the bot was trained on.
An answer that once offered to change the payout bank account "在这里" — a flow
that never existed — would fail here.
"""

import re
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.dialogue.form_answers import answer_to
from bot.nlu.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FAQ = yaml.safe_load((ROOT / "bot/data/responses/faq.yml").read_text(encoding="utf-8"))
RESPONSES = {**DOMAIN["responses"], **FAQ["responses"]}

# "说“转人工”", "回复“确认”", "问我“交强险赔多少”", "直接说“我要报案”“查理赔进度”或“…”".
SAY = re.compile(r"(?:说|回复|问我|告诉我)((?:“[^”{]+”(?:、|或|和)?)+)")
# Doing something in this chat: "在这里…", "把报案号发给我", "照片…发给我", "发照片".
HERE = re.compile(r"在这里|(报案号|照片).{0,6}发给我|发报案号|发(送)?照片")

REPORT = ("report_accident", "action_start_request")
HUMAN = ("request_human", "action_start_handoff")
MY_POLICY = ("ask_my_policy", "action_start_request")
CLAIM_STATUS = ("check_claim_status", "action_start_request")
AFTERSALES = ("request_aftersales", "action_start_request")
PHOTOS = ("photo_uploaded", "action_photo_progress")
PHOTO_LABEL = ("photo_description", "action_describe_photo")
COMPLAINT = ("complain", "complaint_form")
FAQ_ANSWER = ("faq", "utter_faq")
CANCEL = ("cancel", "action_cancel_report")
STOP_WAITING = ("cancel", "action_handoff_watch")  # heard while paused for an agent
NO_CALLBACK = ("cancel", "action_stop_handoff_form")


def answer(slot: str) -> tuple[str, str]:
    """An answer to the report question `slot`, read by bot/dialogue/form_answers.py
    (not by the intent classifier) and taken by the report form."""
    return (f"{ANSWER}{slot}", "report_form")


ANSWER = "answer:"


def said(*phrases: str, flow: tuple[str, str]) -> list[tuple[str | None, str, str]]:
    return [(phrase, *flow) for phrase in phrases]


def here(flow: tuple[str, str]) -> list[tuple[str | None, str, str]]:
    return [(None, *flow)]


# response -> (phrase the customer is told to say, or None for "do it here"), intent, action
FLOWS: dict[str, list[tuple[str | None, str, str]]] = {
    "utter_iamabot": said("转人工", flow=HUMAN),
    "utter_off_topic/life_health": said("转人工", flow=HUMAN),
    "utter_off_topic/other_service": said("转人工", flow=HUMAN),
    "utter_unclear": said("交强险赔多少", flow=FAQ_ANSWER),
    "utter_how_can_i_help": said("我要报案", flow=REPORT)
    + said("查理赔进度", flow=CLAIM_STATUS)
    + said("我的保单保什么", flow=MY_POLICY),
    "utter_report_start": said("取消", flow=CANCEL),
    "utter_report_resumed": said("取消", flow=CANCEL),
    "utter_report_draft_kept": said("继续报案", flow=REPORT),
    "utter_report_offer_human": said("转人工", flow=HUMAN),
    "utter_offer_report_with_facts": said("报案", flow=REPORT) + said("转人工", flow=HUMAN),
    "utter_amount_not_understood": said("不知道", flow=answer("own_loss")),
    "utter_who_not_understood": said("是本人", flow=answer("insured_driving")),
    "utter_yes_no_not_understood": said("不确定", flow=answer("anyone_injured")),
    "utter_report_summary": said("确认", flow=("affirm", "report_form")),
    "utter_please_confirm_or_correct": said("确认", flow=("affirm", "report_form"))
    + said("取消", flow=CANCEL),
    "utter_photo_checklist_single": here(PHOTOS),
    "utter_photo_checklist_two_vehicle": here(PHOTOS),
    "utter_no_photo_to_describe": here(PHOTOS),
    "utter_photo_progress_more": here(PHOTOS) + here(PHOTO_LABEL),
    "utter_expert_team_offer": said(
        "申请专家团队", flow=("request_expert_team", "action_request_expert_team")
    ),
    "utter_expert_team_no_report": said("我要报案", flow=REPORT),
    "utter_wechat_welcome": said("我要报案", flow=REPORT) + here(PHOTOS),
    "utter_wechat_unsupported": here(PHOTOS),
    "utter_handoff_queued": said("取消", flow=STOP_WAITING) + here(PHOTOS),
    "utter_handoff_offer_callback_closed": said("取消", flow=NO_CALLBACK),
    "utter_handoff_offer_callback_busy": said("取消", flow=NO_CALLBACK),
    "utter_ask_rating_comment": said("没有", flow=("deny", "handoff_rating_form")),
    "utter_bank_account_not_in_chat": said("转人工", flow=HUMAN),
    "utter_ask_aftersales_kind": here(AFTERSALES),
    "utter_aftersales_kind_hint": said("转人工", flow=HUMAN),
    "utter_ask_aftersales_confirmed": said("确认", flow=("affirm", "aftersales_form"))
    + said("取消", flow=CANCEL),
    "utter_aftersales_confirm_hint": said("确认", flow=("affirm", "aftersales_form"))
    + said("取消", flow=CANCEL),
    "utter_faq/jiaoqiang_coverage": said("交强险赔多少", flow=FAQ_ANSWER),
    "utter_faq/chesun_theft": said("我要报案", flow=REPORT),
    "utter_faq/chesun_glass": said("我要报案", flow=REPORT),
    "utter_faq/chesun_hit_and_run": said("我要报案", flow=REPORT),
    "utter_faq/no_chesun_own_damage": said("我要报案", flow=REPORT),
    "utter_faq/sanzhe_limits": said("我的保单保什么", flow=MY_POLICY),
    "utter_faq/rider_scratch": said("我的保单保什么", flow=MY_POLICY),
    "utter_faq/claim_steps": said("我要报案", flow=REPORT),
    "utter_faq/report_deadline": said("我要报案", flow=REPORT),
    "utter_faq/report_channels": here(REPORT),
    "utter_faq/payment_to_own_account": said("转人工", flow=HUMAN),
    "utter_faq/claim_time": here(CLAIM_STATUS),
    "utter_faq/claim_status_meanings": here(CLAIM_STATUS),
    "utter_faq/complaint_channels": said("我要投诉", flow=COMPLAINT) + here(COMPLAINT),
    "utter_faq/aftersales_changes": said("我要改手机号", flow=AFTERSALES)
    + here(AFTERSALES)
    + said("转人工", flow=HUMAN),
    "utter_faq/small_loss_self_pay": said("我要报案", flow=REPORT),
    "utter_faq/service_hours_human_agent": said("转人工", flow=HUMAN) + here(HUMAN),
    "utter_faq/other_city_claim": said("我要报案", flow=REPORT) + here(REPORT),
    "utter_faq/premium_factors": said("转人工", flow=HUMAN),
    "utter_faq/jiaoqiang_base_premium": said("转人工", flow=HUMAN),
    "utter_faq/transfer_ownership": said("转人工", flow=HUMAN),
    "utter_faq/cancel_refund": said("转人工", flow=HUMAN),
    "utter_faq/repair_shop_dispute": said("我要投诉", flow=COMPLAINT),
    "utter_faq/not_covered_premium": said("转人工", flow=HUMAN),
    "utter_faq/not_covered_buying": said("转人工", flow=HUMAN),
    "utter_faq/not_covered_other_city": said("我要报案", flow=REPORT)
    + here(REPORT)
    + said("转人工", flow=HUMAN),
    "utter_faq/not_covered_injury_pay": said("转人工", flow=HUMAN),
    "utter_faq/not_covered_policy_change": said("转人工", flow=HUMAN),
    "utter_faq/not_covered_assessment": said("我要投诉", flow=COMPLAINT)
    + said("转人工", flow=HUMAN),
    "utter_faq/not_covered": said("转人工", flow=HUMAN) + here(REPORT),
}

# Answers inside a form: the form's own action hears them (no separate rule).
FORM_ACTIONS = set(DOMAIN["forms"])


def _texts(name: str) -> list[str]:
    return [variation.get("text", "") for variation in RESPONSES[name]]


def _promises(name: str) -> tuple[set[str], bool]:
    """(phrases the customer is told to say, whether it asks to do something here)."""
    phrases: set[str] = set()
    do_here = False
    for text in _texts(name):
        for chain in SAY.findall(text):
            phrases |= set(re.findall(r"“([^”]+)”", chain))
        do_here = do_here or bool(HERE.search(text))
    return phrases, do_here


PROMISING = {name for name in RESPONSES if any(_promises(name))}


def test_the_promise_finder_sees_says_and_heres():
    assert SAY.findall("直接说“我要报案”“查理赔进度”或“我的保单保什么”。") == [
        "“我要报案”“查理赔进度”或“我的保单保什么”"
    ]
    assert SAY.findall("比如“两千”或“3000元”") == []
    assert HERE.search("想查进度，把报案号发给我就行")
    assert not HERE.search("事故经过可以分几条发给我")


def test_every_response_that_promises_a_flow_is_listed():
    assert sorted(PROMISING - set(FLOWS)) == []


def test_the_listing_has_no_response_that_promises_nothing():
    assert sorted(set(FLOWS) - PROMISING) == []


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_the_listing_names_exactly_what_the_response_promises(name):
    phrases, do_here = _promises(name)
    listed = {phrase for phrase, _, _ in FLOWS[name]}
    assert listed - {None} == phrases
    assert (None in listed) == do_here


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_the_intent_and_action_that_serve_it_exist_in_the_domain(name):
    actions = set(DOMAIN["actions"]) | FORM_ACTIONS | set(DOMAIN["responses"]) | {"utter_faq"}
    for _, intent, action in FLOWS[name]:
        if intent.startswith(ANSWER):
            assert intent.removeprefix(ANSWER) in DOMAIN["forms"][action]["required_slots"]
        else:
            assert intent in DOMAIN["intents"], (name, intent)
        assert action in actions, (name, action)


@cache
def _rule_pairs() -> set[tuple[str, str]]:
    """(intent, action) for every rule step `intent` directly followed by `action`."""
    pairs = set()
    for path in (ROOT / "bot" / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            steps = rule["steps"]
            for step, following in zip(steps, steps[1:], strict=False):
                intents = [step["intent"]] if "intent" in step else []
                intents += [alt["intent"] for alt in step.get("or", []) if "intent" in alt]
                for intent in intents:
                    if "action" in following:
                        pairs.add((intent, following["action"]))
    return pairs


@cache
def _slot_rule_actions() -> set[str]:
    """Actions rules run for any message while their slot-mapping action listens."""
    return {
        mapping["action"]
        for slot in DOMAIN["slots"].values()
        for mapping in slot.get("mappings", [])
        if mapping.get("action")
    }


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_a_rule_takes_the_intent_to_the_action(name):
    pairs = _rule_pairs()
    for _, intent, action in FLOWS[name]:
        if action in FORM_ACTIONS - {"complaint_form"}:
            continue  # an answer inside the active form: the form hears it
        if action in _slot_rule_actions():
            continue  # runs on every message (action_handoff_watch, see domain.yml)
        assert (intent, action) in pairs, (name, intent, action)


@cache
def _training_examples() -> dict[str, set[str]]:
    examples: dict[str, set[str]] = {}
    for path in (ROOT / "bot" / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            intent = block["intent"].split("/", 1)[0]
            lines = block["examples"].splitlines()
            found = {line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")}
            examples.setdefault(intent, set()).update(normalize(e) for e in found)
    replies = yaml.safe_load((ROOT / "bot/knowledge/short_replies.yml").read_text("utf-8"))
    for intent, words in replies.items():
        examples.setdefault(intent, set()).update(normalize(str(w)) for w in words)
    return examples


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_each_phrase_the_customer_is_told_to_say_was_trained_for_its_intent(name):
    examples = _training_examples()
    for phrase, intent, _ in FLOWS[name]:
        if phrase is not None and intent.startswith(ANSWER):
            now, tz = datetime.now(timezone.utc), ZoneInfo("Asia/Shanghai")
            assert answer_to(intent.removeprefix(ANSWER), phrase, now, tz), (name, phrase)
        elif phrase is not None:
            assert normalize(phrase) in examples.get(intent, set()), (name, phrase, intent)
