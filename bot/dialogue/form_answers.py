"""A reply read as the answer to the report form's question just asked (no Rasa import).

Customers answer the question in front of them, briefly and loosely: "就我本人",
"我弟开的", "五六千", "估不出来", "好像没有", "下班路上", "和一辆出租车". Read as a
free-standing message these look like nothing in particular (the intent
classifier calls them off-topic or unclear); read against the question they
are plain answers. ``answer_to`` does that reading for one question, and
``is_digression`` says when a message is clearly something else (a question, a
request for a person, cancelling) and should go to its own flow instead.

Both the Rasa server (``bot.rasa_patches``, before the dialogue policies choose
what to do) and the report form's validation (``bot.dialogue.report_facts``)
call these functions, so the two agree on what counts as an answer.

Every answer may carry a note: the customer's own hedge or detail ("好像没有",
"弟弟开的", "五六千，按上限计"), shown in the summary they confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cn2an
import yaml
from pypinyin import lazy_pinyin

from bot.dialogue.unanswered import read_guess
from bot.nlu.not_covered import is_not_covered

PHRASES_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "report_answers.yml"
UNKNOWN = "unknown"  # a loss the customer cannot estimate: the surveyor assesses it (待定损)
LOSS_SLOTS = ("own_loss", "third_party_loss")
FREE_TEXT_SLOTS = ("accident_location", "description")  # answered in the customer's words
# Questions a plain yes or no answers (the question says what "yes" means).
YES_NO_SLOTS = ("anyone_injured", "car_drivable", "insured_driving", "insured_reporting")
# Longer messages are not an answer "in passing": they go through the whole NLU.
ANSWER_MAX_CHARS = 40

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {
    "十": 10,
    "百": 100,
    "千": 1000,
    "k": 1000,
    "K": 1000,
    "万": 10000,
    "w": 10000,
    "W": 10000,
}
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
HOUR_RANGE = re.compile(r"(?<!十)([一二两三四五六七八九])([二三四五六七八九十])点")
CLOCK_TIME = re.compile(r"[\d一二两三四五六七八九十]+\s*(点|时|:|：|分)")
NAMES_AMOUNT = re.compile(r"\d|[一二两三四五六七八九十几][十百千万块元]|[十百千万]块")
MAX_AMOUNT = 10_000_000  # 元: more is a typo, not a car


@dataclass(frozen=True)
class FormAnswer:
    slot: str
    value: Any  # True/False, an amount, UNKNOWN, or an ISO datetime
    note: str | None = None  # the customer's hedge or detail, for the summary


@cache
def _phrases_raw() -> dict[str, Any]:
    return yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))


@cache
def _phrases() -> dict[str, Any]:
    compiled: dict[str, Any] = {}
    for name, value in _phrases_raw().items():
        if name in ("dialect_words", "answer_words"):
            continue  # plain words, not patterns
        if isinstance(value, list):
            compiled[name] = [re.compile(p) for p in value]
        elif set(value) <= {"true", "false"}:  # a yes/no table
            compiled[name] = {k == "true": [re.compile(p) for p in v] for k, v in value.items()}
        else:  # event_times: pattern → HH:MM
            compiled[name] = [(re.compile(p), t) for p, t in value.items()]
    return compiled


def _any(name: str, text: str) -> re.Match[str] | None:
    for pattern in _phrases()[name]:
        match = pattern.search(text)
        if match:
            return match
    return None


def table_answer(name: str, text: str) -> bool | None:
    """True/False by the named table; its negative phrasings are tried first."""
    table = _phrases()[name]
    for value in (False, True):
        if any(p.search(text) for p in table[value]):
            return value
    return None


def hedge(text: str) -> str | None:
    """The customer's own hedge word ("好像", "应该", "大概"), if any."""
    match = _any("hedges", text)
    return match.group(0) if match else None


def is_question(text: str) -> bool:
    return bool(_any("question_marks", text.strip()))


def still_thinking(text: str) -> bool:
    """Words of someone not done answering ("嗯嗯那个", "呃让我想想")."""
    return bool(_any("fillers", text))


def asks_back(text: str) -> bool:
    """A question about the question ("地点要写多详细？"): not a free-text answer."""
    return bool(
        re.search(r"[?？]\s*$|(吗|么|嘛)[。.!！]*$|怎么(写|填|说)|要写|要填|多详细|多具体", text)
    )


def is_digression(text: str, intent: str | None, confidence: float) -> bool:
    """Whether the message is clearly not an answer: a question, a request for a
    person, cancelling, a claim-status or complaint request."""
    if _any("explicit_requests", text):
        return True
    if intent in ("cancel", "request_human") and confidence >= 0.8:
        return True
    return is_question(text)


def _short(text: str) -> str:
    return text if len(text) <= 12 else text[:12] + "…"


def without_hedge(text: str) -> str:
    """The answer without its hedge and trailing particles: "好像没有吧" → "没有"."""
    core = re.sub(r"[。.!！~～…,，\s]+$", "", text)
    core = re.sub(r"[吧啊呀哈啦哦喔呢嘛咯]+$", "", core)
    for pattern in _phrases()["hedges"]:
        core = pattern.sub("", core)
    return core.strip() or text


def _yes_no(slot: str, text: str) -> FormAnswer | None:
    note = hedge(text)
    core = without_hedge(text)
    specific = table_answer(slot, core)
    if specific is None and slot in ("insured_driving", "insured_reporting"):
        specific = True if _any("self_answers", core) else None
    if specific is None and _any("uncertain", core):
        # Nobody can rule out an injury: the injury path. Nobody dares drive: not drivable.
        guess = {"anyone_injured": True, "car_drivable": False}.get(slot)
        return None if guess is None else FormAnswer(slot, guess, text.strip())
    if specific is None and not still_thinking(core):
        specific = table_answer("yes_no", core)
    if specific is None:
        return None
    if slot in ("insured_driving", "insured_reporting") and specific is False:
        who = _any("relations", text)
        if who:
            note = f"{who.group(0)}" if note is None else f"{note}，{who.group(0)}"
    return FormAnswer(slot, specific, text.strip() if note else None)


def _two_vehicle(text: str) -> FormAnswer | None:
    known = table_answer("two_vehicle", text)
    if known is False:
        return FormAnswer("two_vehicle", False)
    if known or _any("other_parties", text):
        return FormAnswer("two_vehicle", True)
    return None


def _chinese_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _DIGITS:
        return _DIGITS[text]
    if text.startswith("十"):
        return 10 + (_DIGITS.get(text[1:], 0) if len(text) > 1 else 0)
    if len(text) >= 2 and text[1] == "十" and text[0] in _DIGITS:
        return _DIGITS[text[0]] * 10 + (_DIGITS.get(text[2:], 0) if len(text) > 2 else 0)
    return None


def _loss(slot: str, text: str) -> FormAnswer | None:
    """Ranges ("五六千", "2000到3000"), "X多", "几百" and "don't know"; plain amounts
    are the NLU's amount entities."""
    if _any("unknown_amount", text):
        return FormAnswer(slot, UNKNOWN, _short(text.strip()))
    if _any("no_loss", text) and not NAMES_AMOUNT.search(text):  # not "没啥事 三百吧"
        return FormAnswer(slot, 0.0)
    # 五六千, 两三万, 三五百: two rising digits and a unit → the upper one.
    match = re.search(r"([一二两三四五六七八])([二三四五六七八九])([十百千万])", text)
    if match and _DIGITS[match.group(2)] > _DIGITS[match.group(1)]:
        upper = _DIGITS[match.group(2)] * _UNITS[match.group(3)]
        return FormAnswer(slot, float(upper), f"{match.group(0)}，按上限计")
    # 不超过两千, 最多三千, 两千以内: the limit itself.
    match = re.search(
        r"(?:不超过|不到|最多|顶多|撑死)(.{1,8}?)(?:块|元|吧|$)|(.{1,8}?)(?:以内|之内)", text
    )
    limit = _number(match.group(1) or match.group(2)) if match else None
    if limit is not None:
        return FormAnswer(slot, limit, f"{match.group(0)}，按上限计")
    # 2000到3000, 两千到三千, 2000-3000, 1500~2000
    match = re.search(
        _NUMBER + r"([十百千万kKwW]?)\s*(?:到|至|-|~|～|—)\s*" + _NUMBER + r"([十百千万kKwW]?)",
        text,
    )
    if match:
        upper_number = _chinese_int(match.group(3)) if not match.group(3)[0].isdigit() else None
        number = float(match.group(3)) if upper_number is None else upper_number
        unit = _UNITS.get(match.group(4) or match.group(2), 1)
        return FormAnswer(slot, float(number * unit), f"{match.group(0)}，按上限计")
    # 几百, 几十: at most nine of them; 几千 and more are too vague.
    match = re.search(r"几(十|百)", text)
    if match:
        upper = _UNITS[match.group(1)] * 9
        return FormAnswer(slot, float(upper), f"{match.group(0)}，按{upper}元计")
    if re.search(r"几(千|万)|好几", text):
        return FormAnswer(slot, UNKNOWN, _short(text.strip()))
    # 两千多, 3000多, 一万多: the next step up.
    match = re.search(r"(\d+|[一二两三四五六七八九])([十百千万]?)多", text)
    if match:
        head = _chinese_int(match.group(1)) or 0
        unit = _UNITS.get(match.group(2), 1)
        step = unit if match.group(2) else 10 ** (len(match.group(1)) - 1)
        upper = head * unit + step
        return FormAnswer(slot, float(upper), f"{match.group(0)}，按{upper}元计")
    # A bare number the amount patterns missed: "3000快" (块 typed by sound), "壹仟伍佰元".
    bare = _number(
        re.sub(r"(块钱?|快|元|左右|上下|的样子|吧|啊|[\s。.!！~～])+$", "", without_hedge(text))
    )
    if bare is not None:
        return FormAnswer(slot, bare)
    numbers = re.findall(r"(\d+(?:\.\d+)?)\s*([kKwW千万]?)", text)  # "司机说1200": the one said
    if len(numbers) != 1:
        return None
    amount = float(numbers[0][0]) * _UNITS.get(numbers[0][1], 1)
    return FormAnswer(slot, amount) if amount <= MAX_AMOUNT else None


def _number(text: str) -> float | None:
    """An amount written in digits or Chinese numerals ("2000", "两千", "一千五", "壹仟")."""
    text = text.strip()
    if not text or len(text) > 10:
        return None
    short = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kKwW])", text)  # 2k, 1.5w
    if short:
        return float(short.group(1)) * _UNITS[short.group(2)]
    try:
        value = float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None
    return value if 0 <= value <= MAX_AMOUNT else None


def event_time(text: str, now: datetime, tz: ZoneInfo) -> FormAnswer | None:
    """A time given by what the customer was doing ("下班路上", "早饭后") or by the part
    of the day alone; a clock time ("晚上八点") is left to the time entities."""
    hours = HOUR_RANGE.search(text)
    if hours and (_chinese_int(hours.group(2)) or 0) > (_chinese_int(hours.group(1)) or 0):
        return _hour_range(hours, text, now, tz)  # "下午四五点": the later hour
    if CLOCK_TIME.search(text):
        return None
    for pattern, clock in _phrases()["event_times"]:
        match = pattern.search(text)
        if not match:
            continue
        local_now = now.astimezone(tz)
        if clock == "now":
            return FormAnswer("accident_time", local_now.replace(microsecond=0).isoformat())
        days_back = 2 if re.search(r"前(天|儿|晚)", text) else 1 if re.search(r"昨", text) else 0
        hour, minute = (int(part) for part in clock.split(":"))
        moment = (local_now - timedelta(days=days_back)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )
        if days_back == 0 and moment > local_now:
            moment -= timedelta(days=1)  # "下班路上" said before the evening: yesterday's
        return FormAnswer("accident_time", moment.isoformat(), f"按“{match.group(0)}”估计")
    return None


def _hour_range(match: re.Match[str], text: str, now: datetime, tz: ZoneInfo) -> FormAnswer:
    local_now = now.astimezone(tz)
    hour = _chinese_int(match.group(2)) or 0
    if re.search(r"下午|晚上|傍晚|夜里", text) and hour < 12:
        hour += 12
    days_back = 2 if re.search(r"前(天|儿|晚)", text) else 1 if re.search(r"昨", text) else 0
    moment = (local_now - timedelta(days=days_back)).replace(
        hour=hour % 24, minute=0, second=0, microsecond=0
    )
    if moment > local_now:
        moment -= timedelta(days=1)
    return FormAnswer("accident_time", moment.isoformat(), f"{match.group(0)}，按较晚的钟点计")


@cache
def _dialect() -> list[tuple[str, str]]:
    table = _phrases_raw()["dialect_words"]
    return sorted(table.items(), key=lambda item: -len(item[0]))


@cache
def _answer_sounds() -> list[tuple[str, tuple[str, ...]]]:
    return [(word, _sounds(word)) for word in _phrases_raw()["answer_words"]]


def _sounds(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char)[0] for char in text)


def colloquial(text: str) -> str:
    """Dialect words as their Mandarin (冇 → 没, 啱啱 → 刚刚) and everyday answer words
    mistyped by sound (美有 → 没有, 却认 → 确认); same length, only in form answers."""
    for word, mandarin in _dialect():
        text = text.replace(word, mandarin)
    sounds = _sounds(text)  # once per message: each window below is a slice of it
    for word, sound in _answer_sounds():
        size = len(word)
        for start in range(len(text) - size + 1):
            if sounds[start : start + size] == sound and text[start : start + size] != word:
                text = text[:start] + word + text[start + size :]
    return text


def answer_to(requested: str | None, text: str, now: datetime, tz: ZoneInfo) -> FormAnswer | None:
    """The answer this message gives to the question `requested`, or None."""
    text = text.strip()
    if not requested or not text or len(text) > ANSWER_MAX_CHARS:
        return None
    text = colloquial(text)
    if requested in YES_NO_SLOTS:
        return _yes_no(requested, text)
    if requested == "two_vehicle":
        return _two_vehicle(text)
    if requested in LOSS_SLOTS:
        return _loss(requested, text)
    if requested == "accident_time":
        return event_time(text, now, tz)
    return None


# What the classifier may call a place or a description it has no class for ("延安路口",
# "并线蹭到出租车"); a greeting, a thank-you or a request keeps its own flow.
FREE_TEXT_GUESSES = {"off_topic", "nlu_fallback", "faq"}
FAQ_SURE = 0.5  # an FAQ classified at least this sure is a question, not a description
# Intents the report form reads anyway; any other is re-read against the question.
FORM_INTENTS = {"inform", "affirm", "deny", "report_accident", "report_injury"}


def read_in_form(
    parse_data: dict[str, Any], active_loop: str | None, requested: str | None, tz: ZoneInfo
) -> dict[str, Any]:
    """Rasa's parse of a message, re-read as an answer to the report form's question.

    A message the classifier placed elsewhere ("和一辆出租车" → off-topic, "五六千" →
    not understood) becomes ``inform`` when it answers the question asked and is not
    clearly a question or request; the form then reads it. Anything else is unchanged.
    """
    if active_loop != "report_form" or not requested:
        return parse_data
    intent = parse_data.get("intent") or {}
    if intent.get("name") in FORM_INTENTS:
        return parse_data
    text = parse_data.get("text") or ""  # as our NLU normalised it
    if is_digression(text, intent.get("name"), float(intent.get("confidence") or 0)):
        return parse_data
    if requested in FREE_TEXT_SLOTS:
        # A place or what happened: any words will do, but not an FAQ the classifier is
        # sure of ("交强险赔多少" asked instead of describing). An FAQ whose answer is
        # "I cannot answer that" is one the classifier could not place either.
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0)
        placed_elsewhere = name not in FREE_TEXT_GUESSES or (
            name == "faq"
            and confidence >= FAQ_SURE
            and not is_not_covered(read_guess(parse_data).answer_key)
        )
        answers = not asks_back(text) and not placed_elsewhere
    else:
        answers = answer_to(requested, text, datetime.now(timezone.utc), tz) is not None
    if not answers:
        return parse_data
    return {
        **parse_data,
        "intent": {"name": "inform", "confidence": 1.0},
        "read_as_answer_to": requested,  # what the classifier said is kept in intent_ranking
    }
