"""A small, faithful fake of WeChat's API on loopback, for the channel's tests.

It answers the endpoints the channel uses the way api.weixin.qq.com does:

- GET  /cgi-bin/token?grant_type=client_credential&appid=&secret=
  → {"access_token", "expires_in"}; a wrong secret → errcode 40125
- GET  /cgi-bin/media/get?access_token=&media_id= → the image bytes
  (Content-Type image/jpeg); an unknown media id → errcode 40007
- POST /cgi-bin/media/upload?access_token=&type=image (multipart "media")
  → {"type", "media_id", "created_at"}
- POST /cgi-bin/message/custom/send?access_token= (JSON) → {"errcode": 0}

Every call with an access token checks it: unknown → 40001, expired → 42001,
as WeChat does. Tokens really expire after ``expires_in`` seconds.
"""

from __future__ import annotations

import cgi
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.images import jpeg

JPEG = jpeg()  # a real photo: the bot decodes what it downloads


@dataclass
class FakeWeChat:
    app_id: str
    secret: str
    expires_in: int = 7200
    media: dict[str, bytes] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # token → expiry (epoch)
    token_fetches: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)
    refused_tokens: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}/cgi-bin/"

    def start(self) -> FakeWeChat:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                fake._route(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake._route(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests look at -------------------------------------------

    def texts_to(self, openid: str) -> list[str]:
        with self.lock:
            return [
                m["text"]["content"]
                for m in self.sent
                if m["touser"] == openid and m["msgtype"] == "text"
            ]

    def wait_for_texts(self, openid: str, count: int, timeout: float = 60) -> list[str]:
        """The texts sent to `openid`, once there are at least `count` (the bot answers late)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.texts_to(openid)
            if len(texts) >= count:
                return texts
            time.sleep(0.2)
        raise AssertionError(f"{openid} got {self.texts_to(openid)}, expected {count} texts")

    def expire_all_tokens(self) -> None:
        """WeChat invalidates tokens early sometimes (e.g. the secret was reset)."""
        with self.lock:
            self.tokens = {token: 0.0 for token in self.tokens}

    # --- the API ------------------------------------------------------------

    def _route(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(handler.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        path = url.path.removeprefix("/cgi-bin/")
        if path == "token" and method == "GET":
            return self._json(handler, self._token(query))
        refusal = self._check_token(query.get("access_token"))
        if refusal:
            return self._json(handler, refusal)
        if path == "media/get" and method == "GET":
            data = self.media.get(query.get("media_id", ""))
            if data is None:
                return self._json(handler, {"errcode": 40007, "errmsg": "invalid media_id"})
            return self._send(handler, data, "image/jpeg")
        if path == "media/upload" and method == "POST":
            return self._json(handler, self._upload(handler))
        if path == "message/custom/send" and method == "POST":
            body = json.loads(self._body(handler).decode("utf-8"))
            with self.lock:
                self.sent.append(body)
            return self._json(handler, {"errcode": 0, "errmsg": "ok"})
        handler.send_error(404)

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("grant_type") != "client_credential" or query.get("appid") != self.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        token = uuid.uuid4().hex
        with self.lock:
            self.token_fetches += 1
            self.tokens[token] = time.time() + self.expires_in
        return {"access_token": token, "expires_in": self.expires_in}

    def _check_token(self, token: str | None) -> dict[str, Any] | None:
        with self.lock:
            expiry = self.tokens.get(token or "")
            if expiry is None or expiry < time.time():
                self.refused_tokens.append(token or "")
        if expiry is None:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        if expiry < time.time():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def _upload(self, handler: BaseHTTPRequestHandler) -> dict[str, Any]:
        form = cgi.FieldStorage(
            fp=handler.rfile, headers=handler.headers, environ={"REQUEST_METHOD": "POST"}
        )
        data = form["media"].file.read()
        media_id = f"uploaded-{uuid.uuid4().hex}"
        with self.lock:
            self.uploads.append(data)
            self.media[media_id] = data
        return {"type": "image", "media_id": media_id, "created_at": int(time.time())}

    @staticmethod
    def _body(handler: BaseHTTPRequestHandler) -> bytes:
        return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, payload: dict[str, Any]) -> None:
        FakeWeChat._send(
            handler,
            json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            "application/json; charset=utf-8",
        )

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, data: bytes, content_type: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
