"""A verified customer's own records (bot/actions/account.py), actions called as rasa_sdk
calls them: nothing personal before identity, and only the customer's own report."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.account import ActionChooseSettlementMode, tell_claim_status
from bot.db import repository


def conversation(text: str, intent: str, slots: dict, entities: list | None = None) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "conversation-2",
            "slots": slots,
            "latest_message": {
                "text": text,
                "intent": {"name": intent},
                "entities": entities or [],
            },
            "events": [{"event": "user", "text": text, "input_channel": "rest"}],
            "latest_input_channel": "rest",
            "latest_action_name": "action_listen",
        }
    )


def verified(claims_db, plate: str) -> dict:
    with claims_db() as db:
        customer = repository.find_customer_by_plate(db, plate)
    return {"identity_verified": True, "customer_id": customer.id, "verified_channel": "rest"}


def test_an_unverified_customer_choosing_a_mode_hears_of_no_fast_track_report(claims_db):
    dispatcher = CollectingDispatcher()
    tracker = conversation("选授信", "choose_credit", {})
    asyncio.run(ActionChooseSettlementMode().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_no_fast_track_report"]


def test_the_claim_status_is_that_of_the_customers_latest_report(claims_db):
    slots = verified(claims_db, "浙A13579")  # 赵敏: an earlier claim, 已结案
    dispatcher = CollectingDispatcher()
    tracker = conversation("查进度", "check_claim_status", slots)
    tell_claim_status(dispatcher, tracker, slots["customer_id"])
    assert dispatcher.messages[0]["response"] == "utter_claim_status"
    assert dispatcher.messages[0]["status"]


def test_someone_elses_report_number_is_not_found(claims_db):
    with claims_db() as db:
        zhao = repository.find_customer_by_plate(db, "浙A13579")
        number = repository.latest_report(db, zhao.id).report_number
    slots = verified(claims_db, "沪A12345")  # 张伟 asks about 赵敏's report
    entity = [{"entity": "report_number", "value": number}]
    dispatcher = CollectingDispatcher()
    tell_claim_status(
        dispatcher, conversation(number, "check_claim_status", slots, entity), slots["customer_id"]
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_claim_not_found"]
    assert dispatcher.messages[0]["report_number"] == number
