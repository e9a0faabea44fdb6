"""The WeChat API client the channel uses: wechatpy's, pointed at a configurable base URL.

The access token is cached in wechatpy's session storage and fetched again
shortly before it expires (wechatpy refreshes when less than a minute is
left, and once more if WeChat reports a token as invalid). With REDIS_URL
set, every server shares one token through Redis — fetching a new token makes
WeChat retire the old one after a while, so servers must not each fetch their
own; otherwise the token lives in this process's memory.
"""

from __future__ import annotations

import threading
from typing import Any

import redis
from wechatpy import WeChatClient
from wechatpy.session import SessionStorage
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

REQUEST_TIMEOUT = 10  # seconds for one API call


def session_storage(redis_url: str | None) -> SessionStorage:
    """Redis when configured (shared by all servers), memory otherwise."""
    if redis_url:
        return RedisStorage(redis.Redis.from_url(redis_url), prefix="wechatpy")
    return MemoryStorage()


class WeChatApiClient(WeChatClient):
    """wechatpy's client with a configurable API base URL and a token expiry all servers see.

    wechatpy keeps the token's expiry on the client object; it is stored next
    to the token here, so a server that finds a token another server fetched
    also refreshes it in time. A lock makes concurrent senders fetch once.
    """

    def __init__(
        self, app_id: str, secret: str, api_base_url: str, storage: SessionStorage | None = None
    ):
        super().__init__(
            app_id, secret, session=storage or MemoryStorage(), timeout=REQUEST_TIMEOUT
        )
        self.API_BASE_URL = api_base_url.rstrip("/") + "/"
        self._token_lock = threading.Lock()

    @property
    def _expiry_key(self) -> str:
        return f"{self.access_token_key}_expires_at"

    def fetch_access_token(self) -> dict[str, Any]:
        result = self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )
        self.session.set(self._expiry_key, self.expires_at, result.get("expires_in", 7200))
        return result

    @property
    def access_token(self) -> str:
        with self._token_lock:
            self.expires_at = self.session.get(self._expiry_key) or self.expires_at
            return super().access_token
