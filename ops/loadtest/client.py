"""Concurrent simulated customers over the REST channel (asyncio + httpx).

Each customer starts with "我要报案", answers whichever question the bot asks
(recognised by the domain's utter_ask_* texts), confirms the summary and
keeps the 报案号 the bot gives. Like a patient person, a customer who is asked
to send a message again (utter_try_again, utter_database_unavailable) waits
and sends it again. Every message's latency and answering server is recorded,
so the same run serves an integrity check and a benchmark.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
import yaml

from bot.texts import DOMAIN_FILE
from ops.loadtest.customers import Accident

REPORT_NUMBER = re.compile(r"BA\d{14}")
MAX_TURNS = 40


def _domain_texts() -> dict[str, list[str]]:
    responses = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]
    return {
        name: [variation.get("text", "") for variation in variations]
        for name, variations in responses.items()
    }


TEXTS = _domain_texts()
QUESTIONS = {
    text: name for name, texts in TEXTS.items() if name.startswith("utter_ask_") for text in texts
}
SUMMARY_START = TEXTS["utter_report_summary"][0].split("{")[0]
FILED_STARTS = tuple(
    TEXTS[name][0].split("{")[0] for name in ("utter_report_filed", "utter_report_already_filed")
)
ASKED_TO_RETRY = {*TEXTS["utter_try_again"], *TEXTS["utter_database_unavailable"]}


@dataclass
class Exchange:
    """One message and its answer."""

    text: str
    replies: list[str]
    seconds: float
    status: int
    upstream: str  # the Rasa server nginx chose (X-Upstream), "" without nginx
    sent_at: datetime  # wall clock, UTC


@dataclass
class CustomerRun:
    accident: Accident
    sender: str
    exchanges: list[Exchange] = field(default_factory=list)
    report_number: str | None = None
    retries: int = 0
    error: str | None = None

    def transcript(self) -> str:
        lines = []
        for exchange in self.exchanges:
            lines.append(f"customer: {exchange.text}  [{exchange.status} {exchange.upstream}]")
            lines += [f"     bot: {reply}" for reply in exchange.replies]
        return "\n".join(lines)


class RestCustomer:
    """One simulated customer talking to `base_url` (a Rasa server or nginx)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        accident: Accident,
        retry_delay: float = 2.0,
        max_retries: int = 30,
    ):
        self.client = client
        self.url = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        self.run = CustomerRun(accident, f"load-{uuid.uuid4().hex[:12]}")
        self.retry_delay = retry_delay
        self.max_retries = max_retries
        self.replies: list[str] = []  # the bot's latest answer

    async def say(self, text: str) -> list[str]:
        """Send `text`; send it again while the bot asks for that (or the server fails)."""
        for _attempt in range(self.max_retries + 1):
            started, sent_at = time.perf_counter(), datetime.now(timezone.utc)
            try:
                response = await self.client.post(
                    self.url, json={"sender": self.run.sender, "message": text}
                )
                status = response.status_code
                replies = [m.get("text", "") for m in response.json()] if status == 200 else []
                upstream = response.headers.get("x-upstream", "")
            except (httpx.TransportError, ValueError) as error:
                status, replies, upstream = 0, [f"<{type(error).__name__}>"], ""
            self.run.exchanges.append(
                Exchange(text, replies, time.perf_counter() - started, status, upstream, sent_at)
            )
            if status == 200 and not ASKED_TO_RETRY.intersection(replies):
                return replies
            self.run.retries += 1
            if status == 200 and any(r.startswith(SUMMARY_START) for r in replies):
                return replies  # the bot showed the summary again: confirm it again
            await asyncio.sleep(self.retry_delay)
        raise RuntimeError(f"still no answer to {text!r} after {self.max_retries} retries")

    async def report_accident(self, until: str | None = None) -> CustomerRun:
        """The whole report, from "我要报案" to the 报案号 (or to `until`, see `resume`)."""
        return await self._guarded(self._start_and_answer(until))

    async def resume(self, until: str | None = None) -> CustomerRun:
        """Go on from where `report_accident(until=…)` stopped.

        `until` names a question (utter_ask_…) or "summary": the customer stops
        there, before answering.
        """
        return await self._guarded(self._answer(until))

    async def _guarded(self, steps) -> CustomerRun:  # noqa: ANN001 - a coroutine
        try:
            await steps
        except Exception as error:  # noqa: BLE001 - recorded, the run goes on
            self.run.error = f"{type(error).__name__}: {error}"
        return self.run

    async def _start_and_answer(self, until: str | None) -> None:
        self.replies = await self.say("我要报案")
        await self._answer(until)

    async def _answer(self, until: str | None) -> None:
        for _turn in range(MAX_TURNS):
            replies = self.replies
            filed = [r for r in replies if r.startswith(FILED_STARTS)]
            if filed:
                self.run.report_number = REPORT_NUMBER.search(filed[0]).group(0)
                return
            if any(r.startswith(SUMMARY_START) for r in replies):
                if until == "summary":
                    return
                self.replies = await self.say("确认")
                continue
            question = next((QUESTIONS[r] for r in reversed(replies) if r in QUESTIONS), None)
            if question not in self.run.accident.answers:
                raise RuntimeError(f"unexpected turn: {replies}")
            if question == until:
                return
            self.replies = await self.say(self.run.accident.answers[question])
        raise RuntimeError(f"no 报案号 after {MAX_TURNS} turns")


async def report_concurrently(
    base_url: str, accidents: list[Accident], retry_delay: float = 2.0, timeout: float = 180
) -> list[CustomerRun]:
    """All customers at once, each completing a report; their runs in the same order."""
    limits = httpx.Limits(
        max_connections=len(accidents) + 1, max_keepalive_connections=len(accidents) + 1
    )
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        customers = [
            RestCustomer(client, base_url, accident, retry_delay) for accident in accidents
        ]
        return list(await asyncio.gather(*(c.report_accident() for c in customers)))
