"""Filing an accident report: the fast-track decision plus the database write.

No Rasa import. The report action hands over the collected facts; this module
finds the policy in force, asks ``bot.rules.fast_track`` for the decision,
writes the report once (a retried submit returns the first one) and records
the injury-specialist notification for injury cases.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db import repository
from bot.rules.fast_track import Accident, Outcome, decide


@dataclass(frozen=True)
class ReportFacts:
    """What the report conversation collected, as the customer confirmed it."""

    occurred_at: datetime
    location: str
    two_vehicle: bool
    anyone_injured: bool
    drivable: bool
    own_loss: Decimal | None  # None: the customer cannot say (待定损)
    third_party_loss: Decimal | None
    insured_driving: bool
    insured_reporting: bool
    description: str


@dataclass(frozen=True)
class FiledReport:
    report_number: str
    outcome: Outcome
    failed: list[dict]  # the failed fast-track conditions, as stored on the report
    two_vehicle: bool
    own_damage_covered: bool
    late_report: bool
    expert_team_offered: bool
    newly_filed: bool


def file_report(
    session: Session,
    customer_id: int,
    facts: ReportFacts,
    idempotency_key: str,
    sender_id: str | None,
    now: datetime,
    tz: ZoneInfo,
) -> FiledReport | None:
    """File the report; None when the customer has no policy in force on the accident day."""
    policy = repository.active_policy(session, customer_id, facts.occurred_at.astimezone(tz).date())
    if policy is None:
        return None
    existing = repository.report_by_idempotency_key(session, idempotency_key)
    accident = Accident(
        two_vehicle=facts.two_vehicle,
        anyone_injured=facts.anyone_injured,
        own_loss=facts.own_loss,
        third_party_loss=facts.third_party_loss if facts.two_vehicle else None,
        insured_driving=facts.insured_driving,
        insured_reporting=facts.insured_reporting,
        occurred_at=facts.occurred_at,
        reported_at=now,
    )
    draft = repository.ReportDraft(
        customer_id=customer_id,
        policy_id=policy.id,
        accident=accident,
        location=facts.location,
        drivable=facts.drivable,
        description=facts.description,
        idempotency_key=idempotency_key,
        sender_id=sender_id,
    )
    holder = repository.policyholder_for_fast_track(session, policy)
    report = repository.create_report(session, draft, decide(holder, accident), tz)
    if report.anyone_injured:
        repository.record_injury_notification(session, report)
    return FiledReport(
        report_number=report.report_number,
        outcome=Outcome(report.fast_track_outcome),
        failed=list(report.fast_track_reasons or []),
        two_vehicle=report.two_vehicle,
        own_damage_covered=policy.has_vehicle_damage,
        late_report=report.late_report,
        expert_team_offered=report.expert_team_offered,
        newly_filed=existing is None,
    )
