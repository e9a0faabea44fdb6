"""What a customer does and sees in the chat widget, for the browser tests."""

from playwright.sync_api import Page, expect

from tests.conftest import ServerStack, rasa_api

BOT_WAIT_MS = 90_000  # the model is slow on a busy machine; there are no fixed sleeps


def running_texts(stack: ServerStack) -> dict[str, list[str]]:
    """The running model's responses (its own domain, which may be older than domain.yml)."""
    domain = rasa_api(stack, "GET", "/domain", headers={"Accept": "application/json"}).json()
    return {
        name: [variation["text"] for variation in variations if "text" in variation]
        for name, variations in domain["responses"].items()
    }


def prefix(text: str) -> str:
    """The fixed start of a response that has {placeholders}."""
    return text.split("{")[0]


def open_chat(page: Page, url: str) -> None:
    page.goto(url)
    page.locator(".cxw-root").wait_for(state="attached")
    if page.locator(".cxw-panel").is_hidden():
        page.locator(".cxw-launcher").click()
    expect(page.locator(".cxw-input")).to_be_visible()


def open_demo(page: Page, stack) -> None:
    open_chat(page, f"{stack.rasa_url}/widget/demo.html")


def say(page: Page, text: str) -> None:
    page.locator(".cxw-input").fill(text)
    page.locator(".cxw-input").press("Enter")


def bot_texts(page: Page) -> list[str]:
    return page.eval_on_selector_all(".cxw-msg-bot .cxw-text", "els => els.map(e => e.textContent)")


def wait_for_bot(page: Page, after: int, starts: list[str]) -> list[str]:
    """Wait until a bot message after the first `after` starts with one of `starts`."""
    page.wait_for_function(
        """([after, starts]) => [...document.querySelectorAll('.cxw-msg-bot .cxw-text')]
              .slice(after).some(e => starts.some(s => e.textContent.startsWith(s)))""",
        arg=[after, starts],
        timeout=BOT_WAIT_MS,
    )
    return bot_texts(page)[after:]


def session_id(page: Page) -> str:
    return page.evaluate(
        """() => JSON.parse(Object.entries(localStorage)
              .find(([key]) => key.endsWith(':session'))[1])"""
    )
