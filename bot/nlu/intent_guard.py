"""Last word on the intent, from what the message is made of (no Rasa import).

Three cases the statistical classifier gets wrong for want of words:

- a whole-message short reply ("没有", "好的", "取消", "授信"): its intent is
  listed in ``bot/knowledge/short_replies.yml``; so is that of a reply said
  twice or more ("no no no", "谢谢谢谢") or of a farewell with thanks
  ("谢谢，再见");

- a question that names something this service does not cover (another
  insurance line, a car errand, the weather — ``bot/knowledge/off_topic.yml``)
  is off topic even though it shares its other words with our FAQ;
- no Chinese at all and nothing we can read ("hello", "<script>…", "😀"):
  the bot understands only Chinese, so this is "not understood" whatever the
  classifier guessed;
- a message the classifier could not place, or one with no Chinese, that
  carries an identifier ("沪A12345", "0001", "BA20261122000001"): what it
  is for follows from the identifier.
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
)


# Replies that may close a farewell without changing it ("谢谢，再见", "好的拜拜").
WITH_A_FAREWELL = {"goodbye", "thank", "affirm"}


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
    """The text, and what it repeats if it is one unit said again ("nonono" → "no")."""
    units = [bare[:size] for size in range(1, len(bare) // 2 + 1)
             if len(bare) % size == 0 and bare[:size] * (len(bare) // size) == bare]
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
    normal = normalize(text or "").lower()
    whole = _reply_intent(PUNCTUATION.sub("", normal))
    if whole:
        return whole
    parts = [_reply_intent(part) for part in PUNCTUATION.split(normal) if part]
    if len(parts) < 2 or None in parts:
        return None
    intents = set(parts)
    if len(intents) == 1:
        return intents.pop()
    if "goodbye" in intents and intents <= WITH_A_FAREWELL:
        return "goodbye"
    return None


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
    normal = normalize(text or "").lower()
    for topic, (signals, unless) in off_topic_rules().items():
        if signals.search(normal) and not unless.search(normal):
            return topic
    return None


def guarded_intent(text: str, intent: str | None, entities: set[str]) -> str | None:
    """The intent to use instead of ``intent``, or None to keep it."""
    short = short_reply_intent(text)
    if short:
        return None if short == intent else short
    if intent in QUESTION_INTENTS and off_topic_named(text):
        return OFF_TOPIC
    chinese = bool(CJK.search(text or ""))
    if chinese and intent != FALLBACK:
        return None
    for entity, implied in INTENT_BY_ENTITY:
        if entity in entities:
            return None if implied == intent else implied
    return None if chinese else FALLBACK
