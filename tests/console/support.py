"""Helpers of the live handoff tests: an agent on the console's API, a customer on socket.io."""

from __future__ import annotations

import queue
import time
import uuid

import requests
import socketio

AGENT_PASSWORDS = {"AGENT01_PASSWORD": "test-agent01-pw", "AGENT02_PASSWORD": "test-agent02-pw"}


class ConsoleAgent:
    """An agent's browser, reduced to its HTTP calls (cookie jar + CSRF header)."""

    def __init__(self, console_url: str):
        self.url = console_url
        self.http = requests.Session()
        self.csrf: str | None = None

    def login(self, username: str, password: str) -> requests.Response:
        answer = self.http.post(
            f"{self.url}/api/login", json={"username": username, "password": password}, timeout=30
        )
        if answer.ok:
            self.csrf = answer.json()["csrf_token"]
        return answer

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.url}{path}", timeout=30, allow_redirects=False)

    def post(
        self, path: str, json: dict | None = None, csrf: str | None = "session"
    ) -> requests.Response:
        headers = {} if csrf is None else {"X-CSRF-Token": self.csrf if csrf == "session" else csrf}
        return self.http.post(f"{self.url}{path}", json=json or {}, headers=headers, timeout=60)


class SocketCustomer:
    """A customer in the website widget: Rasa's socket.io channel with a session id
    (a new one, or the one a widget kept in localStorage to come back to its chat)."""

    def __init__(self, rasa_url: str, session_id: str | None = None):
        self.session_id = session_id or uuid.uuid4().hex
        self.inbox: queue.Queue[dict] = queue.Queue()
        confirmed: queue.Queue[str] = queue.Queue()
        self.sio = socketio.Client()
        self.sio.on("bot_uttered", self.inbox.put)
        self.sio.on("session_confirm", confirmed.put)
        self.sio.connect(rasa_url, socketio_path="/socket.io", wait_timeout=30)
        self.sio.emit("session_request", {"session_id": self.session_id})
        assert confirmed.get(timeout=30) == self.session_id

    def say(self, text: str) -> None:
        self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})

    def replies(self, timeout: float = 60, quiet: float = 2.0) -> list[str]:
        """Texts that arrive: waits up to `timeout` for the first, then until `quiet` s pass."""
        texts = [self.inbox.get(timeout=timeout).get("text", "")]
        while True:
            try:
                texts.append(self.inbox.get(timeout=quiet).get("text", ""))
            except queue.Empty:
                return texts

    def silent_for(self, seconds: float) -> list[str]:
        """What arrives within `seconds` (expected: nothing)."""
        deadline, texts = time.monotonic() + seconds, []
        while (left := deadline - time.monotonic()) > 0:
            try:
                texts.append(self.inbox.get(timeout=left).get("text", ""))
            except queue.Empty:
                break
        return texts

    def close(self) -> None:
        self.sio.disconnect()
