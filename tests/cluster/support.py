"""Checks shared by the cluster tests: every report filed once, with the facts told."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.db import repository
from bot.db.models import Report
from ops.loadtest.client import CustomerRun

# The accident time is "N minutes before" the message that said so.
TIME_TOLERANCE = timedelta(minutes=2)


def assert_all_filed(runs: list[CustomerRun]) -> None:
    """Every customer got a 报案号; otherwise fail with the transcripts of those who did not."""
    failed = [
        f"{run.sender} {run.accident.plate}: {run.error}\n{run.transcript()}"
        for run in runs
        if run.error or not run.report_number
    ]
    if failed:
        pytest.fail("\n\n".join(failed), pytrace=False)


def report_count(session_factory) -> int:
    with session_factory() as session:
        return session.execute(select(func.count(Report.id))).scalar_one()


def assert_reports_exactly_as_told(session_factory, runs: list[CustomerRun]) -> None:
    """One report per customer, under the number the bot gave, with every fact right."""
    numbers = [run.report_number for run in runs]
    assert len(set(numbers)) == len(numbers), "a 报案号 was given twice"
    now = datetime.now(timezone.utc)
    with session_factory() as session:
        for run in runs:
            told = run.accident
            customer = repository.find_customer_by_plate(session, told.plate)
            reports = list(
                session.execute(select(Report).where(Report.customer_id == customer.id)).scalars()
            )
            assert [r.report_number for r in reports] == [run.report_number], run.transcript()
            [report] = reports
            assert report.sender_id == run.sender
            stored = {
                "location": report.location,
                "description": report.description,
                "two_vehicle": report.two_vehicle,
                "own_loss": report.own_loss,
                "third_party_loss": report.third_party_loss,
                "outcome": report.fast_track_outcome,
                "injured": report.anyone_injured,
                "drivable": report.drivable,
                "insured_driving": report.insured_driving,
                "insured_reporting": report.insured_reporting,
            }
            expected = {
                "location": told.location,
                "description": told.description,
                "two_vehicle": told.two_vehicle,
                "own_loss": told.own_loss,
                "third_party_loss": told.third_party_loss,
                "outcome": told.fast_track_outcome,
                "injured": False,
                "drivable": True,
                "insured_driving": True,
                "insured_reporting": True,
            }
            assert stored == expected, run.transcript()
            said_at = next(
                e.sent_at
                for e in run.exchanges
                if e.text == told.answers["utter_ask_accident_time"]
            )
            expected_time = said_at - timedelta(minutes=told.minutes_ago)
            assert abs(report.accident_at - expected_time) < TIME_TOLERANCE
            assert report.reported_at <= now
