"""The unanswered-questions page in a real headless Chromium: an agent logs in and sees
the questions customers asked grouped, with counts; a customer's markup stays text.

Only the console runs (no Rasa server): the questions are stored the way the action
server stores them (tests/unanswered_support.py), on a database of this module's own.
"""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.dialogue.unanswered import LOW_CONFIDENCE, UNANSWERED, Guess
from tests.conftest import AGENT_PASSWORDS, ServerStack
from tests.unanswered_support import console_with_questions

pytestmark = pytest.mark.servers

WAIT_MS = 30_000
NOW = datetime.now(timezone.utc)
THEFT = Guess("faq", 0.98, "faq/chesun_theft", 0.1)
MARKUP = '<img src=x onerror="window.__xss=1">车险保单能抵押贷款吗'

# (text, kind, guess, minutes ago)
ASKED = [
    ("车卖了以后保单还能用吗", LOW_CONFIDENCE, THEFT, 90),
    ("车子卖了以后保单还能用吗", LOW_CONFIDENCE, THEFT, 60),
    ("车子卖了以后，保单还能用吗？", UNANSWERED, Guess("inform", 0.3, fell_back=True), 2),
    ("外地车能在本地续保吗", LOW_CONFIDENCE, Guess("faq", 0.9, "faq/ncd_premium", 0.12), 20),
    ("外地车能在本地续保吗?", LOW_CONFIDENCE, Guess("faq", 0.9, "faq/ncd_premium", 0.14), 10),
    ("我叫张伟，手机13812345678，电话打不通", LOW_CONFIDENCE, Guess("provide_identity", 0.6), 5),
    (MARKUP, LOW_CONFIDENCE, Guess("faq", 0.6, "faq/aftersales_changes", 0.1), 30),
    ("很久以前的问题", UNANSWERED, Guess("faq", 0.2), 60 * 24 * 100),
]


@pytest.fixture(scope="module")
def console(server_stacks) -> ServerStack:
    stack = console_with_questions(server_stacks, ASKED, NOW)
    yield stack
    stack.stop()


@pytest.fixture
def agent(browser: Browser) -> Page:
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def open_page(agent: Page, console: ServerStack) -> None:
    agent.goto(f"{console.console_url}/unanswered")
    expect(agent).to_have_url(f"{console.console_url}/login")  # no session, no list
    agent.locator("input[name=username]").fill("agent01")
    agent.locator("input[name=password]").fill(AGENT_PASSWORDS["AGENT01_PASSWORD"])
    agent.get_by_role("button", name="登录").click()
    expect(agent).to_have_url(f"{console.console_url}/")
    agent.get_by_role("link", name="未能回答的问题").click()
    expect(agent).to_have_url(f"{console.console_url}/unanswered")


def rows(agent: Page):
    return agent.locator("#questions tbody tr")


def test_the_page_shows_the_questions_grouped_with_counts_newest_first(agent, console):
    open_page(agent, console)
    expect(rows(agent)).to_have_count(4, timeout=WAIT_MS)
    questions = [rows(agent).nth(n).locator(".question .text").inner_text() for n in range(4)]
    counts = [rows(agent).nth(n).locator("td.count").inner_text() for n in range(4)]
    assert list(zip(questions, counts, strict=True)) == [
        ("车子卖了以后，保单还能用吗？", "3"),
        ("我叫**，手机138********，电话打不通", "1"),  # masked before it was stored
        ("外地车能在本地续保吗?", "2"),
        (MARKUP, "1"),
    ]
    transfer = rows(agent).nth(0)
    expect(transfer).to_contain_text("未能回答 1")
    expect(transfer).to_contain_text("把握不大 2")
    expect(transfer).to_contain_text("faq/chesun_theft（2 次，置信度 0.10）")
    expect(transfer).to_contain_text("车卖了以后保单还能用吗")  # another wording of it
    expect(agent.locator("#summary")).to_have_text("共 7 条，4 组")
    assert agent.locator("#export").get_attribute("href") == "/api/unanswered.csv?days=90"

    # A longer period brings the old question back, and the export follows the choice.
    agent.locator("#days").select_option("365")
    expect(rows(agent)).to_have_count(5, timeout=WAIT_MS)
    expect(rows(agent).nth(4)).to_contain_text("很久以前的问题")
    assert agent.locator("#export").get_attribute("href") == "/api/unanswered.csv?days=365"


def test_a_customers_markup_in_a_question_is_only_text(agent, console):
    open_page(agent, console)
    question = agent.locator("#questions .question .text", has_text=MARKUP)
    expect(question).to_have_text(MARKUP, timeout=WAIT_MS)  # character for character
    assert agent.locator("#questions img, #questions script").count() == 0
    assert agent.evaluate("() => typeof window.__xss") == "undefined"
