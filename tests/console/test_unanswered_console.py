"""The console's unanswered questions (bot/console/unanswered.py) against a real console
on a database of its own: grouped list, CSV for Excel, nothing without a session."""

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import requests

from bot.dialogue.unanswered import LOW_CONFIDENCE, UNANSWERED, Guess
from bot.launcher import ROOT
from bot.settings import load_settings
from tests.conftest import ServerStack
from tests.unanswered_support import console_with_questions

from .support import AGENT_PASSWORDS, ConsoleAgent

pytestmark = pytest.mark.servers

NOW = datetime.now(timezone.utc).replace(microsecond=0)
THEFT = Guess("faq", 0.98, "faq/chesun_theft", 0.1)
MARKUP = '<img src=x onerror="window.__xss=1">保单能抵押吗'

# (text, kind, guess, minutes ago); "保单还能用吗" is asked three times in two wordings.
ASKED = [
    ("车卖了以后保单还能用吗", LOW_CONFIDENCE, THEFT, 300),
    ("车子卖了以后保单还能用吗", LOW_CONFIDENCE, THEFT, 120),
    ("车子卖了以后保单还能用吗？", UNANSWERED, Guess("inform", 0.3, fell_back=True), 5),
    ("我的手机13812345678打不通怎么办", LOW_CONFIDENCE, Guess("provide_identity", 0.6), 60),
    (MARKUP, LOW_CONFIDENCE, Guess("faq", 0.6, "faq/aftersales_changes", 0.1), 30),
    ("=1+1 算多少", UNANSWERED, Guess("inform", 0.2, fell_back=True), 10),
    ("半年前问过的老问题", UNANSWERED, Guess("faq", 0.2), 60 * 24 * 200),
]


def shown(minutes_ago: int) -> str:
    """A moment as the console shows it: in the bot's time zone (BOT_TIMEZONE)."""
    moment = (NOW - timedelta(minutes=minutes_ago)).astimezone(load_settings().timezone)
    return moment.strftime("%Y-%m-%d %H:%M")


@pytest.fixture(scope="module")
def console(server_stacks) -> ServerStack:
    stack = console_with_questions(server_stacks, ASKED, NOW)
    yield stack
    stack.stop()


@pytest.fixture
def agent(console) -> ConsoleAgent:
    agent = ConsoleAgent(console.console_url)
    assert agent.login("agent01", AGENT_PASSWORDS["AGENT01_PASSWORD"]).status_code == 200
    return agent


def test_the_list_groups_similar_wordings_newest_first_with_counts_dates_and_guesses(agent):
    answer = agent.get("/api/unanswered")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["days"], body["total"]) == (90, 6)  # the 200-day-old one is out of range
    groups = body["groups"]
    assert [(g["text"], g["count"]) for g in groups] == [
        ("车子卖了以后保单还能用吗？", 3),  # the newest wording stands for the group
        ("=1+1 算多少", 1),
        (MARKUP, 1),
        ("我的手机138********打不通怎么办", 1),  # stored masked
    ]
    transfer = groups[0]
    assert (transfer["unanswered"], transfer["low_confidence"]) == (1, 2)
    assert transfer["wordings"] == ["车子卖了以后保单还能用吗", "车卖了以后保单还能用吗"]
    assert (transfer["first_at"], transfer["last_at"]) == (shown(300), shown(5))
    [theft, inform] = transfer["guesses"]
    assert (theft["guess"], theft["count"], theft["confidence"]) == ("faq/chesun_theft", 2, 0.1)
    assert theft["answer"]  # the beginning of the answer the bot gave
    assert (inform["guess"], inform["count"]) == ("inform", 1)


def test_a_longer_period_shows_older_questions(agent):
    groups = agent.get("/api/unanswered?days=365").json()["groups"]
    assert groups[-1]["text"] == "半年前问过的老问题"
    assert agent.get("/api/unanswered?days=0").status_code == 400
    assert agent.get("/api/unanswered?days=abc").status_code == 400


def test_the_csv_opens_in_excel_utf8_with_bom_and_no_formulas(agent):
    answer = agent.get("/api/unanswered.csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="unanswered-')
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["问题", "次数", "未能回答", "低置信度回答"]
    assert [row[:4] for row in rows[1:]] == [
        ["车子卖了以后保单还能用吗？", "3", "1", "2"],
        ["'=1+1 算多少", "1", "1", "0"],  # a cell starting with = is not a formula
        [MARKUP, "1", "0", "1"],
        ["我的手机138********打不通怎么办", "1", "0", "1"],
    ]
    assert "faq/chesun_theft（2 次，置信度 0.10）" in rows[1][6]
    assert rows[1][7] == "车子卖了以后保单还能用吗 | 车卖了以后保单还能用吗"


def test_nothing_without_a_session(console):
    url = console.console_url
    assert requests.get(f"{url}/api/unanswered", timeout=30).status_code == 401
    assert requests.get(f"{url}/api/unanswered.csv", timeout=30).status_code == 401
    page = requests.get(f"{url}/unanswered", timeout=30, allow_redirects=False)
    assert page.status_code in (301, 302, 303, 307) and page.headers["Location"] == "/login"


def test_the_page_inserts_customer_text_as_text_only():
    static = ROOT / "bot" / "console" / "static"
    script = (static / "unanswered.js").read_text(encoding="utf-8")
    assert "/api/unanswered" in script and "textContent" in script
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
