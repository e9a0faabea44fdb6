"""A real headless Chromium (Debian's /usr/bin/chromium) on the real servers.

The browser tests get their own servers and claims database: 张伟's report
from the widget must be his first claim of the period (that is what lets him
leave the scene), and the REST report tests need the same of theirs.
"""

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bot.launcher import Stack, start_stack
from tests.conftest import ROOT, claims_session, free_port, own_tracker_db, seeded_claims_db

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def widget_db_url(tmp_path_factory) -> str:
    return seeded_claims_db(tmp_path_factory.mktemp("widget-claims"))


@pytest.fixture(scope="module")
def insurer_port() -> int:
    """The port of an insurer's own page that embeds the widget (another origin)."""
    return free_port()


@pytest.fixture(scope="module")
def bot_stack(model_path: Path, widget_db_url: str, insurer_port: int, tmp_path_factory) -> Stack:
    """The servers of tests/conftest.py, on this module's own database; the insurer's
    page is the one other origin allowed to embed the widget (BOT_ALLOWED_ORIGINS)."""
    if not (ROOT / "widget" / "dist" / "chat-widget.js").is_file():
        subprocess.run(["scripts/build-widget.sh"], cwd=ROOT, check=True)
    logs = tmp_path_factory.mktemp("widget-server-logs")
    stack = start_stack(
        model_path,
        free_port(),
        free_port(),
        log_dir=logs,
        extra_env={
            "CLAIMS_DB_URL": widget_db_url,
            "TRACKER_DB_URL": own_tracker_db(logs),
            "BOT_ALLOWED_ORIGINS": f"http://localhost:{insurer_port}",
        },
    )
    yield stack
    stack.stop()


@pytest.fixture
def widget_db(widget_db_url: str):
    """A session on the browser tests' claims database, to check what the servers wrote."""
    with claims_session(widget_db_url) as session:
        yield session


@pytest.fixture(scope="module")
def browser() -> Browser:
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: run scripts/install-browser.sh"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Page:
    """A fresh browser profile (empty localStorage) per test."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
