"""Human handoff over WeChat, end to end: a WeChat user (signed XML to the real Rasa
server) asks for a person, an agent takes the conversation in the console (its HTTP
API, session cookie + CSRF header), the agent's replies and the satisfaction question
go out through WeChat's customer-service API (the fake records every custom/send),
and the user's score ends up in the claims database."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bot.channels.wechat_messages import numbered_options
from bot.db.models import HandoffMessage, HandoffTicket, SatisfactionRating
from bot.texts import _responses, response_text
from tests.conftest import AGENT_PASSWORDS, ServerStack
from tests.console.support import ConsoleAgent
from tests.images import decoded

from .fake_wechat import JPEG
from .support import FRONT_PHOTO, WeChatUser

pytestmark = pytest.mark.servers


@pytest.fixture
def agent01(wechat_stack: ServerStack) -> ConsoleAgent:
    agent = ConsoleAgent(wechat_stack.console_url)
    answer = agent.login("agent01", AGENT_PASSWORDS["AGENT01_PASSWORD"])
    assert answer.status_code == 200, answer.text
    return agent


def prefix(name: str) -> str:
    return _responses()[name][0]["text"].split("{")[0]


def wait_until(check, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def new_texts(user: WeChatUser, message: dict, count: int) -> list[str]:
    """Post `message` without waiting for a bot turn (a paused conversation has none):
    the `count` customer-service texts that follow it."""
    before = len(user.fake.texts_to(user.openid))
    answer = user.post(message)
    assert answer.status_code == 200 and answer.text == "success", answer.text
    return user.fake.wait_for_texts(user.openid, before + count, timeout=90)[before:]


def quiet(user: WeChatUser, seconds: float) -> list[str]:
    """What the user receives within `seconds` (expected: nothing)."""
    before = len(user.fake.texts_to(user.openid))
    time.sleep(seconds)
    return user.fake.texts_to(user.openid)[before:]


def in_tracker(user: WeChatUser, text: str) -> bool:
    return any(e.get("event") == "user" and e.get("text") == text for e in user.tracker()["events"])


def test_a_wechat_user_talks_to_an_agent_and_rates_the_service(
    wechat_user,
    fake_wechat,
    agent01,
    claims,
):
    user = wechat_user
    assert agent01.post("/api/heartbeat").status_code == 200  # an agent is online

    texts = new_texts(user, user.xml("text", Content="转人工"), 2)
    assert texts[0] == response_text("utter_how_to_reach_human"), texts
    assert texts[1].startswith(prefix("utter_handoff_queued")) and "第 1 位" in texts[1], texts
    claims.expire_all()
    ticket = claims.execute(
        select(HandoffTicket).where(HandoffTicket.sender_id == user.openid)
    ).scalar_one()
    assert (ticket.status, ticket.reason) == ("waiting", "customer_request")
    assert user.tracker()["paused"] is True

    # While waiting the bot is silent; what the user writes is kept for the agent.
    waiting_words = "我的车被追尾了，后保险杠裂了"
    answer = user.post(user.xml("text", Content=waiting_words))
    assert answer.status_code == 200 and answer.text == "success"
    assert wait_until(lambda: in_tracker(user, waiting_words))
    assert quiet(user, 3) == []

    # A photo while waiting (no report filed): kept on the ticket, the agent sees it.
    photo = user.xml("image", MediaId=FRONT_PHOTO, PicUrl="http://mmbiz.qpic.cn/h")
    assert new_texts(user, photo, 1) == [response_text("utter_photo_to_agent")]
    claims.expire_all()
    assert [p.content_type for p in claims.get(HandoffTicket, ticket.id).photos] == ["image/jpeg"]

    queue = agent01.get("/api/queue").json()
    assert ticket.id in [t["id"] for t in queue["waiting"]], queue
    assert agent01.post(f"/api/tickets/{ticket.id}/accept").status_code == 200
    detail = agent01.get(f"/api/tickets/{ticket.id}").json()
    said = [(line["who"], line["text"]) for line in detail["transcript"]]
    assert ("customer", "转人工") in said and ("customer", waiting_words) in said, said
    assert len(detail["photos"]) == 1
    seen = decoded(agent01.get(detail["photos"][0]["url"]).content)  # stored re-encoded
    assert seen.size == decoded(JPEG).size

    # The agent's reply goes out through WeChat's customer-service API.
    reply = "您好，我是客服小王，请问车还能开吗？"
    before = len(fake_wechat.sent)
    assert agent01.post(f"/api/tickets/{ticket.id}/reply", json={"text": reply}).status_code == 200
    assert wait_until(lambda: reply in fake_wechat.texts_to(user.openid))
    with fake_wechat.lock:
        calls = [c for c in fake_wechat.sent[before:] if c["touser"] == user.openid]
    assert calls == [{"touser": user.openid, "msgtype": "text", "text": {"content": reply}}]
    stored = claims.execute(select(HandoffMessage).where(HandoffMessage.ticket_id == ticket.id))
    assert [m.text for m in stored.scalars()] == [reply]

    # The user's answer reaches the agent, not the bot.
    answer_words = "能开，就是后面撞坏了"
    answer = user.post(user.xml("text", Content=answer_words))
    assert answer.status_code == 200
    assert wait_until(
        lambda: (
            ("customer", answer_words)
            in [
                (x["who"], x["text"])
                for x in agent01.get(f"/api/tickets/{ticket.id}").json()["transcript"]
            ]
        )
    )
    assert quiet(user, 2) == []

    # Hand back: the bot resumes on WeChat and asks for a score, options numbered.
    before = len(fake_wechat.texts_to(user.openid))
    assert agent01.post(f"/api/tickets/{ticket.id}/handback").status_code == 200
    texts = fake_wechat.wait_for_texts(user.openid, before + 2, timeout=90)[before:]
    score_question = _responses()["utter_ask_rating_score"][0]
    assert texts == [
        response_text("utter_handoff_returned"),
        numbered_options(score_question["text"], score_question["buttons"]),
    ], texts
    # Options that are scores are numbered by their score, so typing the score is right.
    assert "\n5. 5分\n" in texts[1] and "\n1. 1分\n" in texts[1], texts[1]

    # "5" answers "1 到 5 分，5 分表示非常满意" with five points.
    assert user.say("5") == [response_text("utter_ask_rating_comment")]
    assert user.say("客服很耐心也很专业") == [response_text("utter_rating_stored", score=5)]
    claims.expire_all()
    rating = claims.execute(
        select(SatisfactionRating).where(SatisfactionRating.handoff_ticket_id == ticket.id)
    ).scalar_one()
    assert (rating.score, rating.comment) == (5, "客服很耐心也很专业")
    closed = claims.get(HandoffTicket, ticket.id)
    assert (closed.status, closed.close_reason) == ("closed", "handed_back")
    assert user.tracker()["paused"] is False
