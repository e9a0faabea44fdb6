"""Human handoff end to end in a real headless Chromium: a customer in the website
widget and an agent in the console, each in a browser context of their own, against
the real action server, Rasa server and agent console.

Assertions are on what each of them sees in their page, and on what the servers
stored in the claims database. Waits are generous (the model is slow on a busy
machine); there are no fixed sleeps.
"""

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot.db.models import HandoffTicket, SatisfactionRating
from bot.launcher import Stack
from tests.browser.widget_page import (
    BOT_WAIT_MS,
    bot_texts,
    open_demo,
    prefix,
    say,
    session_id,
    wait_for_bot,
)
from tests.conftest import AGENT_PASSWORDS

pytestmark = pytest.mark.servers

AGENT01_PASSWORD = AGENT_PASSWORDS["AGENT01_PASSWORD"]  # what the database was seeded with
CONSOLE_WAIT_MS = 30_000  # the console polls its queue and the open ticket every 2 s


@pytest.fixture
def customer(browser: Browser) -> Page:
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def agent(browser: Browser) -> Page:
    """The agent's own browser profile: its own cookies, nothing shared with the customer."""
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def log_in(agent: Page, stack: Stack, username: str, password: str) -> None:
    agent.goto(f"{stack.console_url}/")
    expect(agent).to_have_url(f"{stack.console_url}/login")  # no session, no console
    agent.locator("input[name=username]").fill(username)
    agent.locator("input[name=password]").fill(password)
    agent.get_by_role("button", name="登录").click()
    expect(agent).to_have_url(f"{stack.console_url}/")
    expect(agent.locator("#agent-name")).not_to_be_empty()
    # The console's heartbeat makes the agent count as online.
    expect(agent.locator("#online")).to_have_text("在线客服 1 人", timeout=CONSOLE_WAIT_MS)


def ask_for_a_person(
    customer: Page, stack: Stack, texts: dict[str, list[str]], widget_db
) -> HandoffTicket:
    open_demo(customer, stack)
    seen = len(bot_texts(customer))
    say(customer, "转人工")
    replies = wait_for_bot(customer, seen, [prefix(texts["utter_handoff_queued"][0])])
    assert texts["utter_how_to_reach_human"][0] in replies, replies
    widget_db.expire_all()
    return widget_db.execute(
        select(HandoffTicket).where(HandoffTicket.sender_id == session_id(customer))
    ).scalar_one()


def open_ticket(agent: Page, ticket_id: int) -> None:
    agent.locator("#waiting li", has_text=f"#{ticket_id} ").click(timeout=CONSOLE_WAIT_MS)
    expect(agent.locator("#ticket-head")).to_contain_text(f"#{ticket_id} ")


def transcript_line(agent: Page, who: str, text: str):
    return agent.locator(f"#transcript li.{who}", has_text=text)


def test_a_customer_in_the_widget_is_served_by_an_agent_in_the_console_and_rates_it(
    customer,
    agent,
    bot_stack,
    texts,
    widget_db,
):
    log_in(agent, bot_stack, "agent01", AGENT01_PASSWORD)
    ticket = ask_for_a_person(customer, bot_stack, texts, widget_db)
    assert (ticket.status, ticket.reason) == ("waiting", "customer_request")

    # While waiting, what the customer writes is for the agent; the bot stays silent.
    words = "我的车被追尾了，后保险杠裂了"
    say(customer, words)
    expect(customer.locator(".cxw-msg-user", has_text=words)).to_be_visible()

    # The agent sees the ticket in the queue, opens it and reads the whole conversation.
    open_ticket(agent, ticket.id)
    expect(agent.locator("#ticket-head")).to_contain_text("排队中")
    expect(transcript_line(agent, "customer", "转人工")).to_be_visible()
    expect(transcript_line(agent, "customer", words)).to_be_visible(timeout=CONSOLE_WAIT_MS)
    expect(transcript_line(agent, "bot", texts["utter_how_to_reach_human"][0])).to_be_visible()
    agent.locator("#accept").click()
    expect(agent.locator("#ticket-head")).to_contain_text("已接入", timeout=CONSOLE_WAIT_MS)
    expect(agent.locator("#mine li", has_text=f"#{ticket.id} ")).to_be_visible(
        timeout=CONSOLE_WAIT_MS
    )

    # The agent's reply (Enter sends) appears in the customer's widget.
    reply = "您好，我是客服，请问车还能开吗？"
    agent.locator("#reply-form textarea").fill(reply)
    agent.locator("#reply-form textarea").press("Enter")
    expect(customer.locator(".cxw-msg-bot", has_text=reply)).to_be_visible(timeout=BOT_WAIT_MS)
    expect(transcript_line(agent, "agent", reply)).to_be_visible(timeout=CONSOLE_WAIT_MS)
    assert customer.locator(".cxw-msg-bot", has_text=reply).count() == 1

    # The customer answers; it shows up live in the console, the bot does not answer it.
    answer = "能开，就是后面撞坏了"
    bots_before = len(bot_texts(customer))
    say(customer, answer)
    expect(transcript_line(agent, "customer", answer)).to_be_visible(timeout=CONSOLE_WAIT_MS)

    # Hand back: the bot takes over again and asks for a score, offering buttons.
    agent.locator("#handback").click()
    expect(agent.locator("#ticket-head")).to_contain_text("已结束", timeout=CONSOLE_WAIT_MS)
    returned = wait_for_bot(customer, bots_before, texts["utter_ask_rating_score"])
    assert returned == [texts["utter_handoff_returned"][0], texts["utter_ask_rating_score"][0]], (
        "nothing but the hand-back and the question since the customer's answer to the agent:"
        f" {returned}"
    )
    customer.locator(".cxw-quick").get_by_role("button", name="5分", exact=True).click()
    expect(customer.get_by_text(texts["utter_ask_rating_comment"][0])).to_be_visible(
        timeout=BOT_WAIT_MS
    )
    say(customer, "客服很耐心")
    stored = texts["utter_rating_stored"][0].format(score=5)
    expect(customer.get_by_text(stored)).to_be_visible(timeout=BOT_WAIT_MS)

    widget_db.expire_all()
    rating = widget_db.execute(
        select(SatisfactionRating).where(SatisfactionRating.handoff_ticket_id == ticket.id)
    ).scalar_one()
    assert (rating.score, rating.comment) == (5, "客服很耐心")
    closed = widget_db.get(HandoffTicket, ticket.id)
    assert (closed.status, closed.close_reason) == ("closed", "handed_back")


IMG_ATTACK = '<img src=x onerror="window.__xss=1">'
SCRIPT_ATTACK = "<script>window.__xss=2</script>"


def test_a_customers_markup_is_only_text_in_the_agents_console(
    customer,
    agent,
    bot_stack,
    texts,
    widget_db,
):
    log_in(agent, bot_stack, "agent01", AGENT01_PASSWORD)
    ticket = ask_for_a_person(customer, bot_stack, texts, widget_db)
    for attack in (IMG_ATTACK, SCRIPT_ATTACK):
        say(customer, attack)
        expect(customer.locator(".cxw-msg-user", has_text=attack)).to_be_visible()

    open_ticket(agent, ticket.id)
    for attack in (IMG_ATTACK, SCRIPT_ATTACK):
        # Shown character for character, as text.
        expect(transcript_line(agent, "customer", attack)).to_be_visible(timeout=CONSOLE_WAIT_MS)
    agent.locator("#accept").click()
    expect(agent.locator("#ticket-head")).to_contain_text("已接入", timeout=CONSOLE_WAIT_MS)
    # Re-rendered after accepting, still text: no element was made of it, nothing ran.
    expect(transcript_line(agent, "customer", IMG_ATTACK)).to_be_visible()
    assert (
        agent.locator("#transcript img, #transcript script, #waiting img, #mine img").count() == 0
    )
    assert agent.evaluate("() => typeof window.__xss") == "undefined"
    assert customer.evaluate("() => typeof window.__xss") == "undefined"

    agent.locator("#close").click()  # leave the queue empty for whatever runs next
    expect(agent.locator("#ticket-head")).to_contain_text("已结束", timeout=CONSOLE_WAIT_MS)
