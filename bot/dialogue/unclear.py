"""What the bot says when it could not place a message (no Rasa import).

The NLU's FallbackClassifier and the RulePolicy's core fallback both end in
``action_handle_misunderstanding``; this module decides why the message was
unclear. The action stores the reason in the slot ``unclear_reason`` and the
domain's ``utter_unclear`` picks the matching text.
"""

import re

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
# Longer than this is no longer "a question": ask for the gist instead of guessing.
LONG_MESSAGE_CHARS = 300
# domain.md §9: two misunderstandings in a row → offer a human.
MISSES_BEFORE_HUMAN = 2


def reply_for_unclear(text: str | None, consecutive_misses: int) -> str:
    """Why the bot did not understand a message (a value of the slot ``unclear_reason``).

    ``consecutive_misses`` counts this message too (1 = first miss).
    """
    stripped = (text or "").strip()
    if not stripped:
        return "empty"
    if consecutive_misses >= MISSES_BEFORE_HUMAN:
        return "offer_human"
    if len(stripped) > LONG_MESSAGE_CHARS:
        return "too_long"
    if not CJK.search(stripped):
        if LATIN.search(stripped):
            return "not_chinese"
        if not any(ch.isalnum() for ch in stripped):
            return "no_words"
    return "rephrase"


def count_consecutive_misses(events: list[dict], fallback_action: str) -> int:
    """How many user turns in a row ended in ``fallback_action``, this one included.

    ``events`` is a tracker's event list; the current turn is the last user
    event, which is being answered by the fallback right now.
    """
    misses = 1
    answered_by_fallback = False
    seen_current_turn = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "action" and event.get("name") == fallback_action:
            answered_by_fallback = True
        elif kind == "user":
            if seen_current_turn:
                if not answered_by_fallback:
                    break
                misses += 1
            seen_current_turn = True
            answered_by_fallback = False
    return misses
