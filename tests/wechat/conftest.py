"""The WeChat channel's fixtures: a fake WeChat API, the real servers wired to it, and
WeChat users (tests/wechat/support.py) who talk to them."""

from __future__ import annotations

import pytest

from tests.conftest import ServerStack, ServerStacks, claims_session

from .fake_wechat import JPEG, FakeWeChat
from .support import APP_ID, APP_SECRET, BROKEN_PHOTO, FRONT_PHOTO, WeChatUser, wechat_env


@pytest.fixture(scope="session")
def fake_wechat() -> FakeWeChat:
    media = {FRONT_PHOTO: JPEG, BROKEN_PHOTO: JPEG[: len(JPEG) // 2] + b"<?php phpinfo(); ?>"}
    fake = FakeWeChat(APP_ID, APP_SECRET, media=media).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def wechat_stack(server_stacks: ServerStacks, fake_wechat: FakeWeChat) -> ServerStack:
    """The servers with the WeChat channel on the fake API, and the agent console, on a
    claims database of their own: these conversations file reports for the demo
    customers, and one hands off to an agent (who takes chats all day)."""
    return server_stacks(
        {**wechat_env(fake_wechat.base_url), "HANDOFF_OFFICE_HOURS": "00:00-24:00"},
        console=True,
    )


@pytest.fixture
def claims(wechat_stack: ServerStack):
    """A session on the WeChat tests' claims database, to check what the servers wrote."""
    with claims_session(wechat_stack.claims_db_url) as session:
        yield session


@pytest.fixture
def wechat_user(wechat_stack: ServerStack, fake_wechat: FakeWeChat) -> WeChatUser:
    return WeChatUser(wechat_stack, fake_wechat)


@pytest.fixture
def encrypted_wechat_user(wechat_stack: ServerStack, fake_wechat: FakeWeChat) -> WeChatUser:
    return WeChatUser(wechat_stack, fake_wechat, encrypted=True)
