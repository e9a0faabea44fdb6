"""What the customer is told once a report is filed (bot/actions/report.py), in order."""

from rasa_sdk.executor import CollectingDispatcher

from bot.actions.report import _tell_outcome
from bot.reporting import FiledReport
from bot.rules.fast_track import Outcome


def told(filed: FiledReport) -> list[str]:
    dispatcher = CollectingDispatcher()
    _tell_outcome(dispatcher, filed)
    return [message["response"] for message in dispatcher.messages]


def eligible(two_vehicle: bool) -> FiledReport:
    return FiledReport(
        report_number="BA20260520000001",
        outcome=Outcome.ELIGIBLE,
        failed=[],
        two_vehicle=two_vehicle,
        own_damage_covered=True,
        late_report=False,
        expert_team_offered=False,
        newly_filed=True,
    )


def test_a_two_vehicle_customer_hears_the_steps_with_the_other_driver_before_leaving():
    said = told(eligible(two_vehicle=True))
    assert "utter_fast_track_eligible" not in said  # "you may leave" with no steps first
    assert said == [
        "utter_report_filed",
        "utter_fast_track_eligible_two_vehicle",
        "utter_photo_checklist_two_vehicle",
        "utter_two_vehicle_documents",
        "utter_fast_track_modes",
    ]


def test_a_single_vehicle_customer_may_leave_after_the_photos():
    assert told(eligible(two_vehicle=False)) == [
        "utter_report_filed",
        "utter_fast_track_eligible",
        "utter_photo_checklist_single",
        "utter_fast_track_modes",
    ]


def test_a_refusal_gives_each_reason_with_its_next_step_then_the_wait():
    filed = FiledReport(
        report_number="BA20260520000002",
        outcome=Outcome.WAIT_FOR_SURVEYOR,
        failed=[
            {
                "name": "individual_customer",
                "reason": "只面向个人客户。",
                "next_step": "请留在现场。",
            }
        ],
        two_vehicle=False,
        own_damage_covered=True,
        late_report=False,
        expert_team_offered=False,
        newly_filed=True,
    )
    dispatcher = CollectingDispatcher()
    _tell_outcome(dispatcher, filed)
    refusal = dispatcher.messages[1]
    assert refusal["response"] == "utter_fast_track_not_eligible"
    assert refusal["reasons"] == "1. 只面向个人客户。请留在现场。"
    assert dispatcher.messages[2]["response"] == "utter_wait_for_surveyor"
