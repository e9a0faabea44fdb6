"""Identity check (身份核实): plate or policy number + the last four phone digits.

Nothing about a policy or claim is said before this succeeds (domain.md §10).
"""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.account import tell_claim_status, tell_my_policy
from bot.actions.aftersales import start_aftersales_events
from bot.actions.handoff import start_handoff
from bot.actions.messages import customer_message, entity_value
from bot.actions.report import start_report_events
from bot.actions.verified import customer_channel, forget_identity_events, verified_elsewhere
from bot.concepts.channels import WECHAT_CHANNEL
from bot.db import repository
from bot.db.models import Customer
from bot.db.session import claims_session
from bot.dialogue.report_facts import NOT_AN_ANSWER, has_draft, tells_an_accident
from bot.rules import lockout
from bot.rules.identity import identifier_in, parse_identifier, phone_tail_in
from bot.texts import response_text

HINTS = {"identity_key": "utter_identity_unknown_key", "phone_tail": "utter_phone_tail_hint"}


class ValidateIdentityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_identity_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if tracker.get_slot("identity_verified") or tracker.get_slot("identity_locked"):
            return []
        return domain_slots

    async def get_extraction_events(self, dispatcher, tracker, domain) -> list[EventType]:
        message = customer_message(tracker)
        requested = tracker.get_slot("requested_slot")
        # The answer to the question asked, whatever else the message says ("0007 谢谢").
        asked_for = (
            phone_tail_in(message.text)
            if requested == "phone_tail"
            else identifier_in(message.text)
            if requested == "identity_key"
            else None
        )
        if message.intent in NOT_AN_ANSWER and not asked_for:
            return []  # an FAQ, a cancel…: their rules answer, then the form resumes
        events = []
        identifier = entity_value(tracker, "plate") or entity_value(tracker, "policy_number")
        if not identifier and requested == "identity_key" and asked_for:
            identifier = asked_for.value
        if identifier:
            events.append(SlotSet("identity_key", str(identifier)))
        tail = entity_value(tracker, "phone_tail")
        if tail is None and requested == "phone_tail":
            tail = asked_for
        if tail:
            events.append(SlotSet("phone_tail", str(tail)))
        if not events:
            # Nothing usable: say what is expected and keep the form asking.
            hint = HINTS.get(tracker.get_slot("requested_slot"))
            if hint:
                dispatcher.utter_message(response=hint)
            events.append(SlotSet("identity_attempts", tracker.get_slot("identity_attempts") or 0))
        return events

    async def get_validation_events(self, dispatcher, tracker, domain) -> list[EventType]:
        new = tracker.slots_to_validate()
        if not new:
            return []
        key = tracker.get_slot("identity_key")
        if "identity_key" in new and parse_identifier(key or "") is None:
            dispatcher.utter_message(response="utter_identity_unknown_key")
            return [SlotSet("identity_key", None)]
        tail = tracker.get_slot("phone_tail")
        if key and tail:
            return self.verify(key, tail, dispatcher, tracker)
        return [SlotSet(name, value) for name, value in new.items()]

    @staticmethod
    def verify(
        key: str, tail: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        with claims_session() as session:
            check = repository.check_identity(
                session, key, tail, conversation=tracker.sender_id, client=_client(tracker)
            )
            customer = check.customer
            if customer is not None:
                dispatcher.utter_message(
                    response="utter_identity_verified", customer_name=customer.name
                )
                if _in_wechat(tracker):  # verified once: this WeChat user is this customer
                    repository.bind_openid(session, tracker.sender_id, customer.id)
                return [
                    *verified_events(customer, tracker),
                    SlotSet("identity_key", key),
                    SlotSet("phone_tail", tail),
                ]
        events: list[EventType] = [
            SlotSet("identity_attempts", check.tally.failures[lockout.CONVERSATION]),
            SlotSet("identity_key", None),
            SlotSet("phone_tail", None),
        ]
        if check.locked:  # the database decides; the slot only steers the dialogue
            dispatcher.utter_message(response="utter_identity_locked")
            events.append(SlotSet("identity_locked", True))
        else:
            dispatcher.utter_message(
                response="utter_identity_failed", attempts_left=check.tally.attempts_left
            )
        return events


def _client(tracker: Tracker) -> str | None:
    """Where the message came from, as the channel saw it (None: the sender id counts)."""
    client = (tracker.latest_message.get("metadata") or {}).get("client")
    return str(client) if client else None


def verified_events(customer: Customer, tracker: Tracker) -> list[EventType]:
    return [
        SlotSet("identity_verified", True),
        SlotSet("verified_channel", customer_channel(tracker)),
        SlotSet("customer_id", customer.id),
        SlotSet("customer_name", customer.name),
        SlotSet("is_company", customer.is_company),
    ]


def _in_wechat(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() == WECHAT_CHANNEL


def wechat_bound_customer(tracker: Tracker) -> Customer | None:
    """The customer a WeChat user verified as before (the openid is the sender id)."""
    if not _in_wechat(tracker):
        return None
    with claims_session() as session:
        return repository.customer_by_openid(session, tracker.sender_id)


REQUEST_BY_INTENT = {
    "report_accident": "report",
    "report_injury": "report",
    "check_claim_status": "claim_status",
    "ask_my_policy": "my_policy",
    "request_aftersales": "aftersales",
}
# Requests that go on to a form once the customer is verified.
FORM_BY_REQUEST = {"report": "report_form", "aftersales": "aftersales_form"}


def carry_out(
    request: str | None,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    customer_id: int | None = None,
) -> list[EventType]:
    """Do what a verified customer asked for. Answers are given right here, so the
    turn ends with this action; only the report form needs to be started."""
    customer_id = customer_id or int(tracker.get_slot("customer_id"))
    if request in FORM_BY_REQUEST:
        return [FollowupAction(FORM_BY_REQUEST[request])]
    if request == "claim_status":
        tell_claim_status(dispatcher, tracker, customer_id)
    elif request == "my_policy":
        tell_my_policy(dispatcher, customer_id)
    else:
        dispatcher.utter_message(response="utter_how_can_i_help")
    return []


class ActionStartRequest(Action):
    """Entry to everything that needs a verified customer: identity first, then the request."""

    def name(self) -> str:
        return "action_start_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        request = REQUEST_BY_INTENT.get(tracker.get_intent_of_latest_message() or "")
        if request is None and entity_value(tracker, "report_number"):
            request = "claim_status"  # "BA2026…" on its own asks about that claim
        elif request is None and tells_an_accident(customer_message(tracker)):
            request = "report"  # "沪A12345 尾号0001 刚在延安路追尾了…" is a report
        elif request is None and has_draft(tracker.current_slot_values()):
            request = "report"  # facts told with no question asked (action_facts_…)
        events: list[EventType] = []
        if request == "report":
            events += start_report_events(dispatcher, tracker)
        elif request == "aftersales":
            events += start_aftersales_events(tracker)
        if tracker.get_slot("identity_locked"):
            dispatcher.utter_message(response="utter_identity_locked")
            return events + start_handoff(
                dispatcher, tracker, "identity_locked", offer_callback=False
            )
        if verified_elsewhere(tracker):  # e.g. a WeChat openid sent over REST
            events += forget_identity_events()
        elif tracker.get_slot("identity_verified"):
            return events + carry_out(request, dispatcher, tracker)
        known = wechat_bound_customer(tracker)
        if known is not None:
            dispatcher.utter_message(
                text=response_text("utter_wechat_identity_remembered", customer_name=known.name)
            )
            return (
                events
                + verified_events(known, tracker)
                + carry_out(request, dispatcher, tracker, known.id)
            )
        checked = _verified_at_once(dispatcher, tracker)
        customer_id = next((e["value"] for e in checked if e.get("name") == "customer_id"), None)
        if customer_id is not None:
            return events + checked + carry_out(request, dispatcher, tracker, customer_id)
        asked = entity_value(tracker, "report_number")
        if asked:
            events.append(SlotSet("last_report_number", str(asked).upper()))
        return events + [SlotSet("pending_request", request), FollowupAction("identity_form")]


def _verified_at_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The identity check of a message that already gives plate (or policy number) and
    phone tail ("沪A12345 尾号0001 我追尾了…"); none without both. A failure counts
    like any other, and the identity form then asks again."""
    key = entity_value(tracker, "plate") or entity_value(tracker, "policy_number")
    tail = entity_value(tracker, "phone_tail")
    if not key or not tail:
        return []
    return ValidateIdentityForm.verify(str(key), str(tail), dispatcher, tracker)


class ActionAfterIdentity(Action):
    """Runs when the identity form ends: carry on with what the customer asked for."""

    def name(self) -> str:
        return "action_after_identity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("identity_verified"):
            events: list[EventType] = [SlotSet("pending_request", None)]
            if tracker.get_slot("identity_locked"):
                events += start_handoff(
                    dispatcher, tracker, "identity_locked", offer_callback=False
                )
            return events
        request = tracker.get_slot("pending_request")
        return [SlotSet("pending_request", None), *carry_out(request, dispatcher, tracker)]
