"""Questions for staff: which customer messages the bot could not answer, or answered
unsure, and how the list of them is grouped (no Rasa import).

The insurer reads the list to see what customers ask that the bot lacks. Two
kinds are kept: ``unanswered`` (the bot said it did not understand:
``action_handle_misunderstanding``, or that it cannot answer that exactly:
a ``faq/not_covered…`` answer) and ``low_confidence`` (the bot answered,
but its own confidence in the answer was low). The action server reads the
NLU's verdict off the tracker's ``latest_message`` (bot/actions/unanswered.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.nlu.intent_guard import FALLBACK
from bot.nlu.normalize import normalize
from bot.nlu.not_covered import is_not_covered

UNANSWERED = "unanswered"
LOW_CONFIDENCE = "low_confidence"
KINDS = (UNANSWERED, LOW_CONFIDENCE)
# Intents whose answer a ResponseSelector picks (faq/…, off_topic/…).
RETRIEVAL_INTENTS = ("faq", "off_topic")

# The thresholds, in one place. Measured on the 909 real questions of
# ../shared/real-questions (development data; the model of 2026-12-07):
# - an answer (FAQ or off-topic) below 0.5 is more often wrong than right: of 90
#   questions drawn at random, 10 of the 11 answers at 0.5 or more addressed the
#   question, about a third of those between 0.3 and 0.5, almost none below 0.3.
#   The answer's confidence is AnswerVote's average over 58 answers, so a right
#   answer to a well-worded question scores 0.6–0.9 (交强险赔多少: 0.88);
# - an intent below 0.7 (the NLU fallback already takes those below 0.45): of
#   the 92 such messages, nearly all were questions we do not answer, taken for
#   another one (在哪买车险划算 → off-topic at 0.57; a fine for lapsed cover →
#   an FAQ at 0.55).
# Both err on the side of showing staff too much: a needless line in their list
# costs less than a wrong answer nobody sees. Re-measure after retraining.
LOW_INTENT_CONFIDENCE = 0.7
LOW_ANSWER_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Guess:
    """What the NLU made of a message: its best intent (other than the fallback),
    and for a retrieval intent the answer it chose."""

    intent: str | None
    intent_confidence: float | None
    answer_key: str | None = None  # faq/chesun_theft
    answer_confidence: float | None = None
    fell_back: bool = False  # the NLU fallback took the message


def read_guess(parse_data: Mapping[str, Any]) -> Guess:
    """The guess in a tracker's ``latest_message`` (Rasa's parse data)."""
    intent = parse_data.get("intent") or {}
    fell_back = intent.get("name") == FALLBACK
    if fell_back:  # the fallback hides the best guess: it is first in the ranking after it
        ranked = [i for i in parse_data.get("intent_ranking") or [] if i.get("name") != FALLBACK]
        intent = ranked[0] if ranked else {}
    name, confidence = intent.get("name"), intent.get("confidence")
    selection = (parse_data.get("response_selector") or {}).get(name) or {}
    answer = selection.get("response") or {}
    return Guess(
        intent=name,
        intent_confidence=None if confidence is None else float(confidence),
        answer_key=answer.get("intent_response_key") if name in RETRIEVAL_INTENTS else None,
        answer_confidence=(
            float(answer["confidence"])
            if name in RETRIEVAL_INTENTS and answer.get("confidence") is not None
            else None
        ),
        fell_back=fell_back,
    )


def _below(value: float | None, threshold: float) -> bool:
    return value is not None and value < threshold


def staff_should_see(text: str, guess: Guess, *, not_understood: bool, in_form: bool) -> str | None:
    """The kind of entry a message makes in the staff's list, or None for no entry.

    ``not_understood``: the bot answers it with "I did not understand"
    (``action_handle_misunderstanding``). ``in_form``: the bot was asking a form's
    question, so the message is most likely an answer to it (a place, an amount,
    a name), not a question — only a question asked in the middle of the form
    (an FAQ) counts then.
    """
    if not any(char.isalnum() for char in text):
        return None  # empty, emoji or punctuation only: nothing for staff to read
    if not_understood:
        return UNANSWERED
    if guess.fell_back:
        return None  # the fallback action tells: a form may still take it as an answer
    if in_form and guess.intent != "faq":
        return None  # an off-topic guess in a form is an answer read wrongly (an address…)
    if _below(guess.intent_confidence, LOW_INTENT_CONFIDENCE) or _below(
        guess.answer_confidence, LOW_ANSWER_CONFIDENCE
    ):
        return LOW_CONFIDENCE
    if guess.intent == "faq" and is_not_covered(guess.answer_key):
        return UNANSWERED  # a sure "I cannot answer that": what staff should add next
    return None


# --- grouping the list by wording -------------------------------------------------

# Two wordings are one question when their character bigrams overlap this much
# (Jaccard): 车卖了以后保单还能用吗 / 车子卖了以后保单还能用吗 0.73 → one group;
# 交强险赔多少 / 三者险赔多少 0.43 → two.
SIMILAR_WORDING = 0.5
SHOWN_WORDINGS = 5  # distinct wordings kept per group, newest first
SHOWN_GUESSES = 3
_NOT_WORDS = re.compile(r"[^\u3400-\u9fffa-z]+")  # digits, punctuation, masks, spaces
_TRAILING_PARTICLES = re.compile(r"[吗呢啊吧呀哦么嘛啦]+$")


class AskedMessage(Protocol):
    """A stored message (bot.db.models.UnansweredMessage has these attributes)."""

    text: str
    kind: str
    intent: str | None
    intent_confidence: float | None
    answer_key: str | None
    answer_confidence: float | None
    channel: str | None
    created_at: datetime


def wording_key(text: str) -> str:
    """The text reduced to its words: Simplified, lower case, without digits,
    punctuation, masks or a closing particle (能赔吗 = 能赔么 = 能赔)."""
    words = _NOT_WORDS.sub("", normalize(text).lower())
    return _TRAILING_PARTICLES.sub("", words) or words


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) or frozenset({key})


def guess_label(message: AskedMessage) -> str:
    """What the bot took the message for: the answer it chose, else the intent."""
    return message.answer_key or message.intent or "—"


def _confidence(message: AskedMessage) -> float | None:
    return message.answer_confidence if message.answer_key else message.intent_confidence


@dataclass
class QuestionGroup:
    """Messages worded alike: the newest wording stands for them."""

    text: str
    first_at: datetime
    last_at: datetime
    count: int = 0
    wordings: list[str] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    guesses: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    _confidences: dict[str, list[float]] = field(default_factory=dict, repr=False)

    def add(self, message: AskedMessage) -> None:
        self.count += 1
        self.first_at = min(self.first_at, message.created_at)
        self.last_at = max(self.last_at, message.created_at)
        if message.text not in self.wordings and len(self.wordings) < SHOWN_WORDINGS:
            self.wordings.append(message.text)
        self.kinds[message.kind] += 1
        label = guess_label(message)
        self.guesses[label] += 1
        if (confidence := _confidence(message)) is not None:
            self._confidences.setdefault(label, []).append(confidence)
        self.channels[message.channel or "—"] += 1

    def top_guesses(self) -> list[tuple[str, int, float | None]]:
        """The bot's most frequent guesses: (label, times, mean confidence)."""
        ranked = sorted(self.guesses.items(), key=lambda item: (-item[1], item[0]))
        return [
            (label, times, _mean(self._confidences.get(label)))
            for label, times in ranked[:SHOWN_GUESSES]
        ]


def _mean(values: list[float] | None) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def group_questions(messages: Iterable[AskedMessage]) -> list[QuestionGroup]:
    """Messages grouped by similar wording, the most recently asked group first.

    Deterministic: messages are taken newest first (ties: as given); each joins
    the group of an identical key, else the earliest-made group whose key's
    bigrams overlap its own by SIMILAR_WORDING, else starts a group. A group's
    key is that of its newest message.
    """
    ordered = sorted(messages, key=lambda m: m.created_at, reverse=True)  # stable
    groups: list[QuestionGroup] = []
    by_key: dict[str, int] = {}
    grams_of: list[frozenset[str]] = []
    groups_with: dict[str, list[int]] = {}  # bigram → groups whose key has it
    for message in ordered:
        key = wording_key(message.text)
        index = by_key.get(key)
        if index is None:
            index = _similar_group(_bigrams(key), grams_of, groups_with)
        if index is None:
            index = len(groups)
            grams = _bigrams(key)
            groups.append(QuestionGroup(message.text, message.created_at, message.created_at))
            grams_of.append(grams)
            for gram in grams:
                groups_with.setdefault(gram, []).append(index)
        by_key.setdefault(key, index)
        groups[index].add(message)
    return sorted(groups, key=lambda g: g.last_at, reverse=True)


def _similar_group(
    grams: frozenset[str], grams_of: list[frozenset[str]], groups_with: dict[str, list[int]]
) -> int | None:
    shared: Counter = Counter()
    for gram in grams:
        shared.update(groups_with.get(gram, ()))
    for index in sorted(shared):
        overlap = shared[index]
        if overlap / (len(grams) + len(grams_of[index]) - overlap) >= SIMILAR_WORDING:
            return index
    return None
