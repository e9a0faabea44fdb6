"""Last word on the intent, from what the message is made of (no Rasa import).

Cases the statistical classifier gets wrong for want of words:

- a whole-message short reply ("没有", "好的", "取消", "授信"): its intent is
  listed in ``bot/knowledge/short_replies.yml``; so is that of a reply said
  twice or more ("no no no", "谢谢谢谢"), of a reply with thanks ("授权，谢谢")
  and of a farewell with thanks ("谢谢，再见");
- a question that names something this service does not cover (another
  insurance line, a car errand, the weather — ``bot/knowledge/off_topic.yml``)
  is off topic even though it shares its other words with our FAQ;
- a message that is nothing but a value ("今天早上", "两千左右", "沪A12345"):
  the value says what it is for;
- no Chinese at all and nothing we can read ("hello", "<script>…", "😀"):
  the bot understands only Chinese, so this is "not understood" whatever the
  classifier guessed;
- a message the classifier could not place, or one with no Chinese, that
  carries an identifier or a value ("沪A12345", "0001", "BA20261122000001",
  "…我车估计2000"): what it is for follows from it, unless the classifier's
  best guess is an accident report, which carries the same values.
"""

import re
from functools import cache
from pathlib import Path

import yaml

from bot.nlu.normalize import normalize

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
SHORT_REPLIES_FILE = KNOWLEDGE / "short_replies.yml"
OFF_TOPIC_FILE = KNOWLEDGE / "off_topic.yml"
PUNCTUATION = re.compile(r"[\s\W_]+")
# Particles that end a short reply without changing it ("没有啊", "好的呢").
PARTICLES = re.compile(r"[啊呀吧哈啦哦喔呢嘛了]+$")
CJK = re.compile(r"[\u3400-\u9fff]")
FALLBACK = "nlu_fallback"
OFF_TOPIC = "off_topic"
# What the classifier may have mistaken an off-topic question for.
QUESTION_INTENTS = {"faq", "ask_my_policy", "check_claim_status", FALLBACK}
# The entity that says what a message is for, most specific first.
INTENT_BY_ENTITY = (
    ("report_number", "check_claim_status"),
    ("plate", "provide_identity"),
    ("policy_number", "provide_identity"),
    ("phone_tail", "provide_identity"),
    ("amount", "inform"),
    ("accident_time", "inform"),
    ("location", "inform"),
)
IMPLIED_BY_ENTITY = dict(INTENT_BY_ENTITY)
# Only a message made of nothing but the value is placed by a place name.
ONLY_WHEN_ALONE = {"location"}
# Intents whose messages carry the same values: an uncertain "今早在南浦大桥
# 追尾了，我车估计2000" stays a report if that was the classifier's best guess.
CARRY_VALUES = {"report_accident", "report_injury"}
# What may surround a value that makes up a whole message ("大概两千左右吧").
AROUND_A_VALUE = re.compile(
    r"[\s\W_]|大概|大约|估计|差不多|左右|上下|应该|是|在|约|的|吧|啊|呀|了|呢"
)


# Replies that may close a farewell without changing it ("谢谢，再见", "好的拜拜").
WITH_A_FAREWELL = {"goodbye", "thank", "affirm"}
# Replies that add courtesy to another one ("授权，谢谢", "好的，取消吧").
COURTESY = {"thank", "affirm"}


@cache
def short_replies() -> dict[str, str]:
    """Short reply → intent, from the knowledge file."""
    listed = yaml.safe_load(SHORT_REPLIES_FILE.read_text(encoding="utf-8"))
    replies = {}
    for intent, phrases in listed.items():
        for phrase in phrases:
            if not isinstance(phrase, str):  # YAML reads a bare no/yes as a boolean
                raise ValueError(f"{SHORT_REPLIES_FILE.name}: quote {phrase!r} under {intent}")
            replies[PUNCTUATION.sub("", phrase.lower())] = intent
    return replies


def _said_once(bare: str) -> list[str]:
    """The text, and what it repeats if it is one unit said again ("nonono" → "no").

    Digits are never a repeated reply: "8888" is a phone tail, not 88 (bye) twice.
    """
    if bare.isdigit():
        return [bare]
    units = [
        bare[:size]
        for size in range(1, len(bare) // 2 + 1)
        if len(bare) % size == 0 and bare[:size] * (len(bare) // size) == bare
    ]
    return [bare, *units]


def _reply_intent(bare: str) -> str | None:
    replies = short_replies()
    for candidate in (bare, PARTICLES.sub("", bare)):
        for unit in _said_once(candidate):
            if unit in replies:
                return replies[unit]
    return None


def short_reply_intent(text: str) -> str | None:
    """The intent of a whole-message short reply (or of a few of them), or None."""
    return _short_reply(_normal(text))


def _normal(text: str | None) -> str:
    """What the guard's rules read: Simplified, half-width, lower case."""
    return normalize(text or "").lower()


def _short_reply(normal: str) -> str | None:
    whole = _reply_intent(PUNCTUATION.sub("", normal))
    if whole:
        return whole
    parts = [_reply_intent(part) for part in PUNCTUATION.split(normal) if part]
    if len(parts) < 2 or None in parts:
        return None
    intents = set(parts)
    if "goodbye" in intents and intents <= WITH_A_FAREWELL:
        return "goodbye"
    meant = intents - COURTESY
    if len(meant) == 1:
        return meant.pop()  # "授权，谢谢" → the choice
    return "thank" if not meant and "thank" in intents else None  # "好的，谢谢"


def value_alone(text: str, spans: list[tuple[str, int, int]]) -> str | None:
    """The entity a message consists of, give or take 大概/左右/吧 ("两千左右" → amount).

    ``spans`` are (entity, start, end) over ``text``; the most specific entity
    of INTENT_BY_ENTITY is returned when the spans and the hedges cover the text.
    """
    if not spans:
        return None
    rest = list(text)
    for _, start, end in spans:
        rest[start:end] = [" "] * (end - start)
    if AROUND_A_VALUE.sub("", "".join(rest)):
        return None
    names = {name for name, _, _ in spans}
    return next((entity for entity, _ in INTENT_BY_ENTITY if entity in names), None)


@cache
def off_topic_rules() -> dict[str, tuple[re.Pattern, re.Pattern]]:
    """Topic → (what names it, what keeps a message in scope), from the knowledge file."""
    listed = yaml.safe_load(OFF_TOPIC_FILE.read_text(encoding="utf-8"))
    return {
        topic: (re.compile("|".join(rule["signals"])), re.compile("|".join(rule["unless"])))
        for topic, rule in listed.items()
    }


def off_topic_named(text: str) -> str | None:
    """The off-topic subject a message names (e.g. "other_insurance"), or None."""
    return _off_topic(_normal(text))


def _off_topic(normal: str) -> str | None:
    for topic, (signals, unless) in off_topic_rules().items():
        if signals.search(normal) and not unless.search(normal):
            return topic
    return None


def guarded_intent(
    text: str,
    intent: str | None,
    entities: set[str],
    best_guess: str | None = None,
    alone: str | None = None,
) -> str | None:
    """The intent to use instead of ``intent``, or None to keep it.

    ``entities`` are the names of the entities found, ``alone`` the entity the
    whole message consists of (``value_alone``), ``best_guess`` the classifier's
    top intent when the fallback overruled it.
    """
    normal = _normal(text)
    short = _short_reply(normal)
    if short:
        return None if short == intent else short
    if intent in QUESTION_INTENTS and _off_topic(normal):
        return OFF_TOPIC
    if alone in IMPLIED_BY_ENTITY:
        implied = IMPLIED_BY_ENTITY[alone]
        return None if implied == intent else implied
    chinese = bool(CJK.search(text or ""))
    if chinese and intent != FALLBACK:
        return None
    for entity, meant in INTENT_BY_ENTITY:
        if entity in entities and entity not in ONLY_WHEN_ALONE:
            if meant == "inform" and intent == FALLBACK and best_guess in CARRY_VALUES:
                meant = best_guess
            return None if meant == intent else meant
    return None if chinese else FALLBACK
