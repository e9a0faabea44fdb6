"""Constants and helpers shared by the database tests."""

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db import repository
from bot.db.models import Report
from bot.rules.fast_track import Accident, decide

TODAY = date(2026, 5, 20)  # the demo data's load day in these tests
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 20, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai on TODAY
AGENT_PASSWORDS = {"AGENT01_PASSWORD": "first-secret", "AGENT02_PASSWORD": "second-secret"}

SMALL_ACCIDENT = Accident(
    two_vehicle=False,
    anyone_injured=False,
    own_loss=Decimal("2000"),
    third_party_loss=None,
    insured_driving=True,
    insured_reporting=True,
    occurred_at=NOW - timedelta(hours=1),
    reported_at=NOW,
)


def file_report(session: Session, plate: str, key: str, **accident_changes) -> Report:
    """Submit a report for the demo customer with `plate`, as the report form would."""
    customer = repository.find_customer_by_plate(session, plate)
    policy = repository.active_policy(session, customer.id, TODAY)
    accident = replace(SMALL_ACCIDENT, **accident_changes)
    decision = decide(repository.policyholder_for_fast_track(session, policy), accident)
    draft = repository.ReportDraft(
        customer_id=customer.id,
        policy_id=policy.id,
        accident=accident,
        location="上海市徐汇区漕溪北路",
        drivable=True,
        description="追尾前车",
        idempotency_key=key,
        sender_id="test-sender",
    )
    return repository.create_report(session, draft, decision, tz=TZ)
