"""Console login against a real console: throttling per user name and per client address,
the same time for unknown and known names, Secure cookies over HTTPS, a log line for each.

The console here has its own database, so the locks these tests cause touch no other
test. Each test logs in as its own agents, from its own loopback addresses (127.0.1.x:
Linux answers the whole 127/8 on lo), so the per-address limit of one test leaves the
others alone.
"""

import itertools
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import bcrypt
import pytest
from requests.adapters import HTTPAdapter

from bot.db import passwords
from bot.db.models import Agent
from bot.db.passwords import DUMMY_HASH, ROUNDS, hash_password, login_password_matches
from tests.conftest import ServerStack, ServerStacks, claims_session

from .support import ConsoleAgent

THROTTLED = "登录失败次数过多"
_addresses = (f"127.0.1.{n}" for n in itertools.count(1))


class FromAddress(HTTPAdapter):
    """Connections from a chosen local address: another client, as the console sees it."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client(console: ServerStack) -> ConsoleAgent:
    """A browser on a loopback address no other test uses."""
    agent = ConsoleAgent(console.console_url)
    agent.address = next(_addresses)
    agent.http.mount("http://", FromAddress(agent.address))
    return agent


@pytest.fixture(scope="module")
def console(server_stacks: ServerStacks) -> ServerStack:
    """The agent console alone (no Rasa), on a seeded database of its own."""
    return server_stacks(console=True, services=())


@pytest.fixture(scope="module")
def secure_console(server_stacks: ServerStacks, console: ServerStack) -> ServerStack:
    """A console configured for Secure cookies, on the same database."""
    return server_stacks(
        {"CLAIMS_DB_URL": console.claims_db_url, "CONSOLE_SECURE_COOKIES": "1"},
        console=True,
        services=(),
    )


@pytest.fixture
def new_agent(console: ServerStack):
    """Adds an agent with a real (cost 12) bcrypt hash; returns (user name, password)."""

    def add() -> tuple[str, str]:
        username, password = f"a{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
        with claims_session(console.claims_db_url) as session:
            session.add(
                Agent(username=username, password_hash=hash_password(password), display_name="客服")
            )
            session.commit()
        return username, password

    return add


# --- throttling -----------------------------------------------------------------


@pytest.mark.servers
def test_a_password_longer_than_bcrypt_reads_is_just_wrong(console, new_agent):
    username, _ = new_agent()
    answer = client(console).login(username, "密" * 100)  # 300 bytes
    assert answer.status_code == 401


@pytest.mark.servers
def test_six_wrong_passwords_lock_the_name_even_for_the_right_password(console, new_agent):
    username, password = new_agent()
    browser = client(console)
    answers = [browser.login(username, f"wrong-{n}").status_code for n in range(6)]
    assert answers == [401] * 5 + [429]
    right = browser.login(username, password)
    assert right.status_code == 429 and THROTTLED in right.json()["error"]
    assert int(right.headers["Retry-After"]) == 15 * 60
    assert "console_session" not in browser.http.cookies


@pytest.mark.servers
def test_a_locked_name_stays_locked_from_another_address_and_other_names_still_log_in(
    console, new_agent
):
    locked, _ = new_agent()
    other, other_password = new_agent()
    for n in range(5):
        client(console).login(locked, f"wrong-{n}")  # five addresses, one name
    assert client(console).login(locked, "wrong-again").status_code == 429
    assert client(console).login(other, other_password).status_code == 200


@pytest.mark.servers
def test_five_failures_from_one_address_lock_it_for_every_name(console, new_agent):
    username, password = new_agent()
    browser = client(console)
    for n in range(5):  # guessing names: each name fails once only
        assert browser.login(f"nobody-{n}", "guess").status_code == 401
    assert browser.login(username, password).status_code == 429
    assert client(console).login(username, password).status_code == 200


@pytest.mark.servers
def test_parallel_guesses_get_no_more_than_five_tries(console, new_agent):
    username, password = new_agent()
    browsers = [client(console) for _ in range(12)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(lambda b: b.login(username, "wrong").status_code, browsers))
    assert codes.count(401) <= 5 and set(codes) <= {401, 429}
    # Whatever the interleaving, the name is locked afterwards, once the limit is reached.
    for _ in range(5):
        if client(console).login(username, "wrong").status_code == 429:
            break
    assert client(console).login(username, password).status_code == 429


# --- timing -----------------------------------------------------------------------


def test_an_unknown_user_name_is_checked_against_a_dummy_hash(monkeypatch):
    checked = []
    real = bcrypt.checkpw
    monkeypatch.setattr(passwords.bcrypt, "checkpw", lambda pw, h: checked.append(h) or real(pw, h))
    assert not login_password_matches("any", None)
    assert checked == [DUMMY_HASH.encode("ascii")]


def test_the_dummy_hash_costs_what_a_real_hash_costs():
    assert DUMMY_HASH.startswith(f"$2b${ROUNDS:02d}$")
    assert hash_password("x").startswith(f"$2b${ROUNDS:02d}$")


@pytest.mark.servers
def test_unknown_and_known_user_names_take_about_as_long(console, new_agent):
    username, _ = new_agent()
    known_browser, unknown_browser = client(console), client(console)

    def timed(browser: ConsoleAgent, name: str) -> float:
        started = time.perf_counter()
        assert browser.login(name, "wrong").status_code == 401
        return time.perf_counter() - started

    known, unknown = [], []
    for n in range(3):  # three failures per name and address: below every limit
        known.append(timed(known_browser, username))
        unknown.append(timed(unknown_browser, f"nobody-{uuid.uuid4().hex[:6]}-{n}"))
    started = time.perf_counter()
    bcrypt.checkpw(b"wrong", DUMMY_HASH.encode())
    one_bcrypt = time.perf_counter() - started
    assert statistics.median(unknown) >= 0.5 * statistics.median(known), (unknown, known)
    assert statistics.median(unknown) >= 0.5 * one_bcrypt, (unknown, one_bcrypt)


# --- cookies ----------------------------------------------------------------------


def _cookie_header(browser: ConsoleAgent, username: str, password: str, **headers) -> str:
    answer = browser.http.post(
        f"{browser.url}/api/login",
        json={"username": username, "password": password},
        headers=headers,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.headers["Set-Cookie"]


@pytest.mark.servers
def test_the_session_cookie_is_not_secure_over_plain_http(console, new_agent):
    cookie = _cookie_header(client(console), *new_agent())
    assert "HttpOnly" in cookie and "Secure" not in cookie


@pytest.mark.servers
def test_the_session_cookie_is_secure_behind_an_https_proxy(console, new_agent):
    cookie = _cookie_header(client(console), *new_agent(), **{"X-Forwarded-Proto": "https"})
    assert "Secure" in cookie


@pytest.mark.servers
def test_the_session_cookie_is_secure_when_the_configuration_says_so(secure_console, new_agent):
    assert "Secure" in _cookie_header(client(secure_console), *new_agent())


# --- the log ----------------------------------------------------------------------


@pytest.mark.servers
def test_every_login_failure_and_logout_is_logged_without_the_password(console, new_agent):
    username, password = new_agent()
    browser = client(console)
    assert browser.login(username, "not-my-password-1").status_code == 401
    assert browser.login(username, password).status_code == 200
    assert browser.post("/api/logout").status_code == 200
    time.sleep(0.5)
    lines = [line for line in console.log("console").read_text().splitlines() if username in line]
    assert len(lines) == 3, lines
    failed, login, logout = lines
    assert "WARNING" in failed and "failed" in failed
    assert "console login:" in login and "console logout:" in logout
    assert all(browser.address in line for line in lines)
    log = console.log("console").read_text()
    assert password not in log and "not-my-password-1" not in log
