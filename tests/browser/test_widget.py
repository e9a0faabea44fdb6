"""The website chat widget in a real headless Chromium, against the real servers.

Every assertion is on what the customer sees in the page. Bot replies get
generous waits (the model is slow on a busy machine); there are no fixed sleeps.
"""

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bot.db.models import Customer, Report
from tests.browser.widget_page import (
    BOT_WAIT_MS,
    bot_texts,
    open_chat,
    open_demo,
    prefix,
    say,
    session_id,
    wait_for_bot,
)
from tests.conftest import rasa_api
from tests.images import jpeg

pytestmark = pytest.mark.servers

MESSAGES = ".cxw-msg:not(.cxw-typing)"


# How 张伟 answers each question of the report: typed, or a quick-reply button clicked.
ZHANG_WEI_SMALL_SINGLE_VEHICLE = {
    "utter_ask_identity_key": ("type", "沪A12345"),
    "utter_ask_phone_tail": ("type", "0001"),
    "utter_ask_accident_time": ("type", "半小时前"),
    "utter_ask_accident_location": ("type", "人民广场附近的停车场"),
    "utter_ask_two_vehicle": ("click", "只有我一辆车"),
    "utter_ask_anyone_injured": ("click", "没人受伤"),
    "utter_ask_car_drivable": ("click", "能开"),
    "utter_ask_own_loss": ("type", "两千"),
    "utter_ask_third_party_loss": ("type", "一千五"),
    "utter_ask_insured_driving": ("click", "是本人"),
    "utter_ask_insured_reporting": ("click", "是本人"),
    "utter_ask_description": ("type", "倒车时蹭到了柱子"),
}


def questions(texts: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: variations for name, variations in texts.items() if name.startswith("utter_ask_")}


def asked(replies: list[str], known: dict[str, list[str]]) -> str | None:
    """Which question the bot's newest reply is."""
    for reply in reversed(replies):
        for name, variations in known.items():
            if reply in variations:
                return name
    return None


def answer(page: Page, how: str, text: str) -> None:
    if how == "click":
        page.locator(".cxw-quick").get_by_role("button", name=text, exact=True).click()
    else:
        say(page, text)


def expect_the_liability_limits(page: Page) -> None:
    """The 交强险 at-fault limits of domain.md: 18万 death/disability, 2000 property."""
    answer = page.locator(".cxw-msg-bot", has_text="18万元").filter(has_text="2000元")
    expect(answer).to_be_visible(timeout=BOT_WAIT_MS)


def test_a_coverage_question_is_answered_in_the_page_with_only_local_assets(page, bot_stack):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_demo(page, bot_stack)
    say(page, "交强险赔多少")
    expect(page.locator(".cxw-msg-user")).to_have_text(["交强险赔多少"])
    expect_the_liability_limits(page)
    outside = [url for url in requested if not url.startswith(bot_stack.rasa_url)]
    assert outside == [], "the widget must not load anything from elsewhere"


def test_zhang_wei_reports_a_small_accident_and_sends_two_photos(page, bot_stack, texts, widget_db):
    open_demo(page, bot_stack)
    file_input = page.locator("input.cxw-file")
    assert file_input.get_attribute("accept") == "image/*"
    assert file_input.get_attribute("capture") == "environment"  # phones offer the camera

    known = questions(texts)
    summary = prefix(texts["utter_report_summary"][0])
    seen = len(bot_texts(page))
    say(page, "我要报案")
    for _ in range(20):
        replies = wait_for_bot(page, seen, [*sum(known.values(), []), summary])
        seen += len(replies)
        if any(reply.startswith(summary) for reply in replies):
            break
        question = asked(replies, known)
        assert question in ZHANG_WEI_SMALL_SINGLE_VEHICLE, f"unexpected turn: {replies}"
        answer(page, *ZHANG_WEI_SMALL_SINGLE_VEHICLE[question])
    else:
        pytest.fail("the report never reached its summary")
    answer(page, "click", "确认提交")
    expect(page.get_by_text(texts["utter_fast_track_eligible"][0])).to_be_visible(
        timeout=BOT_WAIT_MS
    )
    expect(page.get_by_text(prefix(texts["utter_report_filed"][0]))).to_be_visible()

    file_input.set_input_files(
        [{"name": "front.jpg", "mimeType": "image/jpeg", "buffer": jpeg(colour=(200, 30, 40))}]
    )
    expect(page.get_by_text("已收到 1/3 张照片")).to_be_visible(timeout=BOT_WAIT_MS)
    file_input.set_input_files(
        [{"name": "damage.jpg", "mimeType": "image/jpeg", "buffer": jpeg(colour=(20, 90, 200))}]
    )
    expect(page.get_by_text("已收到 2/3 张照片")).to_be_visible(timeout=BOT_WAIT_MS)
    expect(page.locator(".cxw-msg-user", has_text="damage.jpg")).to_be_visible()

    [report] = (
        widget_db.execute(select(Report).join(Customer).where(Customer.name == "张伟"))
        .scalars()
        .all()
    )
    assert report.sender_id == session_id(page)  # the widget's conversation filed it
    assert len(report.photos) == 2


def test_a_reload_keeps_the_conversation_and_the_session(page, bot_stack, texts):
    known = questions(texts)
    open_demo(page, bot_stack)
    say(page, "我要报案")
    wait_for_bot(page, 0, known["utter_ask_identity_key"])
    seen = len(bot_texts(page))
    say(page, "沪A12345")
    wait_for_bot(page, seen, known["utter_ask_phone_tail"])
    before = session_id(page)
    shown = page.locator(MESSAGES).all_text_contents()

    page.reload()
    expect(page.locator(".cxw-input")).to_be_visible()  # still open after the reload
    expect(page.locator(MESSAGES)).to_have_text(shown)
    assert session_id(page) == before
    say(page, "0001")  # only the same conversation knows this answers "手机号后四位"
    verified = prefix(texts["utter_identity_verified"][0]) + "张伟"
    expect(page.get_by_text(verified)).to_be_visible(timeout=BOT_WAIT_MS)


def test_a_message_pushed_later_reaches_the_closed_widget(page, bot_stack):
    """How an agent's reply arrives: Rasa's API on the conversation's latest channel."""
    open_demo(page, bot_stack)
    say(page, "交强险赔多少")
    expect_the_liability_limits(page)
    page.locator(".cxw-close").click()
    pushed = "坐席小王：您好，我来帮您处理。"
    response = rasa_api(
        bot_stack,
        "POST",
        f"/conversations/{session_id(page)}/tracker/events",
        params={"output_channel": "latest", "execute_side_effects": "true"},
        json=[{"event": "bot", "text": pushed}],
    )
    assert response.status_code == 200, response.text
    expect(page.locator(".cxw-launcher.cxw-unread")).to_be_visible(timeout=BOT_WAIT_MS)
    page.locator(".cxw-launcher").click()
    expect(page.locator(".cxw-msg-bot", has_text=pushed)).to_be_visible()


@pytest.mark.parametrize(
    ("name", "mime_type", "content"),
    [
        ("notes.txt", "text/plain", "事故经过：倒车蹭到柱子".encode()),
        ("scan.jpg", "image/jpeg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_in_chinese(
    page, bot_stack, texts, name, mime_type, content
):
    open_demo(page, bot_stack)
    page.locator("input.cxw-file").set_input_files(
        [{"name": name, "mimeType": mime_type, "buffer": content}]
    )
    expect(page.locator(".cxw-msg-error")).to_have_text(
        texts["utter_photo_wrong_type"][0], timeout=BOT_WAIT_MS
    )


def test_messages_are_shown_as_text_never_as_markup(page, bot_stack):
    open_demo(page, bot_stack)
    typed = '<img src="x" onerror="document.title=\'hacked\'"><b>你好</b>'
    say(page, typed)
    expect(page.locator(".cxw-msg-user")).to_have_text([typed])
    assert page.locator(".cxw-log img, .cxw-log b").count() == 0
    assert page.title() != "hacked"


@pytest.fixture
def insurer_site(bot_stack, insurer):
    """An insurer's own page on another origin, with nothing but the one script tag."""
    insurer.page = (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<title>某保险公司</title></head><body><h1>某保险公司</h1>"
        f"<script src='{bot_stack.rasa_url}/widget/chat-widget.js' defer></script>"
        "</body></html>"
    ).encode()
    yield f"http://localhost:{insurer.port}/"
    insurer.page = b""


def test_one_script_tag_on_another_site_is_enough(page, bot_stack, insurer_site):
    open_chat(page, insurer_site)
    say(page, "交强险赔多少")
    expect_the_liability_limits(page)


def test_on_a_phone_the_chat_fills_the_screen(browser, bot_stack):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    try:
        page = context.new_page()
        open_demo(page, bot_stack)
        box = page.locator(".cxw-panel").bounding_box()
        assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    finally:
        context.close()


def test_the_server_serves_the_widget_files_and_nothing_else(bot_stack):
    base = f"{bot_stack.rasa_url}/widget"
    for name, kind in [
        ("chat-widget.js", "application/javascript"),
        ("chat-widget.css", "text/css"),
        ("demo.html", "text/html"),
    ]:
        served = requests.get(f"{base}/{name}", timeout=30)
        assert served.status_code == 200 and served.headers["Content-Type"].startswith(kind)
    assert requests.get(base, timeout=30).url == f"{base}/demo.html"
    for other in ("build.mjs", "..%2Fcredentials.yml", ".build-stamp"):
        assert requests.get(f"{base}/{other}", timeout=30).status_code == 404
