"""The cluster's doors: nginx's public port passes only what customers need, Rasa's
API and the action servers answer only with their secrets (issue "Lock the doors")."""

import queue
import uuid

import pytest
import requests
import socketio

from bot.internal_auth import ACTION_SERVER_TOKEN, ACTION_TOKEN_HEADER, RASA_API_TOKEN, secret
from tests.security.support import API_CALLS, VERIFIED_AS_WANG_QIANG

pytestmark = pytest.mark.cluster


def test_the_public_port_answers_only_the_customers_paths(running_cluster):
    token = {"token": secret(RASA_API_TOKEN)}
    for method, path in API_CALLS:
        for params in ({}, token):
            answer = requests.request(
                method, f"{running_cluster.url}{path}", params=params, json=[], timeout=30
            )
            assert answer.status_code == 404, (method, path, answer.text[:200])
    for pair in (0, 1):  # behind nginx too: each Rasa server's public port
        answer = requests.post(
            f"{running_cluster.rasa_url(pair)}/conversations/x1/tracker/events",
            json=VERIFIED_AS_WANG_QIANG,
            params=token,
            timeout=30,
        )
        assert answer.status_code == 404
    widget = requests.get(f"{running_cluster.url}/widget/chat-widget.js", timeout=30)
    assert widget.status_code == 200
    chat = requests.post(
        f"{running_cluster.url}/webhooks/rest/webhook",
        json={"sender": "doors-1", "message": "交强险赔多少"},
        timeout=60,
    )
    assert chat.status_code == 200 and chat.json()


def test_rasas_api_answers_only_with_the_token_on_the_internal_port(running_cluster):
    for url in (running_cluster.api_url(), running_cluster.api_url(0), running_cluster.api_url(1)):
        assert requests.get(f"{url}/status", timeout=30).status_code == 401
        with_token = requests.get(f"{url}/status", params={"token": secret(RASA_API_TOKEN)})
        assert with_token.status_code == 200 and with_token.json()["model_file"]


def test_the_action_servers_answer_only_the_rasa_servers(running_cluster):
    ports = running_cluster.ports
    for port in (ports.actions, *ports.action_servers):  # nginx, then each server itself
        url = f"http://127.0.0.1:{port}"
        assert requests.post(f"{url}/webhook", json={}, timeout=30).status_code == 401
        malformed = requests.post(
            f"{url}/webhook",
            json={"next_action": "action_start_request"},
            headers={ACTION_TOKEN_HEADER: secret(ACTION_SERVER_TOKEN)},
            timeout=30,
        )
        assert malformed.status_code == 400


def test_a_widget_customer_cannot_choose_the_address_the_identity_limits_count(running_cluster):
    """Through nginx's socket.io location the client's own X-Forwarded-For is extended,
    never passed on as it came: the bot sees the address nginx saw."""
    sio = socketio.Client()
    session_id = uuid.uuid4().hex
    replies: queue.Queue = queue.Queue()
    sio.on("bot_uttered", replies.put)
    sio.connect(
        running_cluster.url,
        socketio_path="/socket.io",
        headers={"X-Forwarded-For": "203.0.113.7"},
        transports=["polling"],
        wait_timeout=30,
    )
    try:
        sio.emit("session_request", {"session_id": session_id})
        sio.emit("user_uttered", {"message": "你好", "session_id": session_id})
        replies.get(timeout=60)
    finally:
        sio.disconnect()
    tracker = requests.get(
        f"{running_cluster.api_url()}/conversations/{session_id}/tracker",
        params={"token": secret(RASA_API_TOKEN)},
        timeout=30,
    ).json()
    [user] = [e for e in tracker["events"] if e["event"] == "user"]
    assert user["metadata"]["client"] == "127.0.0.1"
