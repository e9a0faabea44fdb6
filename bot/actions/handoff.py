"""Human handoff (转人工): queue the conversation for an agent and pause the bot,
or record a call-back; let a waiting customer cancel; ask for a score afterwards.

Where the conversation goes (queue or call-back), the queue's rules and the
calls to Rasa's API that resume it are in bot/handoff/; the state lives in the
claims database, so any Rasa server and any console can serve any conversation. The agent console resumes the conversation itself
(see bot/console/).
"""

import logging
import re
from datetime import datetime, timezone

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.actions.messages import customer_message
from bot.actions.unanswered import record_if_unanswered
from bot.actions.verified import verified_customer_id
from bot.concepts.tickets import CloseReason, TicketStatus
from bot.db import repository
from bot.db.session import claims_session
from bot.dialogue.account_text import parse_score
from bot.dialogue.report_facts import clean_free_text, has_draft
from bot.handoff.display import NOT_FOR_REPLIES, output_channel
from bot.handoff.hours import parse_office_hours
from bot.handoff.placement import CallbackOffered, open_ticket, place_conversation
from bot.handoff.queue import wants_to_stop_waiting
from bot.handoff.resume import schedule_resume
from bot.settings import load_settings
from bot.texts import response_text

logger = logging.getLogger(__name__)

# What the bot says first, by reason; the identity lock message already says it.
INTRO = {
    "customer_request": "utter_how_to_reach_human",
    "not_understood": "utter_handoff_not_understood",
    "injury": "utter_handoff_injury",
    "large_loss": "utter_handoff_large_loss",
    "complaint": "utter_handoff_complaint",
}
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
NOT_NOW = {"cancel", "deny"}  # intents that leave the call-back or rating form
NO_COMMENT = re.compile(r"^\s*(没有|没了|无|不用了?|没什么|没有了|沒有)[\s。.!！了]*$")
FORM_SLOTS = ("callback_phone", "callback_time", "rating_score", "rating_comment")


def _leave_form(tracker: Tracker) -> list[EventType]:
    """An agent (or the call-back) takes over: the form in progress stops asking."""
    if tracker.active_loop_name is None:
        return []
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


def start_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, offer_callback: bool = True
) -> list[EventType]:
    """Queue the conversation for an agent and pause the bot; if nobody can take it
    (outside office hours, no agent online) offer a call-back, when `offer_callback`."""
    settings = load_settings()
    try:
        with claims_session() as session:
            placed = place_conversation(
                session,
                tracker.sender_id,
                reason,
                verified_customer_id(tracker),
                settings,
                datetime.now(timezone.utc),
            )
    except SQLAlchemyError:
        logger.exception("could not queue the conversation for an agent")
        dispatcher.utter_message(response="utter_database_unavailable")
        return []
    if isinstance(placed, CallbackOffered):
        return _offer_callback(dispatcher, tracker, reason, placed.open_now, offer_callback)
    if INTRO.get(reason):
        dispatcher.utter_message(response=INTRO[reason])
    dispatcher.utter_message(
        response="utter_handoff_queued", position=placed.position, wait_minutes=placed.wait_minutes
    )
    return [
        SlotSet("handoff_ticket_id", placed.ticket_id),
        SlotSet("handoff_reason", reason),
        *_leave_form(tracker),
        ConversationPaused(),
    ]


def _offer_callback(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    open_now: bool,
    offer_callback: bool,
) -> list[EventType]:
    if not offer_callback:
        return []
    if open_now:
        dispatcher.utter_message(response="utter_handoff_offer_callback_busy")
    else:
        dispatcher.utter_message(
            response="utter_handoff_offer_callback_closed",
            hours=str(parse_office_hours(load_settings().office_hours)),
        )
    return [
        SlotSet("handoff_reason", reason),
        *_leave_form(tracker),
        FollowupAction("callback_form"),
    ]


class ActionStartHandoff(Action):
    """The customer asked for a person (any wording, also in the middle of a form)."""

    def name(self) -> str:
        return "action_start_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return start_handoff(dispatcher, tracker, "customer_request")


class ActionHandoffWatch(Action):
    """Runs on every customer message through the slot mapping of handoff_ticket_id.

    Rasa predicts nothing while a conversation is paused, but it still extracts
    slots: this is how "取消" / "不用了" from a waiting customer is heard. Running
    before every answer, it also keeps the messages the bot is unsure of for staff.
    """

    def name(self) -> str:
        return "action_handoff_watch"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.is_paused():
            record_if_unanswered(tracker, not_understood=False)
            return []
        message = customer_message(tracker)
        farewell = None
        with claims_session() as session:
            ticket = repository.live_ticket_for_sender(session, tracker.sender_id)
            if ticket is not None:
                if ticket.status != TicketStatus.WAITING or not wants_to_stop_waiting(
                    message.intent, message.text
                ):
                    return []  # the agent reads it in the console
                if not repository.end_ticket(
                    session, ticket.id, CloseReason.CANCELLED, from_statuses=(TicketStatus.WAITING,)
                ):
                    return []  # an agent accepted it this very moment
                farewell = response_text("utter_handoff_cancelled")
        # Cancelled, or paused with no live ticket left: the bot takes over again.
        schedule_resume(
            tracker.sender_id, farewell, output_channel(tracker.events, NOT_FOR_REPLIES)
        )
        return [SlotSet("handoff_ticket_id", None)]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def get_extraction_events(self, dispatcher, tracker, domain) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        message = customer_message(tracker)
        if requested is None or message.intent in NOT_NOW:
            return []  # activation, or "不用了": the rule stops the form
        if requested == "callback_phone":
            match = MOBILE.search(re.sub(r"[\s\-]", "", message.text))
            if match is None:
                dispatcher.utter_message(response="utter_callback_phone_invalid")
            return [SlotSet("callback_phone", match.group(1) if match else None)]
        text = clean_free_text(message.own_words)[:100]
        return [SlotSet(requested, text or None)]


class ActionRegisterCallback(Action):
    def name(self) -> str:
        return "action_register_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        phone, preferred = tracker.get_slot("callback_phone"), tracker.get_slot("callback_time")
        reason = tracker.get_slot("handoff_reason") or "customer_request"
        with claims_session() as session:
            ticket = open_ticket(
                session, tracker.sender_id, reason, verified_customer_id(tracker), callback=True
            )
            repository.record_callback(session, ticket, phone, preferred)
        dispatcher.utter_message(
            response="utter_callback_registered", phone=phone, preferred_time=preferred
        )
        if has_draft(tracker.current_slot_values()):
            dispatcher.utter_message(response="utter_report_draft_kept")
        return [
            SlotSet(slot, None) for slot in ("callback_phone", "callback_time", "handoff_reason")
        ]


class ValidateHandoffRatingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_rating_form"

    async def get_extraction_events(self, dispatcher, tracker, domain) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        message = customer_message(tracker)
        if requested == "rating_score":
            if message.intent in NOT_NOW:
                return []  # no score: the rule stops the form
            score = parse_score(message.text)
            if score is None:
                dispatcher.utter_message(response="utter_rating_not_understood")
            return [SlotSet("rating_score", None if score is None else str(score))]
        if requested == "rating_comment":
            no_comment = message.intent in NOT_NOW or NO_COMMENT.match(message.text)
            return [
                SlotSet("rating_comment", "" if no_comment else clean_free_text(message.own_words))
            ]
        return []


class ActionStoreHandoffRating(Action):
    """The score after a handoff, in the same table as every other rating (回访)."""

    def name(self) -> str:
        return "action_store_handoff_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        score = int(tracker.get_slot("rating_score"))
        ticket_id = tracker.get_slot("handoff_ticket_id")
        with claims_session() as session:
            ticket = repository.handoff_ticket(session, int(ticket_id)) if ticket_id else None
            repository.store_rating(
                session,
                score,
                comment=tracker.get_slot("rating_comment") or None,
                customer_id=ticket.customer_id if ticket else verified_customer_id(tracker),
                report_id=ticket.report_id if ticket else None,
                handoff_ticket_id=ticket.id if ticket else None,
            )
        dispatcher.utter_message(response="utter_rating_stored", score=score)
        return [
            SlotSet(slot, None)
            for slot in ("rating_score", "rating_comment", "handoff_ticket_id", "handoff_reason")
        ]


class ActionStopHandoffForm(Action):
    """ "不用了" in the call-back or rating form: stop asking, store nothing."""

    def name(self) -> str:
        return "action_stop_handoff_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name == "callback_form":
            dispatcher.utter_message(response="utter_callback_not_needed")
        else:
            dispatcher.utter_message(response="utter_rating_skipped")
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            *[SlotSet(slot, None) for slot in FORM_SLOTS],
            SlotSet("handoff_reason", None),
        ]
