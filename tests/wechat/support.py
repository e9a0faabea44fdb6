"""A WeChat user for the tests: posts signed (optionally encrypted) XML as WeChat's
servers do, and reads the bot's answers from the fake API's customer-service log."""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Any

import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.conftest import ServerStack, rasa_api

from .fake_wechat import FakeWeChat

APP_ID = "wx5f2c8d1e9a7b3c60"
APP_SECRET = "fake-app-secret-for-tests"
TOKEN = "fake-callback-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues
ACCOUNT = "gh_0123456789ab"  # the 公众号's own id (ToUserName)
FRONT_PHOTO = "media-front-photo"
BROKEN_PHOTO = "media-broken-photo"  # half a JPEG with PHP behind it: does not decode
_message_ids = itertools.count(int(time.time()) * 1000)


def wechat_env(api_base_url: str) -> dict[str, str]:
    """The environment of a Rasa server whose WeChat channel talks to the fake API."""
    return {
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": APP_SECRET,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_AES_KEY": AES_KEY,
        "WECHAT_API_BASE_URL": api_base_url,
        "REDIS_URL": "",  # the access token cached in the process, not in a Redis
    }


def signature_params(timestamp: str, nonce: str, token: str = TOKEN) -> dict[str, str]:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce}


class WeChatUser:
    """A follower of the 公众号 whose messages WeChat's servers POST to the bot."""

    def __init__(self, stack: ServerStack, fake: FakeWeChat, encrypted: bool = False):
        self.stack = stack
        self.fake = fake
        self.encrypted = encrypted
        self.openid = f"o{uuid.uuid4().hex[:27]}"
        self.url = f"{stack.rasa_url}/webhooks/wechat/webhook"

    # --- building what WeChat sends ------------------------------------------

    def xml(self, msg_type: str, **fields: Any) -> dict[str, Any]:
        message = {
            "ToUserName": ACCOUNT,
            "FromUserName": self.openid,
            "CreateTime": str(int(time.time())),
            "MsgType": msg_type,
            **fields,
        }
        if msg_type != "event":
            message.setdefault("MsgId", str(next(_message_ids)))
        return message

    def post(
        self, message: dict[str, Any], token: str = TOKEN, signed_at: float | None = None
    ) -> requests.Response:
        return self.deliver(*self.signed(message, token, signed_at))

    def deliver(self, params: dict[str, str], body: str) -> requests.Response:
        """POST a signed request as it is: WeChat's delivery, or someone replaying it."""
        return requests.post(self.url, params=params, data=body.encode("utf-8"), timeout=10)

    def signed(
        self, message: dict[str, Any], token: str = TOKEN, signed_at: float | None = None
    ) -> tuple[dict[str, str], str]:
        """The query and body WeChat sends for `message`, signed at `signed_at` (now)."""
        plain = xmltodict.unparse({"xml": message}, full_document=False)
        timestamp = str(int(time.time() if signed_at is None else signed_at))
        nonce = uuid.uuid4().hex[:10]
        params = signature_params(timestamp, nonce, token)
        body = plain
        if self.encrypted:
            sealed = xmltodict.parse(
                WeChatCrypto(token, AES_KEY, APP_ID).encrypt_message(plain, nonce, timestamp)
            )["xml"]
            body = xmltodict.unparse(
                {"xml": {"ToUserName": ACCOUNT, "Encrypt": sealed["Encrypt"]}}, full_document=False
            )
            params.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
        return params, body

    # --- a turn of the conversation ------------------------------------------

    def send(self, message: dict[str, Any], turn_id: str | None = None) -> list[str]:
        """Post a message and return what the bot sent back through the API.

        The turn is over when the tracker shows the message handled (it is
        saved after the replies went out); every bot utterance of the turn is
        one customer-service text.
        """
        before = len(self.fake.texts_to(self.openid))
        response = self.post(message)
        assert response.status_code == 200 and response.text == "success", response.text
        turn_id = turn_id or f"msg:{message['MsgId']}"
        replies = self.bot_replies_in_turn(turn_id)
        return self.fake.wait_for_texts(self.openid, before + replies)[before:]

    def bot_replies_in_turn(self, turn_id: str, timeout: float = 90) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.tracker()["events"]
            users = [
                i
                for i, e in enumerate(events)
                if e["event"] == "user" and e.get("message_id") == turn_id
            ]
            if (
                users
                and events[-1]["event"] == "action"
                and events[-1]["name"] == "action_listen"
                and len(events) - 1 > users[-1]
            ):
                return sum(1 for e in events[users[-1] :] if e["event"] == "bot" and e.get("text"))
            time.sleep(0.3)
        raise AssertionError(f"turn {turn_id} did not finish: {self.tracker()['events'][-5:]}")

    def tracker(self) -> dict[str, Any]:
        return rasa_api(self.stack, "GET", f"/conversations/{self.openid}/tracker").json()

    def say(self, text: str) -> list[str]:
        return self.send(self.xml("text", Content=text))

    def channel_reply(self, message: dict[str, Any]) -> str:
        """A message the channel answers by itself (the bot hears nothing): one text."""
        before = len(self.fake.texts_to(self.openid))
        response = self.post(message)
        assert response.status_code == 200 and response.text == "success", response.text
        return self.fake.wait_for_texts(self.openid, before + 1)[before]
