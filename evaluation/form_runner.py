"""Measures the report conversation through the real servers (issue 13).

Two measurements, shared by the tests (tests/test_answer_matrix.py,
tests/test_report_journeys.py) and ``make evaluate`` (scripts/evaluate.py):

- **the answer matrix** (evaluation/form_answers.yml): each natural answer to
  one question of the identity or the report form, in a conversation of its
  own that Rasa's API has put at that question (the slots an earlier part of
  the conversation would have set, the form active, the slot requested); the
  answer goes through the REST webhook like a customer's, and the slots the
  turn stored are compared with the expected value;
- **whole reports** (evaluation/report_journeys.yml): a customer answers
  whatever the bot asks, from the first message to the outcome, and the rows
  the conversation left in the claims database are checked, as is any
  hand-off it did not ask for.

    python -m evaluation.form_runner [--model PATH] [--only matrix|journeys] [--matrix FILE]

prints both figures and every failure; the servers run on free ports with a
claims database and a tracker store of their own under a temporary directory.
``--matrix`` measures another answer matrix, such as the held-out one
(evaluation/form_answers_held_out_2.yml, never tuned on).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
import yaml
from sqlalchemy import delete, select

from bot.db.models import Customer, FailedAttempt, Report
from bot.db.session import make_engine, make_session_factory
from bot.dialogue.report_facts import DRAFT_FACTS
from bot.launcher import Stack, free_port, start_stack
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
# Development data: fixes were made from both.
MATRIX_FILES = (
    ROOT / "evaluation" / "form_answers.yml",
    ROOT / "evaluation" / "form_answers_round2.yml",
)
HELD_OUT_MATRIX_FILE = ROOT / "evaluation" / "form_answers_held_out_2.yml"  # never tuned on
JOURNEYS_FILE = ROOT / "evaluation" / "report_journeys.yml"
REST_CHANNEL = "rest"  # bot.channels.rest.SafeRestInput.name()
IDENTITY_QUESTIONS = ("identity_key", "phone_tail")
REPORT_QUESTIONS = (*DRAFT_FACTS, "report_confirmed")
# Expected values that are not a slot value of their own.
SET, UNCHANGED, VERIFIED = "set", "unchanged", "verified"
# How many conversations run at once: the machine has two cores.
WORKERS = 4


# --- the demo customers (../shared/demo-data.md) -----------------------------


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    plate: str
    tail: str
    is_company: bool = False


DEMO = {
    c.name: c
    for c in (
        DemoCustomer("张伟", "沪A12345", "0001"),
        DemoCustomer("李娜", "粤B67890", "0002"),
        DemoCustomer("王强", "京C24680", "0003"),
        DemoCustomer("赵敏", "浙A13579", "0004"),
        DemoCustomer("上海顺达物流有限公司", "沪B88888", "0005", is_company=True),
        DemoCustomer("陈静", "川A11223", "0006"),
        DemoCustomer("刘洋", "苏E55667", "0007"),
    )
}


# --- the servers --------------------------------------------------------------


class EvaluationBot:
    """The action server and the Rasa server with a claims database (the demo data)
    and a tracker store of their own under `directory`; restartable, resettable."""

    def __init__(self, model: Path, directory: Path):
        self.model, self.directory = model, directory
        self.claims_db_url = f"sqlite:///{directory / 'claims.db'}"
        self.reset_claims()
        self.ports = {"rasa_port": free_port(), "action_port": free_port(), "api_port": free_port()}
        self.env = {
            "CLAIMS_DB_URL": self.claims_db_url,
            "TRACKER_DB_URL": f"sqlite:///{directory / 'tracker.db'}",
            "PHOTO_DIR": str(directory / "photos"),
        }
        self.stack: Stack = self._start()
        self._customer_ids: dict[str, int] | None = None

    def _start(self) -> Stack:
        return start_stack(
            self.model, log_dir=self.directory / "logs", extra_env=self.env, **self.ports
        )

    def restart(self) -> None:
        self.stack.stop()
        self.stack = self._start()

    def stop(self) -> None:
        self.stack.stop()

    def reset_claims(self) -> None:
        """The demo data as freshly loaded: every report filed since is gone."""
        subprocess.run(
            [sys.executable, "-m", "bot.db.seed", "--url", self.claims_db_url, "--reset"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    def session(self):
        engine = make_engine(self.claims_db_url)
        return _DisposingSession(make_session_factory(engine)(), engine)

    def forget_failed_attempts(self) -> None:
        """Identity failures counted so far, per conversation, policy and client (the
        REST client is always 127.0.0.1 here): one case's wrong digits lock no other."""
        with self.session() as session:
            session.execute(delete(FailedAttempt))
            session.commit()

    def customer_id(self, name: str) -> int:
        if self._customer_ids is None:
            with self.session() as session:
                rows = session.execute(select(Customer.name, Customer.id)).all()
            self._customer_ids = dict(rows)
        return self._customer_ids[name]

    def reports_filed_by(self, sender: str) -> list[Report]:
        with self.session() as session:
            query = select(Report).where(Report.sender_id == sender).order_by(Report.id)
            reports = list(session.execute(query).scalars())
            session.expunge_all()
            return reports

    # Rasa: the public REST webhook and the internal API with the token.
    def say(self, sender: str, text: str) -> list[str]:
        response = requests.post(
            f"{self.stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=120,
        )
        response.raise_for_status()
        return [message.get("text", "") for message in response.json()]

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method,
            f"{self.stack.api_url}{path}",
            params={"token": self.stack.api_token, **kwargs.pop("params", {})},
            timeout=120,
            **kwargs,
        )
        response.raise_for_status()
        return response

    def tracker(self, sender: str) -> dict:
        return self.api("GET", f"/conversations/{sender}/tracker").json()


class _DisposingSession:
    def __init__(self, session, engine):
        self._session, self._engine = session, engine

    def __enter__(self):
        return self._session

    def __exit__(self, *exc) -> None:
        self._session.close()
        self._engine.dispose()


# --- the answer matrix --------------------------------------------------------


@dataclass(frozen=True)
class AnswerCase:
    question: str  # the slot the form asks for
    say: str
    expect: Any  # the stored value, or SET / UNCHANGED / VERIFIED
    given: dict[str, Any] = field(default_factory=dict)  # slots set before, beyond the usual
    also: dict[str, Any] = field(default_factory=dict)  # other slots the answer sets
    unsure: str | None = None  # why the expected value is open to debate

    @property
    def label(self) -> str:
        return f"{self.question}: {self.say}"


@dataclass
class AnswerResult:
    case: AnswerCase
    stored: dict[str, Any]  # the slots the check looked at, after the turn
    replies: list[str]
    problems: list[str]

    @property
    def understood(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.stored.items())
        said = " / ".join(r.replace("\n", " ")[:60] for r in self.replies)
        return (
            f"[{self.case.question}] {self.case.say!r}: expected {self.case.expect!r}; "
            f"{'; '.join(self.problems)} (stored {shown}; bot: {said})"
        )


def load_matrix(*paths: Path) -> list[AnswerCase]:
    """The answer cases of the given matrix files (the development ones by default)."""
    return [case for path in paths or MATRIX_FILES for case in _matrix_file(path)]


def _matrix_file(path: Path) -> list[AnswerCase]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for question, answers in raw.items():
        if question not in IDENTITY_QUESTIONS + REPORT_QUESTIONS:
            raise ValueError(f"{path.name}: {question} is not a question of the forms")
        for answer in answers:
            cases.append(
                AnswerCase(
                    question=question,
                    say=str(answer["say"]),
                    expect=answer["expect"],
                    given=answer.get("given") or {},
                    also=answer.get("also") or {},
                    unsure=answer.get("unsure"),
                )
            )
    return cases


def _hour_ago() -> str:
    return (datetime.now(load_settings().timezone) - timedelta(hours=1)).isoformat()


def slots_before(bot: EvaluationBot, question: str, given: dict[str, Any]) -> dict[str, Any]:
    """What the conversation holds when the form asks `question`: 张伟 verified on
    REST (for the report form), a two-vehicle accident, every earlier question
    answered; `given` overrides (another customer, a company, a single vehicle)."""
    zhang = DEMO["张伟"]
    slots: dict[str, Any] = {"pending_request": "report", "report_draft_id": uuid.uuid4().hex}
    if question in IDENTITY_QUESTIONS:
        if question == "phone_tail":
            slots["identity_key"] = zhang.plate
        return {**slots, **given}
    slots |= {
        "identity_verified": True,
        "verified_channel": REST_CHANNEL,
        "customer_id": bot.customer_id(zhang.name),
        "customer_name": zhang.name,
        "is_company": False,
        "identity_key": zhang.plate,
        "phone_tail": zhang.tail,
        "pending_request": None,
    }
    earlier = {
        "accident_time": _hour_ago(),
        "accident_location": "延安路和华山路路口",
        "two_vehicle": True,
        "anyone_injured": False,
        "car_drivable": True,
        "own_loss": 2000.0,
        "third_party_loss": 1000.0,
        "insured_driving": True,
        "insured_reporting": True,
        "description": "等红灯时被后车追尾",
    }
    for slot in REPORT_QUESTIONS[: REPORT_QUESTIONS.index(question)]:
        slots[slot] = earlier[slot]
    return {**slots, **given}


def events_at_question(form: str, question: str, slots: dict[str, Any]) -> list[dict]:
    events: list[dict] = [{"event": "slot", "name": k, "value": v} for k, v in slots.items()]
    return events + [
        {"event": "active_loop", "name": form},
        {"event": "slot", "name": "requested_slot", "value": question},
        {"event": "action", "name": "action_listen"},
    ]


def put_at_question(bot: EvaluationBot, sender: str, events: list[dict]) -> None:
    """Append `events` to a new conversation. Its session is started first: the SQL
    tracker store keeps only the events stamped after the latest session start, and
    events are stamped when the server reads them."""
    path = f"/conversations/{sender}/tracker/events"
    bot.api("POST", path, json=events[:1])
    bot.api("POST", path, json=events[1:])


def slots_of_turn(events: list[dict]) -> dict[str, Any]:
    """The slots as the latest customer message left them, before a report was
    filed (filing clears the report's slots: 确认 is read from the turn itself)."""
    last_user = max(i for i, e in enumerate(events) if e.get("event") == "user")
    slots: dict[str, Any] = {}
    for index, event in enumerate(events):
        if index > last_user and event.get("name") == "action_submit_report":
            break
        if event.get("event") == "slot":
            slots[event["name"]] = event.get("value")
    return slots


def _same(value: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or expected is None:
        return value is expected
    if isinstance(expected, (int, float)):
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and Decimal(str(value)) == Decimal(str(expected))
        )
    return value == expected


def _is_set(slot: str, value: Any) -> bool:
    if slot == "accident_time":
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    return isinstance(value, str) and bool(value.strip())


def check_answer(
    case: AnswerCase, before: dict[str, Any], after: dict[str, Any], tracker: dict
) -> list[str]:
    """What is wrong with the turn's outcome; nothing when the answer was understood."""
    question, expect = case.question, case.expect
    value = after.get(question)
    problems = []
    if expect == VERIFIED:
        if after.get("identity_verified") is not True:
            problems.append("identity not verified")
    elif expect == UNCHANGED:
        if not _same(value, before.get(question)):
            problems.append(f"{question} changed to {value!r}")
        form = "identity_form" if question in IDENTITY_QUESTIONS else "report_form"
        loop = (tracker.get("active_loop") or {}).get("name")
        asked = tracker.get("slots", {}).get("requested_slot")
        if loop != form or asked != question:
            problems.append(f"form now {loop} asking {asked}, not {question}")
    elif expect == SET:
        if not _is_set(question, value):
            problems.append(f"{question} not set")
    elif not _same(value, expect):
        problems.append(f"{question}={value!r}")
    for slot, wanted in case.also.items():
        got = after.get(slot)
        if not (_is_set(slot, got) if wanted == SET else _same(got, wanted)):
            problems.append(f"{slot}={got!r}, expected {wanted!r}")
    return problems


def run_answer(bot: EvaluationBot, case: AnswerCase) -> AnswerResult:
    sender = f"matrix-{uuid.uuid4().hex[:12]}"
    form = "identity_form" if case.question in IDENTITY_QUESTIONS else "report_form"
    before = slots_before(bot, case.question, case.given)
    put_at_question(bot, sender, events_at_question(form, case.question, before))
    replies = bot.say(sender, case.say)
    tracker = bot.api(
        "GET", f"/conversations/{sender}/tracker", params={"include_events": "ALL"}
    ).json()
    after = slots_of_turn(tracker["events"])
    problems = check_answer(case, before, after, tracker)
    shown = {case.question: after.get(case.question)}
    shown |= {slot: after.get(slot) for slot in case.also}
    if case.expect == VERIFIED:
        shown["identity_verified"] = after.get("identity_verified")
    return AnswerResult(case, shown, replies, problems)


def run_matrix(
    bot: EvaluationBot, cases: Iterable[AnswerCase], workers: int = WORKERS
) -> list[AnswerResult]:
    """Every case in a conversation of its own, `workers` at a time. The identity
    cases run first, a batch at a time with the failures forgotten in between,
    so that wrong digits never lock the later cases out (lockout: 10 per client)."""
    cases = list(cases)
    identity = [c for c in cases if c.question in IDENTITY_QUESTIONS]
    report = [c for c in cases if c.question not in IDENTITY_QUESTIONS]
    answered: dict[int, AnswerResult] = {}
    with ThreadPoolExecutor(workers) as pool:

        def run(batch: list[AnswerCase]) -> None:
            for result in pool.map(lambda case: run_answer(bot, case), batch):
                answered[id(result.case)] = result

        for start in range(0, len(identity), workers):
            bot.forget_failed_attempts()
            run(identity[start : start + workers])
        bot.forget_failed_attempts()
        run(report)
    return [answered[id(case)] for case in cases]


def matrix_figures(
    results: list[AnswerResult], label: str = "form answers understood"
) -> list[str]:
    right = sum(r.understood for r in results)
    lines = [f"{label}: {right}/{len(results)}"]
    per_question: dict[str, Counter] = defaultdict(Counter)
    for result in results:
        per_question[result.case.question][result.understood] += 1
    for question in IDENTITY_QUESTIONS + REPORT_QUESTIONS:
        counts = per_question.get(question)
        if counts:
            total = counts[True] + counts[False]
            lines.append(f"  {question:<18} {counts[True]}/{total}")
    return lines


# --- whole reports ------------------------------------------------------------

RESTART = "@restart"  # in an answer list: restart the servers, then say the next one
NEVER = "@never"  # this question must not be asked


@dataclass(frozen=True)
class Journey:
    name: str
    customer: str  # the demo customer whose rows are checked
    say: list[str]  # the opening messages
    answers: dict[str, list[str]]  # per question, the messages for each time it is asked
    expect: dict[str, Any]
    then: list[str] = field(default_factory=list)  # said after the forms are over
    unsure: str | None = None  # why an expectation is open to debate

    @property
    def restarts(self) -> bool:
        return any(RESTART in messages for messages in self.answers.values())


@dataclass
class JourneyResult:
    journey: Journey
    transcript: list[tuple[str, str]]
    problems: list[str]

    @property
    def right(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        said = "\n".join(f"    {who}: {text}" for who, text in self.transcript)
        return f"[{self.journey.name}] {'; '.join(self.problems)}\n{said}"


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def load_journeys(path: Path = JOURNEYS_FILE) -> list[Journey]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults = raw.get("defaults") or {}
    journeys = []
    for item in raw["journeys"]:
        customer = DEMO[item["customer"]]
        answers = {
            "identity_key": customer.plate,
            "phone_tail": customer.tail,
            **defaults,
            **(item.get("answers") or {}),
        }
        journeys.append(
            Journey(
                name=item["name"],
                customer=customer.name,
                say=_as_list(item.get("say", "我要报案")),
                answers={q: _as_list(a) for q, a in answers.items()},
                expect=item["expect"],
                then=_as_list(item.get("then") or []),
                unsure=item.get("unsure"),
            )
        )
    return journeys


def _question(tracker: dict) -> str | None:
    """The question a form is asking, or None when no form waits for an answer."""
    loop = (tracker.get("active_loop") or {}).get("name")
    return tracker.get("slots", {}).get("requested_slot") if loop else None


def _handoff_reasons(events: list[dict]) -> list[str]:
    return [
        e["value"]
        for e in events
        if e.get("event") == "slot" and e.get("name") == "handoff_reason" and e.get("value")
    ]


def run_journey(bot: EvaluationBot, journey: Journey, max_turns: int = 30) -> JourneyResult:
    sender = f"journey-{uuid.uuid4().hex[:12]}"
    transcript: list[tuple[str, str]] = []
    problems: list[str] = []

    def say(text: str) -> None:
        transcript.append(("customer", text))
        transcript.extend(("bot", reply) for reply in bot.say(sender, text))

    for text in journey.say:
        say(text)
    pending = {q: list(messages) for q, messages in journey.answers.items()}
    for _ in range(max_turns):
        question = _question(bot.tracker(sender))
        if question is None:
            break
        queue = pending.get(question)
        if not queue:
            problems.append(f"asked {question} with no answer left")
            break
        text = queue.pop(0)
        if text == NEVER:
            problems.append(f"asked {question}, which it should not ask")
            break
        if text == RESTART:
            bot.restart()
            text = queue.pop(0)
        say(text)
    else:
        problems.append(f"still asking after {max_turns} turns")
    for text in journey.then:
        say(text)
    events = bot.api(
        "GET", f"/conversations/{sender}/tracker", params={"include_events": "ALL"}
    ).json()["events"]
    problems += check_journey(journey, bot.reports_filed_by(sender), _handoff_reasons(events))
    return JourneyResult(journey, transcript, problems)


REPORT_FACTS = {"two_vehicle", "anyone_injured", "drivable", "insured_driving", "insured_reporting"}


def check_journey(journey: Journey, reports: list[Report], handoffs: list[str]) -> list[str]:
    expect = journey.expect
    problems = []
    if len(reports) != expect["reports"]:
        problems.append(f"{len(reports)} reports filed, expected {expect['reports']}")
    wanted_handoff = expect.get("handoff")
    if handoffs != ([wanted_handoff] if wanted_handoff else []):
        problems.append(f"hand-offs {handoffs}, expected {wanted_handoff or 'none'}")
    if not reports or expect["reports"] != 1:
        return problems
    report = reports[-1]
    if "outcome" in expect and report.fast_track_outcome != expect["outcome"]:
        problems.append(f"outcome {report.fast_track_outcome}, expected {expect['outcome']}")
    reasons = [item.get("reason", "") for item in report.fast_track_reasons or []]
    for part in expect.get("reasons", []):
        if not any(part in reason for reason in reasons):
            problems.append(f"no reason mentions {part!r}: {reasons}")
    for name, wanted in (expect.get("facts") or {}).items():
        got = getattr(report, name)
        if isinstance(got, Decimal):
            got = float(got)
        if wanted == SET:
            ok = bool(got)
        elif name in REPORT_FACTS or wanted is None:
            ok = got is wanted
        elif isinstance(wanted, str):
            ok = wanted in str(got)
        else:
            ok = got == wanted
        if not ok:
            problems.append(f"report {name}={got!r}, expected {wanted!r}")
    return problems


def _rounds(journeys: list[Journey]) -> list[list[Journey]]:
    """Journeys in rounds of at most one per customer (each round starts from fresh
    demo data, so 张伟 is always on his first claim); restarts alone at the end."""
    by_customer: dict[str, list[Journey]] = defaultdict(list)
    for journey in journeys:
        if not journey.restarts:
            by_customer[journey.customer].append(journey)
    rounds = []
    while any(by_customer.values()):
        rounds.append([queue.pop(0) for queue in by_customer.values() if queue])
    return rounds + [[journey] for journey in journeys if journey.restarts]


def run_journeys(
    bot: EvaluationBot, journeys: Iterable[Journey], workers: int = WORKERS
) -> list[JourneyResult]:
    journeys = list(journeys)
    results: dict[int, JourneyResult] = {}
    with ThreadPoolExecutor(workers) as pool:
        for batch in _rounds(journeys):
            bot.reset_claims()
            for result in pool.map(lambda journey: run_journey(bot, journey), batch):
                results[id(result.journey)] = result
    return [results[id(journey)] for journey in journeys]


def journey_figures(results: list[JourneyResult]) -> list[str]:
    right = sum(r.right for r in results)
    return [f"whole reports right: {right}/{len(results)}"]


# --- command line -------------------------------------------------------------


def current_model() -> Path:
    """The model for the current data and config, trained only if missing."""
    out = subprocess.run(
        [sys.executable, "scripts/train_if_needed.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def measure(
    model: Path,
    only: str | None = None,
    report: Callable[[str], None] = print,
    matrix: Path | None = None,
    held_out: Path | None = None,
) -> list[str]:
    """Start the servers, run the matrix (and the `held_out` one, figures of its
    own) and/or the journeys; every failure goes to `report`, and the figures are
    returned as lines."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="form-eval-") as directory:
        bot = EvaluationBot(model, Path(directory))
        try:
            if only in (None, "matrix"):
                answers = run_matrix(bot, load_matrix(*([matrix] if matrix else [])))
                for result in answers:
                    if not result.understood:
                        report("FAIL " + result.describe())
                lines += matrix_figures(answers)
            if only in (None, "matrix") and held_out is not None:
                answers = run_matrix(bot, load_matrix(held_out))
                for result in answers:
                    if not result.understood:
                        report("FAIL (held-out) " + result.describe())
                lines += matrix_figures(answers, "held-out form answers understood")
            if only in (None, "journeys"):
                whole = run_journeys(bot, load_journeys())
                for result in whole:
                    if not result.right:
                        report("FAIL " + result.describe())
                lines += journey_figures(whole)
        finally:
            bot.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, help="model to serve (default: the current one)")
    parser.add_argument("--only", choices=("matrix", "journeys"))
    parser.add_argument(
        "--matrix", type=Path, metavar="FILE", help="answer matrix (default: the development ones)"
    )
    args = parser.parse_args()
    print("\n".join(measure(args.model or current_model(), args.only, matrix=args.matrix)))


if __name__ == "__main__":
    main()
