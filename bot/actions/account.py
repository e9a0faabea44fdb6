"""A verified customer's own records: claim status, policy, fast-track choices,
complaints, ratings and photo labels. Every query is scoped to the customer."""

from datetime import date

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from bot.actions.handoff import start_handoff
from bot.actions.messages import customer_message, entity_value
from bot.actions.verified import verified_customer_id
from bot.db import repository
from bot.db.models import Report
from bot.db.session import claims_session
from bot.dialogue.account_text import (
    EXPERT_TEAM_REFUSALS,
    cover_lines,
    expert_team_refusal_of,
    history_lines,
    local_date,
    parse_score,
    photo_item,
    states_grievance,
    status_text,
)
from bot.dialogue.report_facts import clean_free_text
from bot.dialogue.report_summary import money
from bot.photo_store import progress
from bot.rules.fast_track import LARGE_LOSS_THRESHOLD, SettlementMode
from bot.rules.photos import CHECKLIST, missing_items
from bot.settings import load_settings


def _customer_id(tracker: Tracker) -> int | None:
    """The verified customer, or None: nothing personal is said before identity."""
    return verified_customer_id(tracker)


def _asked_report_number(tracker: Tracker) -> str | None:
    """The report number the customer named; one named before identity was checked is
    kept in last_report_number."""
    number = entity_value(tracker, "report_number") or tracker.get_slot("last_report_number")
    return str(number) if number else None


def _own_report(session: Session, tracker: Tracker, customer_id: int) -> Report | None:
    """The report this conversation is about: the one named, else the customer's latest."""
    return repository.customer_report(session, customer_id, _asked_report_number(tracker))


def tell_claim_status(dispatcher: CollectingDispatcher, tracker: Tracker, customer_id: int) -> None:
    """The named report's status (else the latest), only if it is this customer's."""
    tz = load_settings().timezone
    asked = _asked_report_number(tracker)
    with claims_session() as session:
        report = repository.customer_report(session, customer_id, asked)
        if report is None:
            if asked:
                dispatcher.utter_message(
                    response="utter_claim_not_found", report_number=asked.upper()
                )
            else:
                dispatcher.utter_message(response="utter_no_claims")
            return
        dispatcher.utter_message(
            response="utter_claim_status",
            report_number=report.report_number,
            accident_date=local_date(report.accident_at, tz),
            status=status_text(report.status),
            history=history_lines(report, tz),
        )
        if report.declined_reason:
            dispatcher.utter_message(
                response="utter_claim_declined_reason", reason=report.declined_reason
            )


def tell_my_policy(dispatcher: CollectingDispatcher, customer_id: int) -> None:
    """The cover of the customer's policy in force today, from the database."""
    with claims_session() as session:
        policy = repository.active_policy(session, customer_id, date.today())
        if policy is None:
            dispatcher.utter_message(response="utter_no_active_policy")
            return
        dispatcher.utter_message(
            response="utter_my_policy",
            policy_number=policy.policy_number,
            plate=policy.vehicle.plate,
            start=f"{policy.period_start:%Y-%m-%d}",
            end=f"{policy.period_end:%Y-%m-%d}",
            cover=cover_lines(policy),
        )


class ActionChooseSettlementMode(Action):
    """授权 or 授信, stored on the customer's fast-track report (domain.md §10)."""

    def name(self) -> str:
        return "action_choose_settlement_mode"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        customer_id = _customer_id(tracker)
        intent = tracker.get_intent_of_latest_message()
        mode = SettlementMode.CREDIT if intent == "choose_credit" else SettlementMode.AUTHORISED
        with claims_session() as session:
            report = _own_report(session, tracker, customer_id) if customer_id else None
            if report is None or report.settlement_mode is None:
                dispatcher.utter_message(response="utter_no_fast_track_report")
                return []
            repository.choose_settlement_mode(session, report, mode)
            dispatcher.utter_message(
                response="utter_mode_chosen", mode=mode.value, report_number=report.report_number
            )
        return []


class ActionRequestExpertTeam(Action):
    def name(self) -> str:
        return "action_request_expert_team"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        customer_id = _customer_id(tracker)
        with claims_session() as session:
            report = _own_report(session, tracker, customer_id) if customer_id else None
            if report is None:
                dispatcher.utter_message(response="utter_expert_team_no_report")
                return []
            if not report.expert_team_offered:
                refusal = expert_team_refusal_of(report)
                dispatcher.utter_message(
                    response=EXPERT_TEAM_REFUSALS.get(refusal, "utter_expert_team_no_report"),
                    threshold=money(LARGE_LOSS_THRESHOLD),
                )
                return []
            repository.record_expert_request(session, report)
            dispatcher.utter_message(
                response="utter_expert_team_requested", report_number=report.report_number
            )
        return []


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    async def get_extraction_events(self, dispatcher, tracker, domain) -> list[EventType]:
        message = customer_message(tracker)
        requested = tracker.get_slot("requested_slot")
        # A complaint that already says what went wrong is not asked for again.
        said_at_once = requested is None and states_grievance(message.text)
        if requested != "complaint_text" and not said_at_once:
            return []
        text = clean_free_text(message.own_words)
        return [SlotSet("complaint_text", text)] if text else []


class ActionRegisterComplaint(Action):
    """Registers the complaint with its number and the two deadlines of domain.md §6."""

    def name(self) -> str:
        return "action_register_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = tracker.get_slot("complaint_text")
        if not text:
            return []
        with claims_session() as session:
            complaint = repository.register_complaint(
                session, text, customer_id=_customer_id(tracker), tz=load_settings().timezone
            )
            dispatcher.utter_message(
                response="utter_complaint_registered",
                complaint_number=complaint.complaint_number,
                complaint_text=text,
                materials_deadline=f"{complaint.materials_deadline:%Y年%m月%d日}",
                acceptance_deadline=f"{complaint.acceptance_deadline:%Y年%m月%d日}",
            )
        return [SlotSet("complaint_text", None), *start_handoff(dispatcher, tracker, "complaint")]


class ActionStoreRating(Action):
    """A 1–5 satisfaction score (回访) with the customer's words as the comment."""

    def name(self) -> str:
        return "action_store_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = customer_message(tracker)
        score = parse_score(message.text)
        if score is None:
            dispatcher.utter_message(response="utter_rating_not_understood")
            return []
        with claims_session() as session:
            repository.store_rating(
                session,
                score,
                comment=clean_free_text(message.own_words),
                customer_id=_customer_id(tracker),
            )
        dispatcher.utter_message(response="utter_rating_stored", score=score)
        return []


class ActionDescribePhoto(Action):
    """Tags the newest photo of the customer's report with the checklist item it shows."""

    def name(self) -> str:
        return "action_describe_photo"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        customer_id = _customer_id(tracker)
        item = photo_item(customer_message(tracker).text)
        with claims_session() as session:
            report = _own_report(session, tracker, customer_id) if customer_id else None
            photo = repository.latest_photo(session, report) if report is not None else None
            if photo is None or item is None:
                dispatcher.utter_message(response="utter_no_photo_to_describe")
                return []
            repository.tag_photo(session, report, photo.id, item)
            dispatcher.utter_message(response="utter_photo_description_noted", item=_label(item))
        return []


def _label(code: str) -> str:
    return next(item.label for item in CHECKLIST if item.code == code)


class ActionPhotoProgress(Action):
    """How many checklist photos the conversation's report has, and what is missing."""

    def name(self) -> str:
        return "action_photo_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        with claims_session() as session:
            report = repository.report_for_conversation(session, tracker.sender_id)
            if report is None:
                dispatcher.utter_message(response="utter_photo_no_report")
                return []
            count = progress(session, report)
            tagged = {p.checklist_item for p in report.photos if p.checklist_item}
            missing = missing_items(tagged, report.two_vehicle)
        done = count.received >= count.expected and not missing
        dispatcher.utter_message(
            response="utter_photo_progress",
            received=count.received,
            expected=count.expected,
            report_number=count.report_number,
        )
        if done:
            dispatcher.utter_message(response="utter_photo_progress_done")
        else:
            dispatcher.utter_message(
                response="utter_photo_progress_more",
                missing="、".join(item.label for item in missing),
            )
        return []
