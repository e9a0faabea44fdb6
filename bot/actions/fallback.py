"""The action behind both NLU and dialogue fallbacks."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import start_handoff
from bot.actions.unanswered import record_if_unanswered
from bot.dialogue.unclear import count_consecutive_misses, reply_for_unclear


class ActionHandleMisunderstanding(Action):
    """Stores why the message was unclear; ``utter_unclear`` then says the matching text."""

    def name(self) -> str:
        return "action_handle_misunderstanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        record_if_unanswered(tracker, not_understood=True)  # for staff (未能回答的问题)
        misses = count_consecutive_misses(tracker.events, self.name())
        reason = reply_for_unclear(tracker.latest_message.get("text"), misses)
        if reason == "offer_human" and tracker.active_loop_name == "report_form":
            # A report is never dropped by a misunderstanding: a person is offered,
            # the customer decides, and the draft stays either way.
            dispatcher.utter_message(response="utter_report_offer_human")
            return [SlotSet("unclear_reason", reason), FollowupAction("report_form")]
        if reason == "offer_human":  # domain.md §9: twice not understood → a person
            dispatcher.utter_message(response="utter_handoff_not_understood")
            return [
                SlotSet("unclear_reason", reason),
                *start_handoff(dispatcher, tracker, "not_understood"),
            ]
        # A follow-up (not a rule) so the core fallback, which has no rule of
        # its own, answers the same way as the NLU fallback.
        return [SlotSet("unclear_reason", reason), FollowupAction("utter_unclear")]
