"""The channel's WeChat API client and output channel against the fake WeChat API,
in this process: the access token's life, buttons, long texts and images."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from bot.channels.wechat import WeChatOutput
from bot.channels.wechat_api import WeChatApiClient, session_storage
from bot.texts import response_text

from .fake_wechat import JPEG, FakeWeChat
from .support import APP_ID, APP_SECRET

OPENID = "oTestUser0000000000000000001"


@pytest.fixture
def fake() -> FakeWeChat:
    fake = FakeWeChat(APP_ID, APP_SECRET).start()
    yield fake
    fake.stop()


def client_for(fake: FakeWeChat, storage=None) -> WeChatApiClient:
    return WeChatApiClient(APP_ID, APP_SECRET, fake.base_url, storage)


def test_the_access_token_is_fetched_once_and_reused(fake):
    client = client_for(fake)
    for n in range(3):
        client.message.send_text(OPENID, f"第{n}条")
    assert fake.token_fetches == 1
    assert len(fake.sent) == 3 and fake.refused_tokens == []


def test_a_token_about_to_expire_is_refreshed_once_before_wechat_refuses_it(fake):
    fake.expires_in = 62  # wechatpy renews when less than a minute is left: after 2 s
    client = client_for(fake)
    client.message.send_text(OPENID, "一")
    time.sleep(2.5)
    client.message.send_text(OPENID, "二")
    client.message.send_text(OPENID, "三")
    assert fake.token_fetches == 2
    assert fake.refused_tokens == []  # never used an expired token
    assert [m["text"]["content"] for m in fake.sent] == ["一", "二", "三"]


def test_a_token_wechat_has_expired_is_replaced_once_and_the_message_still_goes(fake):
    client = client_for(fake)
    client.message.send_text(OPENID, "一")
    fake.expire_all_tokens()
    client.message.send_text(OPENID, "二")
    assert fake.token_fetches == 2 and len(fake.refused_tokens) == 1
    assert [m["text"]["content"] for m in fake.sent] == ["一", "二"]


def test_concurrent_senders_share_one_token_fetch(fake):
    client = client_for(fake)
    senders = [
        threading.Thread(target=client.message.send_text, args=(OPENID, str(n))) for n in range(8)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert fake.token_fetches == 1 and len(fake.sent) == 8


class DictRedis:
    """Just enough of redis-py for wechatpy's RedisStorage: get, set with ex, delete."""

    def __init__(self):
        self.values: dict[str, tuple[bytes, float | None]] = {}

    def get(self, key):
        value, expires = self.values.get(key, (None, None))
        return None if expires is not None and expires < time.time() else value

    def set(self, key, value, ex=None):
        self.values[key] = (value.encode(), time.time() + ex if ex else None)

    def delete(self, key):
        self.values.pop(key, None)


def test_servers_sharing_redis_use_one_token_and_both_refresh_it_in_time(fake):
    fake.expires_in = 62
    shared = DictRedis()
    first = client_for(fake, RedisStorage(shared))
    second = client_for(fake, RedisStorage(shared))
    first.message.send_text(OPENID, "一")
    second.message.send_text(OPENID, "二")
    assert fake.token_fetches == 1  # the second server found the first one's token
    time.sleep(2.5)
    second.message.send_text(OPENID, "三")
    first.message.send_text(OPENID, "四")
    assert fake.token_fetches == 2 and fake.refused_tokens == []


def test_redis_is_used_for_the_token_only_when_configured():
    assert isinstance(session_storage(None), MemoryStorage)
    storage = session_storage("redis://127.0.0.1:6399/2")
    assert isinstance(storage, RedisStorage)
    assert storage.redis.connection_pool.connection_kwargs["db"] == 2


def test_buttons_become_numbered_options_in_one_message(fake):
    output = WeChatOutput(client_for(fake))
    buttons = [
        {"title": "只有我一辆车", "payload": "只有我一辆车"},
        {"title": "和另一辆车", "payload": "和另一辆车撞了"},
    ]
    asyncio.run(output.send_response(OPENID, {"text": "几辆车？", "buttons": buttons}))
    assert fake.texts_to(OPENID) == [
        "几辆车？\n1. 只有我一辆车\n2. 和另一辆车\n"
        + response_text("utter_wechat_choose_by_number")
    ]


def test_a_text_longer_than_wechat_takes_arrives_in_several_messages(fake):
    output = WeChatOutput(client_for(fake))
    long_text = "\n".join(["交强险的赔偿限额说明。" * 20] * 5)  # about 3 kB of UTF-8
    asyncio.run(output.send_text_message(OPENID, long_text))
    parts = fake.texts_to(OPENID)
    assert len(parts) >= 2
    assert all(len(part.encode("utf-8")) <= 2048 for part in parts)
    assert "\n".join(parts) == long_text


@pytest.fixture
def picture_url():
    class Picture(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(JPEG)))
            self.end_headers()
            self.wfile.write(JPEG)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Picture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/guide.jpg"
    server.shutdown()
    server.server_close()


def test_an_image_response_is_uploaded_as_media_and_sent_as_an_image(fake, picture_url):
    output = WeChatOutput(client_for(fake))
    asyncio.run(output.send_response(OPENID, {"image": picture_url}))
    assert fake.uploads == [JPEG]
    [sent] = fake.sent
    assert sent["msgtype"] == "image" and fake.media[sent["image"]["media_id"]] == JPEG


def test_a_refused_delivery_is_logged_not_raised(fake, caplog):
    output = WeChatOutput(WeChatApiClient(APP_ID, "wrong-secret", fake.base_url))
    asyncio.run(output.send_text_message(OPENID, "您好"))
    assert fake.sent == []
    assert "did not deliver" in caplog.text
