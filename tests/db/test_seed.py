"""The demo data of shared/demo-data.md, loaded exactly and idempotently."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db import repository, seed
from bot.db.models import Agent, Base, Customer, Policy
from bot.db.passwords import password_matches
from bot.rules import status
from bot.rules.fast_track import Outcome, decide

from .support import AGENT_PASSWORDS, SMALL_ACCIDENT, TODAY, TZ

DEMO = [
    # name, kind, phone, plate, policy number, 车损, 三者 limit, 不计免赔, riders
    ("张伟", "individual", "13800000001", "沪A12345", "PDAA2026310000000001", True, 2_000_000, True, []),
    ("李娜", "individual", "13800000002", "粤B67890", "PDAA2026440000000002", False, 1_000_000, False, []),
    ("王强", "individual", "13800000003", "京C24680", "PDAA2026110000000003", True, 1_000_000, True, []),
    ("赵敏", "individual", "13800000004", "浙A13579", "PDAA2026330000000004", True, 2_000_000, True, []),
    ("上海顺达物流有限公司", "company", "13800000005", "沪B88888", "PDAA2026310000000005", True, 3_000_000, True, []),
    ("陈静", "individual", "13800000006", "川A11223", "PDAA2026510000000006", True, 1_000_000, False, []),
    ("刘洋", "individual", "13800000007", "苏E55667", "PDAA2026320000000007", True, 1_500_000, True, ["body_scratch"]),
]  # fmt: skip


def _row_counts(session) -> dict[str, int]:
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in Base.metadata.sorted_tables
    }


@pytest.mark.parametrize("demo", DEMO, ids=[row[0] for row in DEMO])
def test_each_demo_customer_is_loaded_exactly_as_documented(seeded, demo):
    name, kind, phone, plate, number, damage, third_party, waiver, riders = demo
    customer = repository.find_customer_by_plate(seeded, plate)
    assert (customer.name, customer.kind, customer.phone) == (name, kind, phone)
    policy = repository.active_policy(seeded, customer.id, TODAY)
    assert policy.policy_number == number
    assert policy.vehicle.plate == plate
    assert policy.period_start <= TODAY < policy.period_end
    assert policy.has_compulsory is True
    assert (policy.has_vehicle_damage, policy.third_party_limit) == (damage, third_party)
    assert (policy.deductible_waiver, policy.riders) == (waiver, riders)


def test_the_demo_data_has_exactly_seven_customers(seeded):
    assert seeded.execute(select(func.count(Customer.id))).scalar_one() == 7


def test_policy_years_follow_each_other_without_gaps(seeded):
    customer = repository.find_customer_by_plate(seeded, "沪A12345")
    periods = seeded.execute(
        select(Policy.period_start, Policy.period_end)
        .where(Policy.customer_id == customer.id)
        .order_by(Policy.period_start)
    ).all()
    assert len(periods) == 4  # years −3, −2, −1 and the current one
    assert all(
        earlier.period_end == later.period_start
        for earlier, later in zip(periods, periods[1:], strict=False)
    )


@pytest.mark.parametrize(
    ("plate", "claim_free_years", "claims_this_period"),
    [
        ("沪A12345", 3, 0),
        ("粤B67890", 3, 0),
        ("京C24680", 1, 0),
        ("浙A13579", 3, 1),
        ("沪B88888", 3, 0),
        ("川A11223", 3, 0),
        ("苏E55667", 1, 0),
    ],
)
def test_the_claims_history_gives_each_demo_customer_their_record(
    seeded, plate, claim_free_years, claims_this_period
):
    customer = repository.find_customer_by_plate(seeded, plate)
    holder = repository.policyholder_for_fast_track(
        seeded, repository.active_policy(seeded, customer.id, TODAY)
    )
    assert (holder.claim_free_years, holder.claims_this_period) == (
        claim_free_years,
        claims_this_period,
    )


@pytest.mark.parametrize(
    ("plate", "failed"),
    [
        ("沪A12345", []),
        ("粤B67890", ["full_cover"]),
        ("京C24680", ["three_claim_free_years"]),
        ("浙A13579", ["first_claim_this_period"]),
        ("沪B88888", ["individual_customer"]),
        ("川A11223", ["full_cover"]),
        ("苏E55667", ["three_claim_free_years"]),
    ],
)
def test_each_seeded_demo_customer_gets_the_documented_fast_track_outcome(seeded, plate, failed):
    customer = repository.find_customer_by_plate(seeded, plate)
    policy = repository.active_policy(seeded, customer.id, TODAY)
    decision = decide(repository.policyholder_for_fast_track(seeded, policy), SMALL_ACCIDENT)
    assert [condition.name for condition in decision.failed] == failed
    assert decision.outcome is (Outcome.WAIT_FOR_SURVEYOR if failed else Outcome.ELIGIBLE)


def test_customer_1_has_no_claims_at_all(seeded):
    customer = repository.find_customer_by_plate(seeded, "沪A12345")
    assert repository.customer_reports(seeded, customer.id) == []


def test_customer_4s_earlier_claim_this_period_is_closed_with_its_history(seeded):
    customer = repository.find_customer_by_plate(seeded, "浙A13579")
    report = repository.latest_report(seeded, customer.id)
    policy = repository.active_policy(seeded, customer.id, TODAY)
    assert report.policy_id == policy.id
    assert report.report_number.startswith("BA") and len(report.report_number) == 16
    assert report.status == status.CLOSED
    assert [change.status for change in report.status_history] == [
        status.REPORTED,
        status.SURVEYING,
        status.AWAITING_DOCUMENTS,
        status.UNDER_REVIEW,
        status.PAID,
        status.CLOSED,
    ]
    assert report.status_history[-1].changed_at.date() < TODAY


def test_customer_3s_claim_in_year_minus_2_was_paid(seeded):
    customer = repository.find_customer_by_plate(seeded, "京C24680")
    (report,) = repository.customer_reports(seeded, customer.id)
    current = repository.active_policy(seeded, customer.id, TODAY)
    assert current.period_start - timedelta(days=2 * 366) < report.accident_at.date()
    assert report.accident_at.date() < current.period_start - timedelta(days=365)
    assert status.PAID in [change.status for change in report.status_history]


def test_seeding_twice_changes_nothing(seeded):
    before = _row_counts(seeded)
    hashes = seeded.execute(select(Agent.password_hash).order_by(Agent.username)).all()
    seed.seed_demo_data(seeded, TODAY, TZ, environ={}, out=io.StringIO())
    assert _row_counts(seeded) == before
    assert seeded.execute(select(Agent.password_hash).order_by(Agent.username)).all() == hashes


def test_demo_agents_get_their_passwords_from_the_environment_as_bcrypt_hashes(seeded):
    for username, variable in [("agent01", "AGENT01_PASSWORD"), ("agent02", "AGENT02_PASSWORD")]:
        agent = repository.agent_by_username(seeded, username)
        assert agent.password_hash.startswith("$2")
        assert password_matches(AGENT_PASSWORDS[variable], agent.password_hash)


def test_without_configured_passwords_a_random_one_is_printed_once(session, monkeypatch):
    monkeypatch.setattr(seed, "hash_password", lambda password: "hash-of-" + password)
    out = io.StringIO()
    seed.seed_demo_data(session, TODAY, TZ, environ={}, out=out)
    lines = out.getvalue().splitlines()
    assert [line.split(" ")[0] for line in lines] == ["agent01", "agent02"]
    password = lines[0].rsplit(": ", 1)[1]
    assert repository.agent_by_username(session, "agent01").password_hash == "hash-of-" + password
    again = io.StringIO()
    seed.seed_demo_data(session, TODAY, TZ, environ={}, out=again)
    assert again.getvalue() == ""
