"""Last word on the intent, from what the message is made of (no Rasa import).

Three cases the statistical classifier gets wrong for want of words:

- a whole-message short reply ("没有", "好的", "取消", "授信"): its intent is
  listed in ``bot/knowledge/short_replies.yml``;

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

SHORT_REPLIES_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "short_replies.yml"
PUNCTUATION = re.compile(r"[\s\W_]+")
# Particles that end a short reply without changing it ("没有啊", "好的呢").
PARTICLES = re.compile(r"[啊呀吧哈啦哦喔呢嘛了]+$")
CJK = re.compile(r"[\u3400-\u9fff]")
FALLBACK = "nlu_fallback"
# The entity that says what a message is for, most specific first.
INTENT_BY_ENTITY = (
    ("report_number", "check_claim_status"),
    ("plate", "provide_identity"),
    ("policy_number", "provide_identity"),
    ("phone_tail", "provide_identity"),
    ("amount", "inform"),
    ("accident_time", "inform"),
)


@cache
def short_replies() -> dict[str, str]:
    """Short reply → intent, from the knowledge file."""
    listed = yaml.safe_load(SHORT_REPLIES_FILE.read_text(encoding="utf-8"))
    return {
        PUNCTUATION.sub("", str(phrase).lower()): intent
        for intent, phrases in listed.items()
        for phrase in phrases
    }


def short_reply_intent(text: str) -> str | None:
    """The intent of a whole-message short reply, or None."""
    bare = PUNCTUATION.sub("", normalize(text or "").lower())
    replies = short_replies()
    return replies.get(bare) or replies.get(PARTICLES.sub("", bare))


def guarded_intent(text: str, intent: str | None, entities: set[str]) -> str | None:
    """The intent to use instead of ``intent``, or None to keep it."""
    short = short_reply_intent(text)
    if short:
        return None if short == intent else short
    chinese = bool(CJK.search(text or ""))
    if chinese and intent != FALLBACK:
        return None
    for entity, implied in INTENT_BY_ENTITY:
        if entity in entities:
            return None if implied == intent else implied
    return None if chinese else FALLBACK
