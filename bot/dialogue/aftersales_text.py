"""Which after-sales request (保全) a message asks for, read from its words (no Rasa).

The classifier only says "an after-sales request" (intent request_aftersales);
what is to change is in the words, and the three kinds are named in plainly
different ones. A message naming the payout bank account is told apart first:
that change is never taken in chat (bot.rules.aftersales).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.report_facts import NOT_AN_ANSWER, CustomerMessage, clean_free_text, yes_or_no
from bot.rules.aftersales import AftersalesKind, is_usable_address, mobile_number

BANK_ACCOUNT = re.compile(
    r"银行卡|银行(账|帐)户|收款|打款|卡号|开户行|(赔款|理赔款).{0,8}(卡|账户|帐户)"
)
# Most specific first: "把保单副本寄到新地址" asks for a copy, not an address change.
KIND_WORDS: tuple[tuple[re.Pattern[str], AftersalesKind], ...] = (
    (
        re.compile(
            r"副本|复印件|纸质(版)?保单|电子(版)?保单|保单(原件|打印|纸质|电子)"
            r"|(补|重新|再)(发|寄|打印|开|要|出|给|办)?.{0,4}(保单|保险单)"
            r"|(保单|保险单).{0,6}(丢|找不到|不见|补|寄|重新|再(给|发|打|寄|要))"
        ),
        AftersalesKind.POLICY_COPY,
    ),
    (re.compile(r"地址|住址|搬家|搬了家|搬到|住的地方|住处"), AftersalesKind.ADDRESS),
    (
        re.compile(r"手机|电话|号码|预留号|(联系|通讯|联络)方式|换号|新号|手机号"),
        AftersalesKind.PHONE,
    ),
)


def names_bank_account(text: str) -> bool:
    return bool(BANK_ACCOUNT.search(text))


def kind_named(text: str) -> AftersalesKind | None:
    """The after-sales request the words ask for, or None when they name none."""
    for pattern, kind in KIND_WORDS:
        if pattern.search(text):
            return kind
    return None


@dataclass(frozen=True)
class AftersalesAnswer:
    """What one message gives the after-sales form: slot values, and a hint to show."""

    slots: dict[str, Any] = field(default_factory=dict)
    hint: str | None = None  # a response name, when the message did not answer


# A message with one of these intents is not an answer to the form's question;
# their own rules answer them (an FAQ, a person, cancel…) and the form goes on.
NOT_AN_ANSWER_HERE = NOT_AN_ANSWER - {"request_aftersales"}


def start_values(message: CustomerMessage) -> dict[str, Any]:
    """The request as the opening message names it: "把手机号改成139…" gives both."""
    kind = kind_named(message.text)
    number = mobile_number(message.text) if kind is AftersalesKind.PHONE else None
    return {
        "aftersales_kind": kind.value if kind else None,
        "aftersales_detail": number,
        "aftersales_confirmed": None,
    }


def form_answer(
    message: CustomerMessage, requested: str | None, kind: str | None
) -> AftersalesAnswer:
    """The form's slots this message fills, given the question asked and the kind so far."""
    if requested is None or message.intent in NOT_AN_ANSWER_HERE:
        return AftersalesAnswer()
    if requested == "aftersales_kind":
        named = kind_named(message.text)
        hint = None
        if named is None:
            bank = names_bank_account(message.text)
            hint = "utter_bank_account_not_in_chat" if bank else "utter_aftersales_kind_hint"
        return AftersalesAnswer({"aftersales_kind": named.value if named else None}, hint)
    if requested == "aftersales_detail":
        return _detail(message, kind)
    if requested == "aftersales_confirmed":
        # "不对，是13912345678": a new number at the confirmation replaces the old one.
        number = mobile_number(message.text) if kind == AftersalesKind.PHONE.value else None
        if number:
            return AftersalesAnswer({"aftersales_detail": number, "aftersales_confirmed": None})
        answer = yes_or_no(message)
        hint = "utter_aftersales_confirm_hint" if answer is None else None
        return AftersalesAnswer({"aftersales_confirmed": answer}, hint)
    return AftersalesAnswer()


def _detail(message: CustomerMessage, kind: str | None) -> AftersalesAnswer:
    if kind == AftersalesKind.PHONE.value:
        number = mobile_number(message.text)
        return AftersalesAnswer(
            {"aftersales_detail": number}, None if number else "utter_callback_phone_invalid"
        )
    address = clean_free_text(message.own_words)
    if is_usable_address(address):
        return AftersalesAnswer({"aftersales_detail": address})
    return AftersalesAnswer({"aftersales_detail": None}, "utter_aftersales_address_invalid")
