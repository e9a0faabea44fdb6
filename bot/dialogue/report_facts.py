"""Facts for the accident report (报案), read from one customer message.

No Rasa import: the report form's validation action hands over the message's
text, intent and entities (already normalised by our NLU components) and the
slot being asked, and gets back the slot values this message supports. One
message may fill several slots ("今天上午十点在延安路追尾了 没人受伤 我车大概两千
对方一千五"); a later message may correct any of them ("不对，损失是四千").
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from bot.dialogue.form_answers import (
    FREE_TEXT_SLOTS,
    answer_to,
    asks_back,
    colloquial,
    is_question,
    still_thinking,
    table_answer,
)
from bot.settings import load_settings

# Intents whose messages may carry report facts. Questions (faq), requests
# for a person etc. never fill a slot: "有人受伤怎么办" is not an injury report.
FACT_INTENTS = {"report_accident", "inform", "affirm", "deny", "report_injury", "nlu_fallback"}
# Intents whose message may be a plain yes or no to the question asked.
YES_NO_INTENTS = {"affirm", "deny", "inform", "nlu_fallback"}
# Free-text answers (place, description) are taken from any message except these.
NOT_AN_ANSWER = {
    "faq",
    "off_topic",
    "request_human",
    "cancel",
    "greet",
    "goodbye",
    "thank",
    "bot_challenge",
    "complain",
    "check_claim_status",
    "ask_my_policy",
    "photo_uploaded",
    "request_aftersales",
    "change_bank_account",
}
# Slots whose answer is a number or a time: read even when the intent is unclear.
ANSWERED_BY_ENTITY = ("own_loss", "third_party_loss", "accident_time")
BOOLEAN_SLOTS = (
    "two_vehicle",
    "anyone_injured",
    "car_drivable",
    "insured_driving",
    "insured_reporting",
)
# The reply read against the question asked wins over facts read from its words alone:
# a range ("五六千") or "下班路上" says more than the amount or day in it, and "不是本人
# 我是司机" is about the reporter asked after, not the driver.
SAYS_MISTAKE = re.compile(r"错|改|更正|纠正|订正")
NOTES = "answer_notes"  # slot: {report slot: the customer's hedge or detail}
# The facts that make a report begun worth resuming ("继续报案") rather than starting afresh.
DRAFT_FACTS = (
    "accident_time",
    "accident_location",
    "two_vehicle",
    "anyone_injured",
    "car_drivable",
    "own_loss",
    "third_party_loss",
    "insured_driving",
    "insured_reporting",
    "description",
)
FREE_TEXT_LIMIT = 200
# A report message this long already tells what happened: keep it as the description.
DESCRIPTIVE_REPORT_CHARS = 12


@dataclass(frozen=True)
class CustomerMessage:
    text: str  # as the NLU normalised it (Simplified, half-width): what rules read
    intent: str | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    words: str = ""  # as the customer typed it: what is stored as their own words

    @property
    def own_words(self) -> str:
        return self.words or self.text


def as_report_opening(message: CustomerMessage) -> CustomerMessage:
    """The message that opened a report, read as a report whatever else it named
    ("沪A12345 尾号0001 刚追尾了…" is classified as an identity message)."""
    return replace(message, intent="report_accident")


def tells_an_accident(message: CustomerMessage) -> bool:
    """Whether a message that was not classified as a report still tells one: at least
    two facts of an accident (time, place, the other car, injuries, losses…)."""
    facts = facts_from_message(as_report_opening(message), None)
    return len(set(facts) - {NOTES, "description"}) >= 2


def has_draft(slots: dict[str, Any]) -> bool:
    """A report begun and neither filed nor cancelled: left for a person, a call-back or a
    restart of the servers. Its facts stay in the conversation until then."""
    return bool(slots.get("report_draft_id")) and any(
        slots.get(slot) is not None for slot in DRAFT_FACTS
    )


def clean_free_text(text: str) -> str:
    """A customer's own words, safe to store and to show back in any channel."""
    text = re.sub(r"<[^>]*>", "", text)  # drop markup entirely
    text = text.replace("<", "＜").replace(">", "＞")
    return re.sub(r"\s+", " ", text).strip()[:FREE_TEXT_LIMIT]


def _entity_values(message: CustomerMessage, name: str, role: str | None = None) -> list:
    return [
        e.get("value")
        for e in message.entities
        if e.get("entity") == name and e.get("role") == role
    ]


def _amounts(message: CustomerMessage, requested: str | None) -> dict[str, float]:
    own = _entity_values(message, "amount")
    other = _entity_values(message, "amount", "third_party")
    if requested == "third_party_loss" and own and not other:
        own, other = [], own  # a bare amount answers the question that was asked
    facts = {}
    # When a message names two values ("不是两千是三千") the last one is meant.
    if own:
        facts["own_loss"] = float(own[-1])
    if other:
        facts["third_party_loss"] = float(other[-1])
    return facts


def _booleans(
    message: CustomerMessage, requested: str | None, other_facts: bool
) -> dict[str, bool]:
    text = message.text
    facts = {}
    for slot in ("two_vehicle", "anyone_injured", "car_drivable", "insured_driving"):
        answer = table_answer(slot, text)
        if answer is not None:
            facts[slot] = answer
    someone_else = table_answer("reporting_for_someone", text)
    if someone_else is not None:
        facts["insured_reporting"] = not someone_else
    if message.intent == "report_injury":
        facts["anyone_injured"] = True
    # "不对，损失是四千" is a correction, not a "no" to the question asked.
    plain_answer = (
        not facts
        and not other_facts
        and message.intent in YES_NO_INTENTS
        and not is_correction(message)
        and not still_thinking(message.text)  # "嗯嗯那个" is no yes yet
    )
    if requested in BOOLEAN_SLOTS and plain_answer:
        answer = yes_or_no(message)
        if answer is not None:
            facts[requested] = answer
    return facts


def is_correction(message: CustomerMessage) -> bool:
    """Whether the message puts right something said before (不对/说错了/改成…)."""
    return bool(table_answer("correction", message.text.strip()))


def yes_or_no(message: CustomerMessage) -> bool | None:
    """A plain yes (True) or no (False) to the question asked, or None."""
    if message.intent == "affirm":
        return True
    if message.intent == "deny":
        return False
    return table_answer("yes_no", message.text.strip())


def _structured_facts(message: CustomerMessage, requested: str | None) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    times = _entity_values(message, "accident_time")
    if times:
        facts["accident_time"] = times[-1]
    places = _entity_values(message, "location")
    if places:
        facts["accident_location"] = clean_free_text(str(places[-1]))
    facts.update(_amounts(message, requested))
    facts.update(_booleans(message, requested, other_facts=bool(facts)))
    return facts


def _answer_to_question(
    message: CustomerMessage, requested: str | None, facts: dict[str, Any], tz: ZoneInfo
) -> None:
    """The reply read against the question asked (bot/dialogue/form_answers.py): a range,
    "don't know" or a time given by an event is more precise than the bare amount or day
    the entities found; a yes/no answer fills the question when nothing else did."""
    # "不对，损失是四千" and "不对不对，我记错了" put something else right: not a "no"
    # to the question asked. But "不是，我是他同事" is the answer itself.
    if requested is None:
        return
    if is_correction(message) and (set(facts) - {requested} or SAYS_MISTAKE.search(message.text)):
        return
    answer = answer_to(requested, message.text, datetime.now(timezone.utc), tz)
    if answer is None:
        return
    facts[requested] = answer.value
    if answer.note and facts[requested] == answer.value:
        facts.setdefault(NOTES, {})[requested] = clean_free_text(answer.note)


def facts_from_message(
    message: CustomerMessage, requested: str | None, tz: ZoneInfo | None = None
) -> dict[str, Any]:
    """The report slots this message fills, given the slot the bot asked for.

    Under the key NOTES: the customer's hedges and details per slot, for the summary."""
    if message.intent in NOT_AN_ANSWER:
        return {}
    message = replace(message, text=colloquial(message.text))  # 冇人受伤 → 没人受伤
    text = message.text.strip()
    if requested and requested not in FREE_TEXT_SLOTS and is_question(text):
        return {}  # "受伤了医药费谁出" asks; it does not answer
    facts: dict[str, Any] = {}
    if message.intent in FACT_INTENTS or requested in ANSWERED_BY_ENTITY:
        facts = _structured_facts(message, requested)
    _answer_to_question(message, requested, facts, tz or load_settings().timezone)
    # "倒车蹭到柱子了" answers "what happened"; "不对，损失是四千" does not.
    # "追尾了前车" (inform or a report) answers "what happened" even though it
    # also says that two cars were involved.
    answers_free_text = not is_correction(message) and not asks_back(text)
    if requested in FREE_TEXT_SLOTS and requested not in facts and text and answers_free_text:
        facts[requested] = clean_free_text(message.own_words)
    if message.intent == "report_accident" and len(text) >= DESCRIPTIVE_REPORT_CHARS:
        facts.setdefault("description", clean_free_text(message.own_words))
    if requested == "report_confirmed" and (
        message.intent == "affirm" or (not is_correction(message) and table_answer("yes_no", text))
    ):
        facts["report_confirmed"] = True
    return facts
