"""A real headless Chromium (Debian's /usr/bin/chromium) on the real servers.

The browser tests get their own servers and claims database: 张伟's report
from the widget must be his first claim of the period (that is what lets him
leave the scene), and the REST report tests need the same of theirs.
"""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.widget_page import running_texts
from tests.conftest import ServerStack, ServerStacks, claims_session

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


class InsurerSite:
    """An insurer's own page on another origin, embedding the widget. Its port is
    bound when the session starts: a port merely found free then could be taken
    by a server started later, before the page is served (seen in CI)."""

    def __init__(self) -> None:
        self.page = b""
        site = self

        class InsurerPage(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.page)))
                self.end_headers()
                self.wfile.write(site.page)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), InsurerPage)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def insurer() -> InsurerSite:
    site = InsurerSite()
    yield site
    site.close()


@pytest.fixture(scope="session")
def insurer_port(insurer: InsurerSite) -> int:
    """The port of an insurer's own page that embeds the widget (another origin)."""
    return insurer.port


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
