"""Reading an after-sales request (保全) from the customer's words (bot/dialogue/aftersales_text.py),
checked against the training data: every request example names what is to change."""

from pathlib import Path

import pytest
import yaml

from bot.dialogue.aftersales_text import form_answer, kind_named, names_bank_account, start_values
from bot.dialogue.report_facts import CustomerMessage
from bot.nlu.normalize import normalize
from bot.rules.aftersales import AftersalesKind

NLU = Path(__file__).resolve().parents[2] / "bot" / "data" / "nlu" / "aftersales.yml"


def _examples(intent: str) -> list[str]:
    for block in yaml.safe_load(NLU.read_text(encoding="utf-8"))["nlu"]:
        if block["intent"] == intent:
            return [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    raise KeyError(intent)


def message(text: str, intent: str = "inform") -> CustomerMessage:
    return CustomerMessage(text=normalize(text), intent=intent, words=text)


@pytest.mark.parametrize("example", _examples("request_aftersales"))
def test_every_after_sales_example_names_one_kind_and_no_bank_account(example):
    text = normalize(example)
    assert kind_named(text) is not None and not names_bank_account(text)


@pytest.mark.parametrize("example", _examples("change_bank_account"))
def test_every_bank_account_example_names_the_bank_account(example):
    assert names_bank_account(normalize(example))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("我换了手机号", AftersalesKind.PHONE),
        ("搬家了地址要改", AftersalesKind.ADDRESS),
        ("保单丢了再给我一份", AftersalesKind.POLICY_COPY),
        ("把保单副本寄到我新地址", AftersalesKind.POLICY_COPY),
        ("我要办个保全", None),
    ],
)
def test_the_kind_is_read_from_the_words(text, kind):
    assert kind_named(text) is kind


def test_an_opening_that_gives_the_new_number_fills_it_in():
    assert start_values(message("帮我把手机号改成139 1234 5678", "request_aftersales")) == {
        "aftersales_kind": "phone",
        "aftersales_detail": "13912345678",
        "aftersales_confirmed": None,
    }


def test_an_opening_without_a_kind_leaves_the_form_to_ask():
    assert start_values(message("我要办理保全", "request_aftersales"))["aftersales_kind"] is None


def test_the_kind_question_is_answered_by_its_button_or_told_the_three_kinds():
    assert form_answer(message("改联系地址"), "aftersales_kind", None).slots == {
        "aftersales_kind": "address"
    }
    unclear = form_answer(message("改一下别的"), "aftersales_kind", None)
    assert unclear.slots == {"aftersales_kind": None}
    assert unclear.hint == "utter_aftersales_kind_hint"
    bank = form_answer(message("其实是要换银行卡"), "aftersales_kind", None)
    assert bank.hint == "utter_bank_account_not_in_chat"


def test_a_new_phone_must_be_a_mobile_number():
    assert form_answer(message("13912345678"), "aftersales_detail", "phone").slots == {
        "aftersales_detail": "13912345678"
    }
    wrong = form_answer(message("0001"), "aftersales_detail", "phone")
    assert wrong.slots == {"aftersales_detail": None}
    assert wrong.hint == "utter_callback_phone_invalid"


def test_a_new_address_is_kept_in_the_customers_words_and_must_be_complete():
    answer = form_answer(message("上海市浦東新區張江路100弄5號"), "aftersales_detail", "address")
    assert answer.slots == {"aftersales_detail": "上海市浦東新區張江路100弄5號"}
    assert form_answer(message("上海"), "aftersales_detail", "address").hint == (
        "utter_aftersales_address_invalid"
    )


def test_markup_in_an_address_is_not_stored():
    answer = form_answer(message("<b>上海市徐汇区漕溪北路1号</b>"), "aftersales_detail", "address")
    assert answer.slots == {"aftersales_detail": "上海市徐汇区漕溪北路1号"}


@pytest.mark.parametrize(
    ("text", "intent", "confirmed"),
    [("确认", "affirm", True), ("是的", "inform", True), ("不是", "deny", False)],
)
def test_the_confirmation_is_a_yes_or_a_no(text, intent, confirmed):
    answer = form_answer(message(text, intent), "aftersales_confirmed", "address")
    assert answer.slots == {"aftersales_confirmed": confirmed} and answer.hint is None


def test_a_new_number_at_the_confirmation_replaces_the_old_one_and_asks_again():
    answer = form_answer(message("不对，是13800001111", "inform"), "aftersales_confirmed", "phone")
    assert answer.slots == {"aftersales_detail": "13800001111", "aftersales_confirmed": None}


@pytest.mark.parametrize("intent", ["faq", "cancel", "request_human", "change_bank_account"])
def test_questions_and_other_requests_are_not_answers(intent):
    assert form_answer(message("取消", intent), "aftersales_detail", "address").slots == {}


def test_a_request_said_again_inside_the_form_answers_what_to_change():
    answer = form_answer(message("我要改手机号", "request_aftersales"), "aftersales_kind", None)
    assert answer.slots == {"aftersales_kind": "phone"}
