"""The customer's side of a handoff, over socket.io exactly like the website widget:
queue message, the bot falls silent, the agent's replies arrive live, the bot
takes the conversation back and asks for a score."""

import time

import pytest
import requests
from sqlalchemy import select

from bot.db.models import CallbackRequest, HandoffMessage, HandoffTicket, SatisfactionRating
from bot.texts import _responses, response_text
from tests.conftest import rasa_api
from tests.images import decoded, jpeg

from .conftest import ONLINE_SECONDS

pytestmark = pytest.mark.servers


def prefix(name: str) -> str:
    """The fixed start of a response text, before its first {placeholder}."""
    return _responses()[name][0]["text"].split("{")[0]


def ticket_of(db, sender_id: str) -> HandoffTicket:
    db.expire_all()
    return (
        db.execute(
            select(HandoffTicket)
            .where(HandoffTicket.sender_id == sender_id)
            .order_by(HandoffTicket.id.desc())
        )
        .scalars()
        .first()
    )


def tracker(stack, sender_id: str) -> dict:
    answer = rasa_api(stack, "GET", f"/conversations/{sender_id}/tracker")
    answer.raise_for_status()
    return answer.json()


def wait_until(check, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_a_widget_customer_talks_to_an_agent_and_rates_the_service(
    handoff_stack,
    agent01,
    widget_customer,
    db,
):
    customer = widget_customer
    assert agent01.post("/api/heartbeat").status_code == 200  # an agent is online
    customer.say("转人工")
    replies = customer.replies()
    assert response_text("utter_how_to_reach_human") in replies
    queued = [r for r in replies if r.startswith(prefix("utter_handoff_queued"))]
    assert queued and "第 1 位" in queued[0], replies

    # Paused: the customer's words are logged for the agent, the bot says nothing.
    customer.say("我的车被追尾了，后保险杠裂了")
    assert customer.silent_for(4) == []
    state = tracker(handoff_stack, customer.session_id)
    assert state["paused"] is True
    assert any(e.get("text") == "我的车被追尾了，后保险杠裂了" for e in state["events"])

    ticket = ticket_of(db, customer.session_id)
    assert ticket.status == "waiting" and ticket.reason == "customer_request"
    assert agent01.post(f"/api/tickets/{ticket.id}/accept").status_code == 200
    detail = agent01.get(f"/api/tickets/{ticket.id}").json()
    said = [(line["who"], line["text"]) for line in detail["transcript"]]
    assert ("customer", "转人工") in said and ("customer", "我的车被追尾了，后保险杠裂了") in said

    # The agent's reply reaches the widget live, and is kept in the database.
    assert (
        agent01.post(
            f"/api/tickets/{ticket.id}/reply", json={"text": "您好，我是客服，请问车还能开吗？"}
        ).status_code
        == 200
    )
    assert customer.replies() == ["您好，我是客服，请问车还能开吗？"]
    stored = db.execute(select(HandoffMessage).where(HandoffMessage.ticket_id == ticket.id))
    assert [m.text for m in stored.scalars()] == ["您好，我是客服，请问车还能开吗？"]
    customer.say("能开，就是后面撞坏了")
    assert customer.silent_for(3) == []
    lines = agent01.get(f"/api/tickets/{ticket.id}").json()["transcript"]
    assert ("agent", "您好，我是客服，请问车还能开吗？") in [(x["who"], x["text"]) for x in lines]
    assert ("customer", "能开，就是后面撞坏了") in [(x["who"], x["text"]) for x in lines]

    # Hand back: the bot speaks again and asks for a score and a comment.
    assert agent01.post(f"/api/tickets/{ticket.id}/handback").status_code == 200
    replies = customer.replies()
    assert replies == [
        response_text("utter_handoff_returned"),
        response_text("utter_ask_rating_score"),
    ], replies
    customer.say("5分")
    assert customer.replies() == [response_text("utter_ask_rating_comment")]
    customer.say("客服很耐心")
    assert customer.replies() == [response_text("utter_rating_stored", score=5)]
    rating = db.execute(
        select(SatisfactionRating).where(SatisfactionRating.handoff_ticket_id == ticket.id)
    ).scalar_one()
    assert (rating.score, rating.comment) == (5, "客服很耐心")
    db.expire_all()
    closed = db.get(HandoffTicket, ticket.id)
    assert (closed.status, closed.close_reason) == ("closed", "handed_back")
    assert tracker(handoff_stack, customer.session_id)["paused"] is False


def test_a_waiting_customer_can_stop_waiting_and_the_bot_answers_again(
    handoff_stack,
    agent01,
    widget_customer,
    db,
):
    customer = widget_customer
    agent01.post("/api/heartbeat")
    customer.say("帮我找个真人客服")
    assert any(r.startswith(prefix("utter_handoff_queued")) for r in customer.replies())
    customer.say("不用了")
    assert customer.replies() == [response_text("utter_handoff_cancelled")]
    ticket = ticket_of(db, customer.session_id)
    assert (ticket.status, ticket.close_reason) == ("closed", "cancelled")
    assert wait_until(lambda: not tracker(handoff_stack, customer.session_id)["paused"])
    # The cancelled ticket cannot be accepted any more.
    answer = agent01.post(f"/api/tickets/{ticket.id}/accept")
    assert answer.status_code == 409 and answer.json()["error"]
    customer.say("交强险财产损失最多赔多少")
    assert customer.replies(), "the bot answers again"


def test_with_no_agent_online_the_customer_gets_a_call_back(handoff_stack, agent01, db):
    time.sleep(ONLINE_SECONDS + 1)  # every heartbeat of earlier tests has expired
    sender = f"callback-{time.monotonic_ns()}"
    url = f"{handoff_stack.rasa_url}/webhooks/rest/webhook"

    def say(text: str) -> list[str]:
        answer = requests.post(url, json={"sender": sender, "message": text}, timeout=60)
        return [m.get("text", "") for m in answer.json()]

    replies = say("我要人工客服")
    assert replies == [
        response_text("utter_handoff_offer_callback_busy"),
        response_text("utter_ask_callback_phone"),
    ], replies
    assert say("138 1234 5678") == [response_text("utter_ask_callback_time")]
    replies = say("明天上午十点以后")
    assert replies == [
        response_text(
            "utter_callback_registered", phone="13812345678", preferred_time="明天上午十点以后"
        )
    ], replies
    ticket = ticket_of(db, sender)
    assert ticket.status == "callback"
    callback = db.execute(
        select(CallbackRequest).where(CallbackRequest.ticket_id == ticket.id)
    ).scalar_one()
    assert (callback.phone, callback.preferred_time) == ("13812345678", "明天上午十点以后")
    callbacks = agent01.get("/api/queue").json()["callbacks"]
    assert {"phone": "13812345678", "preferred_time": "明天上午十点以后"} in [
        c["callback"] for c in callbacks if c["id"] == ticket.id
    ]


def test_a_photo_sent_to_an_agent_before_any_report_reaches_the_console(
    handoff_stack,
    agent01,
    widget_customer,
    db,
    photo_dir,
):
    customer = widget_customer
    agent01.post("/api/heartbeat")
    customer.say("转人工")
    assert any(r.startswith(prefix("utter_handoff_queued")) for r in customer.replies())
    ticket = ticket_of(db, customer.session_id)
    assert ticket.report_id is None

    photo = jpeg()
    upload = requests.post(
        f"{handoff_stack.rasa_url}/webhooks/photos/upload",
        data={"sender": customer.session_id},
        files={"photo": ("damage.jpg", photo, "image/jpeg")},
        timeout=60,
    )
    assert upload.status_code == 200, upload.text
    assert upload.json()["messages"] == [response_text("utter_photo_to_agent")]
    assert upload.json()["report_number"] is None
    assert customer.silent_for(2) == []  # the bot stays silent during the handoff

    photos = agent01.get(f"/api/tickets/{ticket.id}").json()["photos"]
    assert len(photos) == 1
    image = agent01.get(photos[0]["url"])
    assert image.status_code == 200 and decoded(image.content).size == (32, 24)
    assert (photo_dir / f"handoff-{ticket.id}").is_dir()
    lines = agent01.get(f"/api/tickets/{ticket.id}").json()["transcript"]
    assert ("customer", "photo") in [(x["who"], x.get("kind")) for x in lines]

    # Once the conversation is back with the bot and no report exists, photos are refused.
    assert agent01.post(f"/api/tickets/{ticket.id}/accept").status_code == 200
    assert agent01.post(f"/api/tickets/{ticket.id}/close").status_code == 200
    customer.replies()
    again = requests.post(
        f"{handoff_stack.rasa_url}/webhooks/photos/upload",
        data={"sender": customer.session_id},
        files={"photo": ("more.jpg", photo, "image/jpeg")},
        timeout=60,
    )
    assert again.status_code == 409
    assert again.json()["message"] == response_text("utter_photo_no_report")
    assert len(db.get(HandoffTicket, ticket.id).photos) == 1
