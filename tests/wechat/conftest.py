"""The WeChat channel's fixtures: a fake WeChat API, the real servers wired to it, and
WeChat users (tests/wechat/support.py) who talk to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.launcher import Stack, start_stack
from tests.conftest import claims_session, free_port, own_tracker_db, seeded_claims_db

from .fake_wechat import JPEG, FakeWeChat
from .support import APP_ID, APP_SECRET, BROKEN_PHOTO, FRONT_PHOTO, WeChatUser, wechat_env


@pytest.fixture(scope="session")
def fake_wechat() -> FakeWeChat:
    media = {FRONT_PHOTO: JPEG, BROKEN_PHOTO: JPEG[: len(JPEG) // 2] + b"<?php phpinfo(); ?>"}
    fake = FakeWeChat(APP_ID, APP_SECRET, media=media).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def wechat_db_url(tmp_path_factory) -> str:
    """A database of its own: these conversations file reports for the demo customers."""
    return seeded_claims_db(tmp_path_factory.mktemp("wechat-claims"))


@pytest.fixture(scope="session")
def wechat_stack(
    model_path: Path, wechat_db_url: str, fake_wechat: FakeWeChat, tmp_path_factory
) -> Stack:
    logs = tmp_path_factory.mktemp("wechat-server-logs")
    stack = start_stack(
        model_path,
        free_port(),
        free_port(),
        log_dir=logs,
        extra_env={
            "CLAIMS_DB_URL": wechat_db_url,
            "TRACKER_DB_URL": own_tracker_db(logs),
            **wechat_env(fake_wechat.base_url, tmp_path_factory.mktemp("wechat-photos")),
        },
    )
    stack.log_file = logs / f"rasa-{stack.rasa_port}.log"
    yield stack
    stack.stop()


@pytest.fixture
def claims(wechat_db_url: str):
    """A session on the WeChat tests' claims database, to check what the servers wrote."""
    with claims_session(wechat_db_url) as session:
        yield session


@pytest.fixture
def wechat_user(wechat_stack: Stack, fake_wechat: FakeWeChat) -> WeChatUser:
    return WeChatUser(wechat_stack, fake_wechat)


@pytest.fixture
def encrypted_wechat_user(wechat_stack: Stack, fake_wechat: FakeWeChat) -> WeChatUser:
    return WeChatUser(wechat_stack, fake_wechat, encrypted=True)
