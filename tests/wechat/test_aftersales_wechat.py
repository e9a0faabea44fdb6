"""After-sales requests (保全) from a WeChat user: signed XML to the real Rasa server,
the bot's answers through the fake customer-service API, the request in the database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.channels.wechat_messages import numbered_options
from bot.db.models import AftersalesRequest, Customer
from bot.texts import _responses, response_text

pytestmark = pytest.mark.servers


def policy_copy_confirmation() -> dict:
    [default] = [
        i for i in _responses()["utter_ask_aftersales_confirmed"] if not i.get("condition")
    ]
    return default


def test_a_wechat_user_asks_for_a_copy_of_the_policy_and_confirms_by_number(wechat_user, claims):
    assert wechat_user.say("麻烦给我补一份电子保单") == [response_text("utter_ask_identity_key")]
    assert wechat_user.say("京C24680") == [response_text("utter_ask_phone_tail")]
    replies = wechat_user.say("0003")
    confirmation = policy_copy_confirmation()
    assert replies == [
        response_text("utter_identity_verified", customer_name="王强"),
        numbered_options(confirmation["text"], confirmation["buttons"]),
    ], replies
    [registered] = wechat_user.say("1")  # 1 = 确认
    number = re.search(r"BQ\d{14}", registered).group()
    claims.expire_all()
    row = claims.execute(
        select(AftersalesRequest).where(AftersalesRequest.request_number == number)
    ).scalar_one()
    assert (row.kind, row.status, row.sender_id) == ("policy_copy", "open", wechat_user.openid)
    assert claims.get(Customer, row.customer_id).name == "王强"


def test_a_wechat_user_is_told_the_bank_account_is_not_changed_in_chat(wechat_user):
    assert wechat_user.say("我要换一张收赔款的银行卡") == [
        response_text("utter_bank_account_not_in_chat")
    ]
