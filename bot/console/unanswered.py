"""The console's page of unanswered questions (未能回答的问题): the messages the bot
could not answer or answered unsure, grouped by similar wording, newest first,
with counts, dates and the bot's guesses; exported as CSV for Excel. Same
sessions as every other console API (bot/console/auth.py); nothing here changes
state, so there is no POST.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sanic import Sanic, response
from sanic.request import Request

from bot.console import auth
from bot.db import repository
from bot.db.session import claims_session
from bot.dialogue.unanswered import LOW_CONFIDENCE, UNANSWERED, QuestionGroup, group_questions
from bot.settings import load_settings
from bot.texts import answer_text

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_DAYS, MAX_DAYS = 90, 365
ANSWER_PREVIEW_CHARS = 40
CSV_HEADER = [
    "问题",
    "次数",
    "未能回答",
    "低置信度回答",
    "首次",
    "最近",
    "机器人的猜测",
    "其他说法",
]
# A cell Excel would read as a formula (=, +, -, @) is written with a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _guess(label: str, times: int, confidence: float | None) -> dict[str, Any]:
    utter = f"utter_{label}" if "/" in label else None  # faq/xxx → utter_faq/xxx
    answer = answer_text(utter) if utter else None
    return {
        "guess": label,
        "count": times,
        "confidence": confidence,
        "answer": answer[:ANSWER_PREVIEW_CHARS] if answer else None,
    }


def group_summary(group: QuestionGroup, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "text": group.text,
        "count": group.count,
        "unanswered": group.kinds[UNANSWERED],
        "low_confidence": group.kinds[LOW_CONFIDENCE],
        "first_at": _local(group.first_at, tz),
        "last_at": _local(group.last_at, tz),
        "guesses": [_guess(*guess) for guess in group.top_guesses()],
        "wordings": [w for w in group.wordings if w != group.text],
        "channels": dict(group.channels),
    }


def _summaries(days: int) -> list[dict[str, Any]]:
    since = datetime.now(timezone.utc) - timedelta(days=days)
    with claims_session() as session:
        groups = group_questions(repository.unanswered_messages_since(session, since))
    tz = load_settings().timezone
    return [group_summary(group, tz) for group in groups]


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _guess_cell(guess: dict[str, Any]) -> str:
    confidence = "" if guess["confidence"] is None else f"，置信度 {guess['confidence']:.2f}"
    return f"{guess['guess']}（{guess['count']} 次{confidence}）"


def groups_csv(summaries: list[dict[str, Any]]) -> bytes:
    """The groups as CSV in UTF-8 with a BOM, so Excel shows the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for group in summaries:
        row = [
            group["text"],
            group["count"],
            group["unanswered"],
            group["low_confidence"],
            group["first_at"],
            group["last_at"],
            "；".join(_guess_cell(g) for g in group["guesses"]),
            " | ".join(group["wordings"]),
        ]
        writer.writerow([_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _as_json(days: int, summaries: list[dict[str, Any]]) -> response.HTTPResponse:
    total = sum(group["count"] for group in summaries)
    return response.json({"days": days, "total": total, "groups": summaries})


def _as_csv(days: int, summaries: list[dict[str, Any]]) -> response.HTTPResponse:
    today = datetime.now(load_settings().timezone).strftime("%Y%m%d")
    return response.raw(
        groups_csv(summaries),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="unanswered-{today}.csv"',
            "Cache-Control": "private, no-store",
        },
    )


Render = Callable[[int, list[dict[str, Any]]], response.HTTPResponse]


def _listing(render: Render) -> Callable[[Request], Awaitable[response.HTTPResponse]]:
    """A handler answering the groups of the last `?days=` days (default 90) through `render`."""

    @auth.api_login_required
    async def handler(request: Request) -> response.HTTPResponse:
        value = request.args.get("days", str(DEFAULT_DAYS))
        if not (value.isdigit() and 1 <= int(value) <= MAX_DAYS):
            return response.json({"error": f"天数应为 1 到 {MAX_DAYS}"}, status=400)
        return render(int(value), _summaries(int(value)))

    return handler


def register(app: Sanic) -> None:
    """Add the unanswered-questions page and its API to the console app."""

    @app.get("/unanswered")
    @auth.page_login_required
    async def unanswered_page(request: Request) -> response.HTTPResponse:
        return await response.file(STATIC / "unanswered.html")

    app.add_route(_listing(_as_json), "/api/unanswered", methods=["GET"], name="unanswered_list")
    app.add_route(_listing(_as_csv), "/api/unanswered.csv", methods=["GET"], name="unanswered_csv")
