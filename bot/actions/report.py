"""The accident report (报案): the form's validation, its summary, submit and cancel."""

import logging
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.actions.aftersales import reset_aftersales_events
from bot.actions.handoff import start_handoff
from bot.actions.messages import customer_message
from bot.actions.verified import verified_customer_id
from bot.db.session import claims_session
from bot.dialogue.form_answers import UNKNOWN
from bot.dialogue.report_facts import (
    DRAFT_FACTS,
    NOT_AN_ANSWER,
    NOTES,
    as_report_opening,
    facts_from_message,
    has_draft,
)
from bot.dialogue.report_summary import reasons_text, summary_fields
from bot.handoff.queue import reason_after_report
from bot.reporting import FiledReport, ReportFacts, file_report
from bot.rules.fast_track import LARGE_LOSS_THRESHOLD, Outcome
from bot.settings import load_settings

logger = logging.getLogger(__name__)

REPORT_SLOTS = (
    *DRAFT_FACTS,
    "report_confirmed",
    "report_draft_id",
    "answer_notes",
    "form_misses",
)
# A customer's estimate above this is a typo, not a car.
MAX_LOSS = 10_000_000
# Clock drift between phone and server: a few minutes "in the future" is still now.
FUTURE_TOLERANCE = timedelta(minutes=10)
# What to say when a reply does not answer the question asked (the question follows).
HINTS = {
    "accident_time": "utter_time_not_understood",
    "two_vehicle": "utter_two_vehicle_not_understood",
    "anyone_injured": "utter_yes_no_not_understood",
    "car_drivable": "utter_yes_no_not_understood",
    "own_loss": "utter_amount_not_understood",
    "third_party_loss": "utter_amount_not_understood",
    "insured_driving": "utter_who_not_understood",
    "insured_reporting": "utter_who_not_understood",
    "report_confirmed": "utter_please_confirm_or_correct",
}
# Slots the form's validation sets beside the report's facts.
FORM_BOOKKEEPING = ("report_draft_id", "form_misses", NOTES)
# After this many unreadable replies to one question, a person is offered (the draft stays).
MISSES_BEFORE_OFFER = 2


def reset_report_events() -> list[EventType]:
    return [SlotSet(slot, None) for slot in REPORT_SLOTS]


def _injury_just_reported(tracker: Tracker, facts: dict[str, Any]) -> bool:
    return facts.get("anyone_injured") is True and tracker.get_slot("anyone_injured") is not True


def _fact_events(tracker: Tracker, facts: dict[str, Any]) -> list[EventType]:
    """Slot events for the facts; the customer's notes merged with those kept so far (an
    answer changed without a new note loses its old one)."""
    notes = dict(tracker.get_slot(NOTES) or {})
    for slot, value in facts.items():
        if tracker.get_slot(slot) != value:
            notes.pop(slot, None)  # a changed answer; its new note, if any, follows
    notes.update(facts.pop(NOTES, {}))
    return [SlotSet(slot, value) for slot, value in facts.items()] + [SlotSet(NOTES, notes)]


def start_report_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Facts from the message that started the report, kept while identity is checked.
    A draft left unfinished is resumed, not thrown away (the customer can cancel it)."""
    tz = load_settings().timezone
    facts = facts_from_message(as_report_opening(customer_message(tracker)), None, tz)
    if _injury_just_reported(tracker, facts):
        dispatcher.utter_message(response="utter_injury_safety_first")
    if has_draft(tracker.current_slot_values()):
        dispatcher.utter_message(response="utter_report_resumed")
        return [*_fact_events(tracker, facts), SlotSet("form_misses", 0)]
    if not _injury_just_reported(tracker, facts):
        dispatcher.utter_message(response="utter_report_start")
    events = reset_report_events()
    events += _fact_events(tracker, facts)
    events.append(SlotSet("report_draft_id", uuid.uuid4().hex))
    return events


class ActionFactsWithoutQuestion(Action):
    """Accident facts told with no report under way ("两千左右" after the fast-track
    answer, "追尾了，人没事"): kept as a draft and the report started with them; right
    after a report was filed, only offered ("报案" then starts it)."""

    def name(self) -> str:
        return "action_facts_without_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        facts = facts_from_message(customer_message(tracker), None, load_settings().timezone)
        if not set(facts) - {NOTES}:
            dispatcher.utter_message(response="utter_how_can_i_help")
            return []
        draft = tracker.get_slot("report_draft_id") or uuid.uuid4().hex
        events = [SlotSet("report_draft_id", draft), *_fact_events(tracker, facts)]
        if tracker.get_slot("last_report_number"):
            # Just filed one: more facts may belong to it; a new report only if asked.
            dispatcher.utter_message(response="utter_offer_report_with_facts")
            return events
        return [*events, FollowupAction("action_start_request")]  # the report, with them


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        skipped = set()
        if tracker.get_slot("two_vehicle") is False:
            skipped.add("third_party_loss")
        if tracker.get_slot("is_company"):
            # domain.md §10: the driver/reporter conditions do not apply to companies.
            skipped |= {"insured_driving", "insured_reporting"}
        return [slot for slot in domain_slots if slot not in skipped]

    async def get_extraction_events(self, dispatcher, tracker, domain) -> list[EventType]:
        message = customer_message(tracker)
        if message.intent in NOT_AN_ANSWER:
            return []  # let the FAQ / cancel / handoff rules answer, then resume
        requested = tracker.get_slot("requested_slot")
        facts = facts_from_message(message, requested, load_settings().timezone)
        if _injury_just_reported(tracker, facts):
            dispatcher.utter_message(response="utter_injury_safety_first")
        changed = {slot for slot, value in facts.items() if tracker.get_slot(slot) != value}
        misses = 0
        if requested == "report_confirmed" and changed - {"report_confirmed", NOTES}:
            facts["report_confirmed"] = None  # a correction: show the summary again
        elif requested and requested not in facts and requested in HINTS:
            misses = int(tracker.get_slot("form_misses") or 0) + 1
            dispatcher.utter_message(response=HINTS[requested])
            if misses >= MISSES_BEFORE_OFFER:
                dispatcher.utter_message(response="utter_report_offer_human")
        draft = tracker.get_slot("report_draft_id") or uuid.uuid4().hex
        # Setting the draft id also keeps the form going when nothing new was
        # understood, so it asks its question again instead of falling back.
        return [
            SlotSet("report_draft_id", draft),
            SlotSet("form_misses", misses),
            *_fact_events(tracker, facts),
        ]

    async def get_validation_events(self, dispatcher, tracker, domain) -> list[EventType]:
        # rasa_sdk keeps only the form's own slots; the draft id, the notes and the miss
        # count are set with them and must be kept too.
        events = await super().get_validation_events(dispatcher, tracker, domain)
        pending = tracker.slots_to_validate()
        return events + [
            SlotSet(slot, pending[slot]) for slot in FORM_BOOKKEEPING if slot in pending
        ]

    def validate_accident_time(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            dispatcher.utter_message(response="utter_time_not_understood")
            return {"accident_time": None}
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=load_settings().timezone)
        if moment > datetime.now(timezone.utc) + FUTURE_TOLERANCE:
            dispatcher.utter_message(response="utter_time_in_future")
            return {"accident_time": None}
        return {"accident_time": moment.isoformat()}

    @staticmethod
    def _loss(slot: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        if value == UNKNOWN:
            return {slot: UNKNOWN}  # the surveyor assesses it (待定损)
        try:
            amount = float(value)
        except (TypeError, ValueError):
            amount = -1
        if not 0 <= amount <= MAX_LOSS:
            dispatcher.utter_message(response="utter_amount_not_understood")
            return {slot: None}
        return {slot: amount}

    def validate_own_loss(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._loss("own_loss", value, dispatcher)

    def validate_third_party_loss(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        return self._loss("third_party_loss", value, dispatcher)


class ActionAskReportConfirmed(Action):
    """The summary the customer confirms before anything is stored."""

    def name(self) -> str:
        return "action_ask_report_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        fields = summary_fields(tracker.current_slot_values(), load_settings().timezone)
        dispatcher.utter_message(response="utter_report_summary", **fields)
        return []


def _amount(value: Any) -> Decimal | None:
    """A loss slot as money; None when not given or not known (待定损)."""
    return None if value in (None, UNKNOWN) else Decimal(str(value))


def _facts(tracker: Tracker) -> ReportFacts:
    slot = tracker.get_slot
    third_party = slot("third_party_loss")
    return ReportFacts(
        occurred_at=datetime.fromisoformat(slot("accident_time")),
        location=slot("accident_location") or "",
        two_vehicle=bool(slot("two_vehicle")),
        anyone_injured=bool(slot("anyone_injured")),
        drivable=bool(slot("car_drivable")),
        own_loss=_amount(slot("own_loss")),
        third_party_loss=_amount(third_party),
        # A company's driver is never "the insured person" (domain.md §10).
        insured_driving=bool(slot("insured_driving")),
        insured_reporting=bool(slot("insured_reporting")),
        description=slot("description") or "",
    )


def _tell_outcome(dispatcher: CollectingDispatcher, filed: FiledReport) -> None:
    if not filed.newly_filed:
        dispatcher.utter_message(
            response="utter_report_already_filed", report_number=filed.report_number
        )
        return
    dispatcher.utter_message(response="utter_report_filed", report_number=filed.report_number)
    if filed.late_report:
        dispatcher.utter_message(response="utter_late_report")
    if not filed.own_damage_covered:
        dispatcher.utter_message(response="utter_no_vehicle_damage_cover")
    if filed.outcome is Outcome.INJURY_PATH:
        dispatcher.utter_message(response="utter_injury_safety_first")
        dispatcher.utter_message(
            response="utter_injury_specialist_notified", report_number=filed.report_number
        )
    elif filed.outcome is Outcome.WAIT_FOR_SURVEYOR:
        dispatcher.utter_message(
            response="utter_fast_track_not_eligible", reasons=reasons_text(filed.failed)
        )
        dispatcher.utter_message(response="utter_wait_for_surveyor")
    else:
        if filed.two_vehicle:
            # What to do with the other driver comes before leaving (domain.md §4).
            dispatcher.utter_message(response="utter_fast_track_eligible_two_vehicle")
            dispatcher.utter_message(response="utter_photo_checklist_two_vehicle")
            dispatcher.utter_message(response="utter_two_vehicle_documents")
        else:
            dispatcher.utter_message(response="utter_fast_track_eligible")
            dispatcher.utter_message(response="utter_photo_checklist_single")
        dispatcher.utter_message(response="utter_fast_track_modes")
    if filed.expert_team_offered:
        dispatcher.utter_message(response="utter_expert_team_offer")


class ActionSubmitReport(Action):
    def name(self) -> str:
        return "action_submit_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        customer_id = verified_customer_id(tracker)
        if customer_id is None:
            return reset_report_events()
        settings = load_settings()
        try:
            with claims_session() as session:
                filed = file_report(
                    session,
                    int(customer_id),
                    _facts(tracker),
                    idempotency_key=tracker.get_slot("report_draft_id") or uuid.uuid4().hex,
                    sender_id=tracker.sender_id,
                    now=datetime.now(timezone.utc),
                    tz=settings.timezone,
                )
        except SQLAlchemyError:
            logger.exception("could not file the report; the customer can confirm again")
            dispatcher.utter_message(response="utter_database_unavailable")
            # Back into the form at its last question, waiting for the customer: the
            # summary again, and the next "确认" submits (same idempotency key: one report).
            dispatcher.utter_message(
                response="utter_report_summary",
                **summary_fields(tracker.current_slot_values(), settings.timezone),
            )
            return [
                SlotSet("report_confirmed", None),
                SlotSet("requested_slot", "report_confirmed"),
                ActiveLoop("report_form"),
                FollowupAction("action_listen"),
            ]
        if filed is None:
            dispatcher.utter_message(response="utter_no_active_policy")
            return reset_report_events()
        _tell_outcome(dispatcher, filed)
        events = reset_report_events() + [SlotSet("last_report_number", filed.report_number)]
        facts = _facts(tracker)
        reason = filed.newly_filed and reason_after_report(
            filed.outcome.value,
            (facts.own_loss or 0) + (facts.third_party_loss or 0),
            LARGE_LOSS_THRESHOLD,
            filed.expert_team_offered,
        )
        return events + (start_handoff(dispatcher, tracker, reason) if reason else [])


class ActionCancelReport(Action):
    """Cancel the form in progress (report, complaint, after-sales request): nothing was
    stored, nothing is kept (domain.md §10)."""

    def name(self) -> str:
        return "action_cancel_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name is None:
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        dispatcher.utter_message(response="utter_report_cancelled")
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("pending_request", None),
            *reset_report_events(),
            *reset_aftersales_events(),
        ]
