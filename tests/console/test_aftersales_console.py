"""After-sales requests (保全) end to end: a widget customer (socket.io, like the website
chat) asks for a new address, and staff find it in the console and mark it done —
through the console's API with its session and CSRF checks."""

import re
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from bot.db.models import AftersalesRequest
from bot.texts import _responses, response_text

pytestmark = pytest.mark.servers

NEW_ADDRESS = "杭州市西湖区文三路90号东部软件园3号楼"


def confirm_question(kind: str) -> str:
    [item] = [
        i
        for i in _responses()["utter_ask_aftersales_confirmed"]
        if i.get("condition") and i["condition"][0]["value"] == kind
    ]
    return item["text"]


def test_a_widget_customers_new_address_reaches_the_console_and_is_marked_done(
    handoff_stack, agent01, agent02, widget_customer, db
):
    customer = widget_customer
    customer.say("我搬家了，联系地址需要更新一下")
    assert customer.replies() == [response_text("utter_ask_identity_key")]
    customer.say("浙A13579")
    assert customer.replies() == [response_text("utter_ask_phone_tail")]
    customer.say("0004")
    replies = customer.replies()
    assert replies[0] == response_text("utter_identity_verified", customer_name="赵敏")
    customer.say(NEW_ADDRESS)
    assert customer.replies() == [confirm_question("address").format(aftersales_detail=NEW_ADDRESS)]
    customer.say("确认")
    [registered] = customer.replies()
    number = re.search(r"BQ\d{14}", registered).group()

    # Staff see it in the console's list of open requests …
    listed = agent01.get("/api/aftersales").json()["open"]
    [mine] = [r for r in listed if r["request_number"] == number]
    assert (mine["kind"], mine["kind_label"], mine["detail"]) == (
        "address",
        "修改联系地址",
        NEW_ADDRESS,
    )
    assert mine["customer_name"] == "赵敏" and mine["plates"] == ["浙A1***9"]

    # … mark it done with the session's CSRF token only, and exactly once.
    done = f"/api/aftersales/{mine['id']}/done"
    assert agent01.post(done, csrf=None).status_code == 403
    assert agent01.post(done, csrf=agent02.csrf).status_code == 403
    assert agent01.post(done).status_code == 200
    again = agent02.post(done)
    assert again.status_code == 409 and again.json()["error"]
    assert number not in [
        r["request_number"] for r in agent01.get("/api/aftersales").json()["open"]
    ]
    db.expire_all()
    row = db.execute(
        select(AftersalesRequest).where(AftersalesRequest.request_number == number)
    ).scalar_one()
    assert row.status == "done" and row.done_by.username == "agent01"


def test_the_after_sales_api_answers_nobody_without_a_session(handoff_stack):
    url = handoff_stack.console_url
    assert requests.get(f"{url}/api/aftersales", timeout=30).status_code == 401
    assert requests.post(f"{url}/api/aftersales/1/done", json={}, timeout=30).status_code == 401


def test_the_console_page_lists_after_sales_requests_as_text_only():
    static = Path(__file__).resolve().parents[2] / "bot" / "console" / "static"
    assert 'id="aftersales"' in (static / "console.html").read_text(encoding="utf-8")
    script = (static / "console.js").read_text(encoding="utf-8")
    assert "/api/aftersales" in script and "innerHTML" not in script
