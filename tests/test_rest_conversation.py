"""Conversations with the real Rasa and action servers over REST and socket.io."""

import re
import threading
import uuid
from pathlib import Path

import pytest
import requests
import socketio
import yaml

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def response_texts(name: str) -> list[str]:
    return [variation["text"] for variation in DOMAIN["responses"][name]]


def unclear_text(reason: str) -> str:
    for variation in DOMAIN["responses"]["utter_unclear"]:
        conditions = variation.get("condition", [])
        if any(c["value"] == reason for c in conditions) or (
            not conditions and reason == "rephrase"
        ):
            return variation["text"]
    raise KeyError(reason)


def test_greeting_gets_the_welcome(customer):
    assert customer.say("你好") == response_texts("utter_greet")


def test_traditional_chinese_greeting_is_understood(customer):
    assert customer.say("您好，請問在嗎") == response_texts("utter_greet")


def test_thanks_and_goodbye(customer):
    assert customer.say("谢谢你") == response_texts("utter_you_are_welcome")
    assert customer.say("好的，再见") == response_texts("utter_goodbye")


def call_back_offer() -> set[str]:
    """The bot's offer when no agent can take the chat (nobody online, or after hours)."""
    return {
        response_texts("utter_handoff_offer_callback_busy")[0],
        response_texts("utter_handoff_offer_callback_closed")[0].format(hours="09:00-21:00"),
    }


def test_asking_for_a_person_with_no_agent_online_offers_a_call_back(customer):
    replies = customer.say("转人工")
    assert replies[0] in call_back_offer(), replies
    assert replies[1:] == response_texts("utter_ask_callback_phone")


def test_health_insurance_question_is_declined_politely(customer):
    assert customer.say("我的重疾险怎么理赔") == response_texts("utter_off_topic/life_health")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("😀😀😀", "no_words"),
        ("What does my car insurance cover?", "not_chinese"),
        ("'; DROP TABLE reports; --", "not_chinese"),
        ("<script>alert('x')</script>", "not_chinese"),
    ],
)
def test_bad_input_gets_a_polite_chinese_answer(customer, text, reason):
    assert customer.say(text) == [unclear_text(reason)]


def test_a_5000_character_message_gets_a_chinese_answer_without_error(customer):
    replies = customer.say("我想问一下" * 1000)
    assert replies and all(CJK.search(reply) for reply in replies)


@pytest.mark.parametrize(
    "text",
    ["<b>交强险</b>赔多少？<script>alert(1)</script>", "<img src=x onerror=alert(1)>车损险保什么"],
)
def test_replies_never_echo_markup(customer, text):
    replies = customer.say(text)
    assert replies
    assert not any("<" in reply or ">" in reply for reply in replies)


def test_two_misses_in_a_row_hand_over_to_a_human(customer):
    assert customer.say("asdf qwer") == [unclear_text("not_chinese")]
    replies = customer.say("zxcv uiop")
    assert replies[0] == response_texts("utter_handoff_not_understood")[0]
    assert replies[1] in call_back_offer(), replies  # no agent online in this stack


@pytest.mark.parametrize(
    "body",
    [b"not json at all", b"[1, 2, 3]", b'{"message": "no sender"}', b""],
)
def test_malformed_requests_get_400_not_500(bot_stack, body):
    response = requests.post(
        f"{bot_stack.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400
    assert "请求格式不正确" in response.json()["message"]


def test_socketio_channel_answers_in_chinese(bot_stack):
    client = socketio.Client()
    replies: list[str] = []
    answered = threading.Event()
    session_id = uuid.uuid4().hex

    @client.on("bot_uttered")
    def on_bot_uttered(data):
        replies.append(data.get("text", ""))
        answered.set()

    client.connect(bot_stack.rasa_url, transports=["polling"], socketio_path="socket.io")
    try:
        client.emit("session_request", {"session_id": session_id})
        client.emit("user_uttered", {"message": "你好", "session_id": session_id})
        assert answered.wait(timeout=30), "no bot_uttered event within 30 s"
    finally:
        client.disconnect()
    assert replies == response_texts("utter_greet")
