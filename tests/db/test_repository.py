"""The repository: identity, policies, reports and the records around a claim."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.db import repository
from bot.db.models import Agent
from bot.rules import status
from bot.rules.fast_track import Outcome, SettlementMode
from bot.rules.status import IllegalTransition

from .support import NOW, TODAY, TZ, file_report

# --- identity -----------------------------------------------------------------


@pytest.mark.parametrize("plate", ["沪A12345", "沪a 12345", "滬A-12345"])
def test_a_customer_is_found_by_plate_however_it_is_typed(seeded, plate):
    assert repository.find_customer_by_plate(seeded, plate).name == "张伟"


@pytest.mark.parametrize("number", ["PDAA2026310000000001", "pdaa2025310000000001"])
def test_a_customer_is_found_by_a_current_or_earlier_policy_number(seeded, number):
    assert repository.find_customer_by_policy_number(seeded, number).name == "张伟"


def test_a_wechat_user_bound_to_a_customer_is_recognised_and_can_be_rebound(seeded):
    zhang = repository.find_customer_by_plate(seeded, "沪A12345")
    li = repository.find_customer_by_plate(seeded, "粤B67890")
    repository.bind_openid(seeded, "o-openid-1", zhang.id)
    assert repository.customer_by_openid(seeded, "o-openid-1").id == zhang.id
    repository.bind_openid(seeded, "o-openid-1", li.id)
    assert repository.customer_by_openid(seeded, "o-openid-1").id == li.id
    assert repository.customer_by_openid(seeded, "o-unknown") is None


# --- policies -----------------------------------------------------------------


def test_the_active_policy_is_the_one_whose_period_contains_the_day(seeded):
    customer = repository.find_customer_by_plate(seeded, "沪A12345")
    current = repository.active_policy(seeded, customer.id, TODAY)
    earlier = repository.active_policy(
        seeded, customer.id, current.period_start - timedelta(days=1)
    )
    assert current.policy_number == "PDAA2026310000000001"
    assert earlier.policy_number == "PDAA2025310000000001"
    assert repository.active_policy(seeded, customer.id, current.period_end) is None


def test_the_active_policy_can_be_asked_for_one_vehicle(seeded):
    customer = repository.find_customer_by_plate(seeded, "沪A12345")
    assert repository.active_policy(seeded, customer.id, TODAY, plate="沪a12345") is not None
    assert repository.active_policy(seeded, customer.id, TODAY, plate="沪B88888") is None


# --- filing a report ----------------------------------------------------------


def test_a_report_number_is_BA_the_local_date_and_a_six_digit_sequence(seeded):
    late_evening_utc = datetime(2026, 5, 20, 17, 30, tzinfo=timezone.utc)  # 01:30 on 21 May
    report = file_report(
        seeded, "沪A12345", "k1", reported_at=late_evening_utc, occurred_at=late_evening_utc
    )
    assert report.report_number == "BA20260521000001"


def test_report_numbers_count_up_within_a_day(seeded):
    first = file_report(seeded, "沪A12345", "k1")
    second = file_report(seeded, "粤B67890", "k2")
    assert (first.report_number, second.report_number) == ("BA20260520000001", "BA20260520000002")


def test_a_retried_submit_returns_the_same_report_and_files_nothing_new(seeded):
    first = file_report(seeded, "沪A12345", "same-key")
    retry = file_report(seeded, "沪A12345", "same-key")
    customer = repository.find_customer_by_plate(seeded, "沪A12345")
    assert retry.id == first.id
    assert len(repository.customer_reports(seeded, customer.id)) == 1


def test_a_key_reused_by_another_customer_is_refused(seeded):
    file_report(seeded, "沪A12345", "shared-key")
    with pytest.raises(ValueError, match="another customer"):
        file_report(seeded, "粤B67890", "shared-key")


def test_a_filed_report_keeps_the_facts_and_the_fast_track_decision(seeded):
    report = file_report(
        seeded, "粤B67890", "k1", two_vehicle=True, third_party_loss=Decimal("1500")
    )
    assert report.status == status.REPORTED
    assert [change.status for change in report.status_history] == [status.REPORTED]
    assert report.two_vehicle and report.third_party_loss == Decimal("1500.00")
    assert report.fast_track_outcome == Outcome.WAIT_FOR_SURVEYOR.value
    assert [reason["name"] for reason in report.fast_track_reasons] == ["full_cover"]
    assert "车损险" in report.fast_track_reasons[0]["reason"]
    assert report.settlement_mode is None
    assert report.late_report is False


def test_an_eligible_report_starts_as_authorised_and_stores_the_customers_choice(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    assert report.fast_track_outcome == Outcome.ELIGIBLE.value
    assert report.settlement_mode == "授权"
    repository.choose_settlement_mode(seeded, report, SettlementMode.CREDIT)
    assert report.settlement_mode == "授信"


def test_an_ineligible_report_cannot_choose_a_fast_track_mode(seeded):
    report = file_report(seeded, "粤B67890", "k1")
    with pytest.raises(ValueError):
        repository.choose_settlement_mode(seeded, report, SettlementMode.CREDIT)


def test_a_report_made_after_48_hours_is_flagged_late(seeded):
    report = file_report(seeded, "沪A12345", "k1", occurred_at=NOW - timedelta(hours=50))
    assert report.late_report is True


def test_the_first_report_of_the_period_uses_up_the_fast_track(seeded):
    file_report(seeded, "沪A12345", "k1")
    second = file_report(seeded, "沪A12345", "k2")
    assert [reason["name"] for reason in second.fast_track_reasons] == ["first_claim_this_period"]


def test_a_withdrawn_report_does_not_count_as_a_claim(seeded):
    first = file_report(seeded, "沪A12345", "k1")
    repository.change_status(seeded, first, status.WITHDRAWN)
    seeded.commit()
    assert file_report(seeded, "沪A12345", "k2").fast_track_outcome == Outcome.ELIGIBLE.value


# --- reading reports ----------------------------------------------------------


def test_a_customer_reads_their_own_report_by_number(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    found = repository.report_for_customer(seeded, report.report_number.lower(), report.customer_id)
    assert found.id == report.id


def test_another_customers_report_number_is_the_same_as_not_found(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    other = repository.find_customer_by_plate(seeded, "粤B67890")
    assert repository.report_for_customer(seeded, report.report_number, other.id) is None
    assert repository.report_for_customer(seeded, "BA20260520999999", other.id) is None


def test_the_latest_report_is_the_newest_one(seeded):
    zhao = repository.find_customer_by_plate(seeded, "浙A13579")
    newest = file_report(seeded, "浙A13579", "k1")
    assert repository.latest_report(seeded, zhao.id).id == newest.id
    assert len(repository.customer_reports(seeded, zhao.id)) == 2


def test_a_customer_without_reports_has_no_latest_report(seeded):
    zhang = repository.find_customer_by_plate(seeded, "沪A12345")
    assert repository.latest_report(seeded, zhang.id) is None


# --- status changes -----------------------------------------------------------


def test_a_status_change_is_recorded_in_the_history_with_its_time(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    later = NOW + timedelta(hours=2)
    repository.change_status(seeded, report, status.SURVEYING, note="查勘员已联系", now=later)
    assert report.status == status.SURVEYING
    assert [(c.status, c.changed_at) for c in report.status_history] == [
        (status.REPORTED, NOW),
        (status.SURVEYING, later),
    ]


def test_an_illegal_status_change_is_refused(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    with pytest.raises(IllegalTransition):
        repository.change_status(seeded, report, status.PAID)
    assert report.status == status.REPORTED


def test_declining_a_claim_needs_a_reason(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    with pytest.raises(ValueError):
        repository.change_status(seeded, report, status.DECLINED)
    repository.change_status(seeded, report, status.DECLINED, declined_reason="酒后驾驶")
    assert report.declined_reason == "酒后驾驶"


# --- photos -------------------------------------------------------------------


def _add_photos(session, report, count):
    for index in range(count):
        repository.add_photo(
            session,
            report,
            stored_name=f"{report.id}-{index}.jpg",
            content_type="image/jpeg",
            size_bytes=1024,
        )


def test_a_report_takes_twenty_photos_and_refuses_the_twenty_first(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    _add_photos(seeded, report, 20)
    with pytest.raises(repository.PhotoLimitReached):
        _add_photos(seeded, report, 1)


def test_a_photo_is_tagged_with_a_checklist_item_only_on_its_own_report(seeded):
    mine = file_report(seeded, "沪A12345", "k1")
    other = file_report(seeded, "粤B67890", "k2")
    photo = repository.add_photo(
        seeded, mine, stored_name="a.jpg", content_type="image/jpeg", size_bytes=10
    )
    assert repository.tag_photo(seeded, other, photo.id, "whole_car") is None
    assert repository.tag_photo(seeded, mine, photo.id, "whole_car").checklist_item == "whole_car"


# --- injury, large loss, complaints, ratings -----------------------------------


def test_an_injury_case_notifies_the_specialist_once_with_name_and_contact(seeded):
    report = file_report(seeded, "沪A12345", "k1", anyone_injured=True)
    assert report.fast_track_outcome == Outcome.INJURY_PATH.value
    first = repository.record_injury_notification(seeded, report)
    again = repository.record_injury_notification(seeded, report)
    assert first.id == again.id
    assert (first.insured_name, first.contact_phone) == ("张伟", "13800000001")


def test_a_large_loss_records_the_expert_team_request_once(seeded):
    report = file_report(seeded, "沪A12345", "k1", own_loss=Decimal("60000"))
    assert report.expert_team_offered
    first = repository.record_expert_request(seeded, report)
    assert repository.record_expert_request(seeded, report).id == first.id


def test_the_expert_team_cannot_be_requested_when_it_was_not_offered(seeded):
    report = file_report(seeded, "沪A12345", "k1")
    with pytest.raises(ValueError):
        repository.record_expert_request(seeded, report)


def test_a_complaint_gets_a_number_and_its_two_working_day_deadlines(seeded):
    friday_morning = datetime(2025, 9, 26, 2, 0, tzinfo=timezone.utc)
    complaint = repository.register_complaint(
        seeded, "查勘员迟到两小时", received_at=friday_morning, tz=TZ
    )
    assert complaint.complaint_number == "TS20250926000001"
    # Working days: Sep 28 (make-up Sunday), 29, 30, then Oct 9 and 10 after the holiday.
    assert complaint.materials_deadline == date(2025, 10, 10)
    assert complaint.acceptance_deadline == date(2025, 10, 16)
    assert complaint.status == "已登记"


@pytest.mark.parametrize("score", [1, 5])
def test_a_satisfaction_score_from_1_to_5_is_stored_with_its_comment(seeded, score):
    rating = repository.store_rating(seeded, score, comment="很快")
    assert (rating.score, rating.comment) == (score, "很快")


@pytest.mark.parametrize("score", [0, 6])
def test_a_satisfaction_score_outside_1_to_5_is_refused(seeded, score):
    with pytest.raises(ValueError):
        repository.store_rating(seeded, score)


# --- human handoff ------------------------------------------------------------


def test_a_waiting_ticket_is_taken_by_exactly_one_agent(seeded):
    ticket = repository.open_handoff_ticket(seeded, sender_id="s1", reason="customer_request")
    first, second = seeded.execute(select(Agent).order_by(Agent.username)).scalars()
    assert repository.accept_ticket(seeded, ticket.id, first).agent_id == first.id
    assert repository.accept_ticket(seeded, ticket.id, second) is None
    assert repository.end_ticket(
        seeded, ticket.id, "closed", from_statuses=("accepted",), agent_id=first.id
    )
    seeded.refresh(ticket)
    assert (ticket.status, ticket.close_reason) == ("closed", "closed")
    # Once closed, it cannot be closed (or cancelled) again.
    assert not repository.end_ticket(seeded, ticket.id, "cancelled", from_statuses=("waiting",))


def test_a_ticket_ends_only_for_a_known_reason_from_a_known_status(seeded):
    ticket = repository.open_handoff_ticket(seeded, sender_id="s1", reason="customer_request")
    with pytest.raises(ValueError):
        repository.end_ticket(seeded, ticket.id, "done", from_statuses=("waiting",))
    with pytest.raises(ValueError):
        repository.end_ticket(seeded, ticket.id, "cancelled", from_statuses=("queued",))
    seeded.refresh(ticket)
    assert ticket.status == "waiting"


def test_urgent_tickets_come_first_in_the_queue(seeded):
    repository.open_handoff_ticket(seeded, sender_id="s1", reason="customer_request")
    urgent = repository.open_handoff_ticket(
        seeded, sender_id="s2", reason="injury", priority="urgent"
    )
    assert repository.waiting_tickets(seeded)[0].id == urgent.id


def test_an_injury_case_is_served_before_customers_who_waited_longer(seeded):
    first = repository.open_handoff_ticket(seeded, sender_id="s1", reason="customer_request")
    second = repository.open_handoff_ticket(seeded, sender_id="s2", reason="complaint")
    injury = repository.open_handoff_ticket(
        seeded, sender_id="s3", reason="injury", priority="urgent"
    )
    for minutes, ticket in ((0, first), (5, second), (10, injury)):
        ticket.created_at = NOW + timedelta(minutes=minutes)
    seeded.flush()
    assert [t.id for t in repository.waiting_tickets(seeded)] == [injury.id, first.id, second.id]


def test_within_a_priority_the_longest_waiting_customer_goes_first_then_the_lower_ticket(seeded):
    tickets = [
        repository.open_handoff_ticket(seeded, sender_id=f"s{n}", reason="customer_request")
        for n in range(3)
    ]
    for minutes, ticket in zip((7, 3, 3), tickets, strict=True):
        ticket.created_at = NOW + timedelta(minutes=minutes)
    seeded.flush()
    assert [t.id for t in repository.waiting_tickets(seeded)] == [
        tickets[1].id,
        tickets[2].id,
        tickets[0].id,
    ]
