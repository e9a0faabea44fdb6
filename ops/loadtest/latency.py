"""Latency per message over REST, for `make bench` (scripts/bench.py).

Two kinds of message, each timed from request to answer:

- an FAQ question ("交强险赔多少"): NLU and the response selector only;
- a report-form step: every message of a whole accident report (ops/loadtest/
  client.py), each of which calls the action server; the phone-tail step reads
  the claims database (identity check) and the final 确认 writes the report.

A phase plays one kind at one concurrency: `customers` simulated customers at
once, each sending its messages one after another. Sequential = one customer.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import yaml

from bot.texts import DOMAIN_FILE, RESPONSES_DIR
from ops.loadtest.client import CustomerRun, RestCustomer
from ops.loadtest.customers import Accident

FAQ_FILE = RESPONSES_DIR / "faq.yml"
# What customers ask; each must be answered by an FAQ answer (checked per message).
FAQ_QUESTIONS = (
    "交强险赔多少",
    "车损险保什么",
    "不计免赔是什么意思",
    "三者险赔哪些",
    "报案要准备什么材料",
    "出了事故多久之内要报案",
    "酒驾出事保险赔吗",
    "玻璃碎了车损险赔不赔",
)
# Report steps that touch the claims database, by what the customer answers.
DATABASE_STEPS = {
    "utter_ask_phone_tail": "identity check (database read)",
    "submit": "submit 确认 (database write)",
}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between the closest
    ranks (numpy's default method); `values` need not be sorted."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def summarize(latencies: list[float], seconds: float) -> dict[str, float | int]:
    """Count, p50/p95/p99/mean/max in milliseconds, and messages per second over
    the phase's wall-clock `seconds`."""
    if not latencies:
        return {"messages": 0, "throughput": 0.0}
    return {
        "messages": len(latencies),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "mean_ms": round(sum(latencies) / len(latencies) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "throughput": round(len(latencies) / seconds, 2) if seconds > 0 else 0.0,
    }


@dataclass
class Phase:
    """What one phase measured."""

    kind: str  # "faq" or "report"
    customers: int  # at once; 1 = sequential
    seconds: float = 0.0
    runs: list[CustomerRun] = field(default_factory=list)
    unexpected: int = 0  # FAQ questions not answered with an FAQ answer

    @property
    def exchanges(self):
        return [e for run in self.runs for e in run.exchanges]

    def summary(self) -> dict:
        exchanges = self.exchanges
        ok = [e.seconds for e in exchanges if e.status == 200]
        return {
            "kind": self.kind,
            "customers": self.customers,
            "seconds": round(self.seconds, 2),
            **summarize(ok, self.seconds),
            "failed_messages": len(exchanges) - len(ok),
            "retries": sum(run.retries for run in self.runs),
            "customer_errors": sum(1 for run in self.runs if run.error),
            "unexpected_answers": self.unexpected,
            "served_by": dict(Counter(e.upstream or "-" for e in exchanges)),
        }

    def database_steps(self) -> dict[str, dict]:
        """Latency of the report steps that read or write the claims database."""
        by_step: dict[str, list[float]] = {label: [] for label in DATABASE_STEPS.values()}
        for run in self.runs:
            step_of = {text: step for step, text in run.accident.answers.items()}
            step_of["确认"] = "submit"
            for exchange in run.exchanges:
                label = DATABASE_STEPS.get(step_of.get(exchange.text, ""))
                if label and exchange.status == 200:
                    by_step[label].append(exchange.seconds)
        return {label: summarize(values, 0) for label, values in by_step.items() if values}


def _faq_answers() -> set[str]:
    responses = yaml.safe_load(FAQ_FILE.read_text(encoding="utf-8"))["responses"]
    return {variation["text"] for variations in responses.values() for variation in variations}


def _client(customers: int, timeout: float) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=customers + 1, max_keepalive_connections=customers + 1)
    return httpx.AsyncClient(timeout=timeout, limits=limits)


async def faq_phase(
    base_url: str, accidents: list[Accident], questions_each: int, timeout: float = 180
) -> Phase:
    """len(accidents) customers at once, each asking `questions_each` FAQ questions
    in turn. (The accidents only name the customers: nobody reports here.)"""
    answers = _faq_answers()
    phase = Phase("faq", len(accidents))
    async with _client(len(accidents), timeout) as client:
        customers = [RestCustomer(client, base_url, accident) for accident in accidents]

        async def ask(number: int, customer: RestCustomer) -> CustomerRun:
            for turn in range(questions_each):
                question = FAQ_QUESTIONS[(number + turn) % len(FAQ_QUESTIONS)]
                try:
                    replies = await customer.say(question)
                except RuntimeError as error:
                    customer.run.error = str(error)
                    break
                if not answers.intersection(replies):
                    phase.unexpected += 1
            return customer.run

        started = time.perf_counter()
        phase.runs = list(await asyncio.gather(*(ask(n, c) for n, c in enumerate(customers))))
        phase.seconds = time.perf_counter() - started
    return phase


async def report_phase(
    base_url: str, accidents: list[Accident], sequential: bool = False, timeout: float = 180
) -> Phase:
    """Each customer files a whole report: all at once, or one after another."""
    phase = Phase("report", 1 if sequential else len(accidents))
    async with _client(1 if sequential else len(accidents), timeout) as client:
        customers = [RestCustomer(client, base_url, accident) for accident in accidents]
        started = time.perf_counter()
        if sequential:
            phase.runs = [await customer.report_accident() for customer in customers]
        else:
            phase.runs = list(await asyncio.gather(*(c.report_accident() for c in customers)))
        phase.seconds = time.perf_counter() - started
    return phase


def _custom_actions() -> tuple[set[str], set[str]]:
    """The domain's custom actions (run on the action server) and its forms."""
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    return set(domain.get("actions") or []), set(domain.get("forms") or {})


async def dialogue_work(api_url: str, token: str, sender: str, timeout: float = 30) -> dict:
    """Per customer message of `sender`'s conversation (Rasa's tracker API): how many
    actions the dialogue policies predicted (action_listen included: each is a
    prediction) and how many of them called the action server (custom actions, and
    forms that have a validate_<form> action); on average and for each message."""
    custom, forms = _custom_actions()
    remote = custom | {form for form in forms if f"validate_{form}" in custom}
    url = f"{api_url.rstrip('/')}/conversations/{sender}/tracker"
    async with httpx.AsyncClient(timeout=timeout) as client:
        answer = await client.get(url, params={"token": token})
        events = answer.raise_for_status().json()["events"]
    per_message: list[dict] = []
    for event in events:
        if event["event"] == "user":
            per_message.append(
                {"text": event.get("text"), "predictions": 0, "action_server_calls": 0}
            )
        elif event["event"] == "action" and per_message:  # before the first: session start
            per_message[-1]["predictions"] += 1
            per_message[-1]["action_server_calls"] += event["name"] in remote
    count = max(len(per_message), 1)
    return {
        "messages": len(per_message),
        "predictions_per_message": round(sum(m["predictions"] for m in per_message) / count, 2),
        "action_server_calls_per_message": round(
            sum(m["action_server_calls"] for m in per_message) / count, 2
        ),
        "per_message": per_message,
    }
