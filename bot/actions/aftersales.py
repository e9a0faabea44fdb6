"""After-sales requests (保全, domain.md §7): a verified customer's new phone or address,
or a copy of the policy, recorded with a number for staff; nothing changes in chat.

Identity comes first (bot/actions/identity.py starts this form once the customer
is verified). The words are read by bot/dialogue/aftersales_text.py; the
database is bot/db/repository.py.
"""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.messages import customer_message
from bot.actions.verified import verified_customer_id
from bot.db import repository
from bot.db.session import claims_session
from bot.dialogue.aftersales_text import form_answer, start_values
from bot.rules.aftersales import AftersalesKind
from bot.settings import load_settings

AFTERSALES_SLOTS = ("aftersales_kind", "aftersales_detail", "aftersales_confirmed")


def reset_aftersales_events() -> list[EventType]:
    return [SlotSet(slot, None) for slot in AFTERSALES_SLOTS]


def start_aftersales_events(tracker: Tracker) -> list[EventType]:
    """What the opening message already says ("把手机号改成139…"), kept while identity
    is checked; bot.actions.identity then starts aftersales_form."""
    return [SlotSet(slot, value) for slot, value in start_values(customer_message(tracker)).items()]


class ValidateAftersalesForm(FormValidationAction):
    def name(self) -> str:
        return "validate_aftersales_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if verified_customer_id(tracker) is None:
            return []
        kind = tracker.get_slot("aftersales_kind")
        if kind == AftersalesKind.POLICY_COPY.value:
            return ["aftersales_kind", "aftersales_confirmed"]
        return domain_slots

    async def get_extraction_events(self, dispatcher, tracker, domain) -> list[EventType]:
        answer = form_answer(
            customer_message(tracker),
            tracker.get_slot("requested_slot"),
            tracker.get_slot("aftersales_kind"),
        )
        if answer.hint:
            dispatcher.utter_message(response=answer.hint)
        # A None value still counts as an answer: the form asks its question again.
        return [SlotSet(slot, value) for slot, value in answer.slots.items()]


class ActionRegisterAftersales(Action):
    """Records the confirmed request and tells its number; a "no" records nothing."""

    def name(self) -> str:
        return "action_register_aftersales"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        customer_id = verified_customer_id(tracker)
        kind = tracker.get_slot("aftersales_kind")
        if not tracker.get_slot("aftersales_confirmed") or not kind or customer_id is None:
            dispatcher.utter_message(response="utter_aftersales_not_recorded")
            return reset_aftersales_events()
        with claims_session() as session:
            request = repository.register_aftersales_request(
                session,
                int(customer_id),
                AftersalesKind(kind),
                detail=tracker.get_slot("aftersales_detail"),
                sender_id=tracker.sender_id,
                tz=load_settings().timezone,
            )
            dispatcher.utter_message(
                response="utter_aftersales_registered", request_number=request.request_number
            )
        return reset_aftersales_events()
