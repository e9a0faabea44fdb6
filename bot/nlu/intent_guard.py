"""Last word on the intent, from what the message is made of (no Rasa import).

Two cases the statistical classifier gets wrong for want of Chinese words:

- no Chinese at all and nothing we can read ("hello", "<script>…", "😀"):
  the bot understands only Chinese, so this is "not understood" whatever the
  classifier guessed;
- a message the classifier could not place, or one with no Chinese, that
  carries an identifier ("沪A12345", "0001", "BA20261122000001"): what it
  is for follows from the identifier.
"""

import re

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


def guarded_intent(text: str, intent: str | None, entities: set[str]) -> str | None:
    """The intent to use instead of ``intent``, or None to keep it."""
    chinese = bool(CJK.search(text or ""))
    if chinese and intent != FALLBACK:
        return None
    for entity, implied in INTENT_BY_ENTITY:
        if entity in entities:
            return None if implied == intent else implied
    return None if chinese else FALLBACK
