"""A real headless Chromium (Debian's /usr/bin/chromium) on the real servers.

The browser tests get their own servers and claims database: 张伟's report
from the widget must be his first claim of the period (that is what lets him
leave the scene), and the REST report tests need the same of theirs.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.widget_page import running_texts
from tests.conftest import ServerStack, ServerStacks, claims_session, free_port

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


@pytest.fixture(scope="session")
def insurer_port() -> int:
    """The port of an insurer's own page that embeds the widget (another origin)."""
    return free_port()


@pytest.fixture(scope="session")
def bot_stack(server_stacks: ServerStacks, insurer_port: int) -> ServerStack:
    """The servers serving the widget, and the agent console (agents take chats all
    day), on a claims database of their own; the insurer's page is the one other
    origin allowed to embed the widget (BOT_ALLOWED_ORIGINS)."""
    return server_stacks(
        {
            "BOT_ALLOWED_ORIGINS": f"http://localhost:{insurer_port}",
            "HANDOFF_OFFICE_HOURS": "00:00-24:00",
        },
        console=True,
        widget=True,
    )


@pytest.fixture(scope="session")
def texts(bot_stack: ServerStack) -> dict[str, list[str]]:
    """The bot's texts as the running servers send them."""
    return running_texts(bot_stack)


@pytest.fixture
def widget_db(bot_stack: ServerStack):
    """A session on the browser tests' claims database, to check what the servers wrote."""
    with claims_session(bot_stack.claims_db_url) as session:
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
