"""After-sales requests (保全, domain.md §7) over REST with the real Rasa and action servers:
identity first, the new value, a confirmation, one numbered request row for staff;
the payout bank account is refused in chat, verified or not, and nothing is stored."""

import re

import pytest
from sqlalchemy import func, select

from bot.db.models import AftersalesRequest, Customer
from bot.texts import _responses, response_text

pytestmark = pytest.mark.servers

REQUEST_NUMBER = re.compile(r"BQ\d{14}")


def variant(name: str, kind: str | None) -> str:
    """The text of a response's variation for one aftersales_kind (None: the default)."""
    for item in _responses()[name]:
        conditions = item.get("condition") or []
        if (kind is None and not conditions) or any(c["value"] == kind for c in conditions):
            return item["text"]
    raise KeyError((name, kind))


def prefix(name: str, kind: str | None) -> str:
    return variant(name, kind).split("{")[0]


def requests_of(session, name: str) -> list[AftersalesRequest]:
    session.expire_all()
    query = (
        select(AftersalesRequest)
        .join(Customer)
        .where(Customer.name == name)
        .order_by(AftersalesRequest.id)
    )
    return list(session.execute(query).scalars())


def verify(customer, plate: str, tail: str) -> None:
    assert customer.say(plate) == [response_text("utter_ask_phone_tail")], customer
    replies = customer.say(tail)
    assert replies[0].startswith(response_text("utter_identity_verified", customer_name="")[:6])
    return replies


def test_a_customer_changes_the_phone_after_proving_who_they_are(customer, claims_db):
    before = len(requests_of(claims_db, "张伟"))
    assert customer.say("手机号我换了，帮我改改") == [response_text("utter_ask_identity_key")]
    replies = verify(customer, "沪A12345", "0001")
    assert replies[1:] == [variant("utter_ask_aftersales_detail", "phone")], customer
    assert customer.say("1391234") == [
        response_text("utter_callback_phone_invalid"),
        variant("utter_ask_aftersales_detail", "phone"),
    ], customer
    replies = customer.say("新号码是139 1234 5678")
    assert replies == [
        variant("utter_ask_aftersales_confirmed", "phone").format(aftersales_detail="13912345678")
    ], customer
    replies = customer.say("确认")
    assert len(replies) == 1 and replies[0].startswith(
        prefix("utter_aftersales_registered", "phone")
    ), customer
    number = REQUEST_NUMBER.search(replies[0]).group()
    rows = requests_of(claims_db, "张伟")
    assert len(rows) == before + 1
    assert (rows[-1].request_number, rows[-1].kind, rows[-1].detail, rows[-1].status) == (
        number,
        "phone",
        "13912345678",
        "open",
    )
    assert rows[-1].sender_id == customer.sender
    # Recorded for staff, never changed in chat: the phone on file is the old one.
    assert rows[-1].customer.phone.endswith("0001")


def test_a_verified_customer_asks_for_a_copy_of_the_policy_without_a_second_check(
    customer, claims_db
):
    customer.say("我的保单保什么")
    verify(customer, "苏E55667", "0007")
    before = len(requests_of(claims_db, "刘洋"))
    replies = customer.say("保单找不到了，帮我再寄一份")
    assert replies == [variant("utter_ask_aftersales_confirmed", None)], customer
    replies = customer.say("确认")
    assert replies[0].startswith(prefix("utter_aftersales_registered", None)), customer
    rows = requests_of(claims_db, "刘洋")
    assert len(rows) == before + 1
    assert (rows[-1].kind, rows[-1].detail) == ("policy_copy", None)


def test_a_new_address_is_asked_for_and_a_no_at_the_confirmation_records_nothing(
    customer, claims_db
):
    before = len(requests_of(claims_db, "陈静"))
    customer.say("我最近搬家了，想把地址改掉")
    verify(customer, "川A11223", "0006")
    replies = customer.say("成都市武侯区天府大道北段1700号2栋")
    assert replies == [
        variant("utter_ask_aftersales_confirmed", "address").format(
            aftersales_detail="成都市武侯区天府大道北段1700号2栋"
        )
    ], customer
    assert customer.say("不是") == [response_text("utter_aftersales_not_recorded")], customer
    assert len(requests_of(claims_db, "陈静")) == before


def test_an_after_sales_request_can_be_cancelled_and_stores_nothing(customer, claims_db):
    before = len(requests_of(claims_db, "赵敏"))
    customer.say("我需要一份保单副本")
    verify(customer, "浙A13579", "0004")
    assert customer.say("取消") == [response_text("utter_report_cancelled")], customer
    assert len(requests_of(claims_db, "赵敏")) == before


@pytest.mark.parametrize("verified", [False, True], ids=["unverified", "verified"])
def test_the_payout_bank_account_is_never_changed_in_chat(customer, claims_db, verified):
    if verified:
        customer.say("查一下我的理赔进度")
        verify(customer, "浙A13579", "0004")
    count = claims_db.execute(select(func.count(AftersalesRequest.id))).scalar_one()
    replies = customer.say("我想把收款银行卡换成新办的那张")
    assert replies == [response_text("utter_bank_account_not_in_chat")], customer
    assert not any(re.search(r"卡号是|请提供.{0,4}卡号|告诉我.{0,6}卡号", r) for r in replies)
    claims_db.expire_all()
    assert claims_db.execute(select(func.count(AftersalesRequest.id))).scalar_one() == count
