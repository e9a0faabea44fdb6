"""The doors of `make run`'s layout, tried as an attacker would (issue "Lock the doors").

Each finding of the issue is reproduced against the real servers and must now
fail; the positive paths (the console's way in, the widget's channel, the
actions) keep working. The servers are tests/conftest.py's `bot_stack`: the
launcher's layout, public port + internal API port + action server.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from bot.channels.guard import MAX_MESSAGE_CHARS, PLAIN_SLASH
from bot.internal_auth import ACTION_SERVER_TOKEN, ACTION_TOKEN_HEADER, secret
from bot.texts import response_text
from tests.conftest import Customer, ServerStack, rasa_api
from tests.console.support import SocketCustomer
from tests.security.support import API_CALLS, VERIFIED_AS_WANG_QIANG, WANG_QIANG

pytestmark = pytest.mark.servers


def _listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP port listens on (/proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.mark.parametrize(("method", "path"), API_CALLS)
def test_rasas_api_is_not_on_the_public_port_even_with_the_token(
    bot_stack: ServerStack, method, path
):
    for params in ({}, {"token": bot_stack.api_token}):
        answer = requests.request(
            method, f"{bot_stack.rasa_url}{path}", params=params, json=[], timeout=30
        )
        assert answer.status_code == 404, (method, path, answer.text[:200])


@pytest.mark.parametrize(("method", "path"), API_CALLS)
def test_rasas_api_port_refuses_callers_without_the_token(bot_stack: ServerStack, method, path):
    for params in ({}, {"token": "guessed"}):
        answer = requests.request(
            method, f"{bot_stack.api_url}{path}", params=params, json=[], timeout=30
        )
        assert answer.status_code == 401, (method, path, answer.text[:200])


def test_the_console_s_way_in_still_works(bot_stack: ServerStack):
    assert rasa_api(bot_stack, "GET", "/status").json()["model_file"]
    assert rasa_api(bot_stack, "GET", "/conversations/nobody/tracker").status_code == 200


def test_slots_posted_by_a_stranger_do_not_open_a_policy(bot_stack: ServerStack):
    """Finding 1: two anonymous requests read 王强's policy."""
    sender = f"x1-{uuid.uuid4().hex[:8]}"
    for url in (bot_stack.rasa_url, bot_stack.api_url):
        answer = requests.post(
            f"{url}/conversations/{sender}/tracker/events",
            json=VERIFIED_AS_WANG_QIANG,
            timeout=30,
        )
        assert answer.status_code in (401, 404)
    customer = Customer(bot_stack)
    customer.sender = sender
    replies = customer.say("我的保单保什么")
    assert response_text("utter_ask_identity_key") in replies
    assert not any(WANG_QIANG in reply for reply in replies)


def test_a_page_of_another_origin_gets_no_cors_permission(bot_stack: ServerStack):
    evil = {"Origin": "http://evil.example"}
    preflight = requests.options(
        f"{bot_stack.rasa_url}/webhooks/rest/webhook",
        headers={**evil, "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    polling = requests.get(
        f"{bot_stack.rasa_url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers=evil,
        timeout=30,
    )
    for answer in (preflight, polling):
        assert answer.headers.get("Access-Control-Allow-Origin") in (None, ""), answer.headers


def test_the_servers_listen_on_loopback_only(bot_stack: ServerStack):
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    for port in (bot_stack.action_port, bot_stack.api_port, bot_stack.rasa_port):
        addresses = _listening_addresses(port)
        assert addresses and addresses <= loopback, (port, addresses)


def _action_call(action: str, slots: dict, sender: str | None = "x1") -> dict:
    tracker = {
        "slots": slots,
        "latest_message": {"text": "我的保单保什么", "intent": {"name": "ask_my_policy"}},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    if sender is not None:
        tracker["sender_id"] = sender
    return {"next_action": action, "tracker": tracker, "domain": {}, "version": "3.6.21"}


def test_the_action_server_runs_nothing_for_a_caller_without_the_secret(bot_stack: ServerStack):
    """Finding 2: a hand-made tracker read the policy; the form was a phone-tail oracle."""
    forged = _action_call("action_start_request", {"identity_verified": True, "customer_id": 3})
    oracle = _action_call(
        "validate_identity_form",
        {"identity_key": "京C24680", "phone_tail": "0003", "identity_attempts": 0},
    )
    for headers in ({}, {ACTION_TOKEN_HEADER: "guessed"}):
        for call in (forged, oracle):
            answer = requests.post(
                f"{bot_stack.action_url}/webhook", json=call, headers=headers, timeout=30
            )
            assert answer.status_code == 401
            assert WANG_QIANG not in answer.text and "0003" not in answer.text
    assert requests.get(f"{bot_stack.action_url}/actions", timeout=30).status_code == 401


def test_a_malformed_action_call_is_refused_without_echoing_it(bot_stack: ServerStack):
    secret_marker = "13800000003"
    headers = {ACTION_TOKEN_HEADER: secret(ACTION_SERVER_TOKEN)}
    without_sender = _action_call("action_start_request", {"note": secret_marker}, sender=None)
    for path, body in [
        ("/webhook", json.dumps(without_sender)),
        ("/webhook/", json.dumps(without_sender)),
        ("/webhook", "not json"),
        ("/webhook", json.dumps([1, 2])),
    ]:
        answer = requests.post(
            f"{bot_stack.action_url}{path}",
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=30,
        )
        assert answer.status_code == 400, answer.text
        assert secret_marker not in answer.text


def test_the_action_server_answers_a_wrong_method_without_a_server_error(bot_stack: ServerStack):
    answer = requests.post(f"{bot_stack.action_url}/health", timeout=30)
    assert answer.status_code == 405


def test_a_request_over_12_mb_is_refused_before_it_is_read(bot_stack: ServerStack):
    answer = requests.post(
        f"{bot_stack.rasa_url}/webhooks/rest/webhook",
        data=b"x" * (13 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 413


def _timed(send) -> tuple[float, object]:  # noqa: ANN001 - a callable
    start = time.monotonic()
    result = send()
    return time.monotonic() - start, result


@pytest.mark.parametrize(
    "long_text",
    ["车" * 200_000, "我的车在高速上被追尾了，" * 5_000, "交强险" + " " * 2_000_000 + "赔多少"],
    ids=["200k", "60k-zh", "padded-2M"],
)
def test_a_very_long_message_is_refused_at_once_and_delays_nobody(
    bot_stack: ServerStack, long_text
):
    """Finding 4: 17.8 s for a 200 kB message, and 17.1 s for another customer meanwhile."""
    attacker, other = Customer(bot_stack), Customer(bot_stack)
    other.say("你好")  # a conversation that has started
    timings: dict[str, float] = {}
    replies: dict[str, list[str]] = {}

    def attack() -> None:
        timings["long"], replies["long"] = _timed(lambda: attacker.say(long_text))

    thread = threading.Thread(target=attack)
    thread.start()
    time.sleep(0.05)
    timings["other"], replies["other"] = _timed(lambda: other.say("交强险赔多少"))
    thread.join(timeout=60)
    print(f"\nlong message ({len(long_text)} chars): {timings}")
    assert replies["long"] == [response_text("utter_message_too_long")]
    assert timings["long"] < 1.0
    assert replies["other"] and response_text("utter_message_too_long") not in replies["other"]
    assert timings["other"] < 3.0
    # Nothing of it was kept: the conversation has no such message.
    events = rasa_api(bot_stack, "GET", f"/conversations/{attacker.sender}/tracker").json()
    assert all(
        len(e.get("text") or "") <= MAX_MESSAGE_CHARS
        for e in events["events"]
        if e["event"] == "user"
    )


def test_a_long_message_in_the_widget_is_refused_too(bot_stack: ServerStack):
    customer = SocketCustomer(bot_stack.rasa_url)
    try:
        customer.say("车" * 100_000)
        assert customer.replies(timeout=5, quiet=1) == [response_text("utter_message_too_long")]
    finally:
        customer.close()


@pytest.mark.parametrize(
    "typed",
    ["/handoff_closed", " /handoff_closed", "／handoff_closed", '/inform{"customer_id": 3}'],
)
def test_a_customer_cannot_trigger_an_intent_by_typing_its_name(bot_stack: ServerStack, typed):
    """Finding 5: "/handoff_closed" from a customer ended a handoff and asked for a rating."""
    customer = Customer(bot_stack)
    replies = customer.say(typed)
    assert replies, "a polite answer"
    assert response_text("utter_handoff_closed") not in replies
    events = rasa_api(bot_stack, "GET", f"/conversations/{customer.sender}/tracker").json()
    [user] = [e for e in events["events"] if e["event"] == "user"]
    assert user["parse_data"]["intent"]["name"] != "handoff_closed"
    assert not user["parse_data"].get("entities")
    assert user["text"].startswith(PLAIN_SLASH)


def test_a_widget_customer_cannot_trigger_an_intent_either(bot_stack: ServerStack):
    customer = SocketCustomer(bot_stack.rasa_url)
    try:
        customer.say("/handoff_closed")
        assert response_text("utter_handoff_closed") not in customer.replies(timeout=60)
    finally:
        customer.close()


def test_a_lone_surrogate_does_not_break_the_conversation(bot_stack: ServerStack):
    """Finding 7: "\\ud800" made every later message of the conversation fail."""
    customer = Customer(bot_stack)
    # json.dumps writes the lone surrogate as the escape \ud800, as a client would.
    body = json.dumps({"sender": customer.sender, "message": "\ud800交强险赔多少"})
    answer = requests.post(
        customer.url, data=body, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert answer.status_code == 200
    first = [m.get("text") for m in answer.json()]
    assert first and response_text("utter_try_again") not in first
    later = customer.say("三者险是什么")
    assert later and response_text("utter_try_again") not in later


def test_a_verified_conversation_id_opens_nothing_on_another_channel(
    bot_stack: ServerStack, no_failed_attempts
):
    """A conversation id is chosen by the client (REST, socket.io) or is the openid
    (WeChat): whoever sends a verified id over another channel proves it again."""
    owner = Customer(bot_stack)
    owner.say("我的保单保什么")
    owner.say("京C24680")
    assert any(WANG_QIANG in reply for reply in owner.say("0003"))

    intruder = socketio.Client()
    replies: queue.Queue = queue.Queue()
    intruder.on("bot_uttered", replies.put)
    intruder.connect(bot_stack.rasa_url, socketio_path="/socket.io", wait_timeout=30)
    try:
        intruder.emit("session_request", {"session_id": owner.sender})
        intruder.emit("user_uttered", {"message": "我的保单保什么", "session_id": owner.sender})
        heard = [replies.get(timeout=60).get("text", "")]
        while True:
            try:
                heard.append(replies.get(timeout=2).get("text", ""))
            except queue.Empty:
                break
    finally:
        intruder.disconnect()
    assert response_text("utter_ask_identity_key") in heard
    assert not any(WANG_QIANG in text for text in heard)
    # The owner, back on REST, has to prove it again too (the verification was dropped).
    assert not any(WANG_QIANG in reply for reply in owner.say("我的保单保什么"))
