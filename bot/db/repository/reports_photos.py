"""Reports (报案), their photos and the records that follow a report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.concepts.identifiers import REPORT_NUMBER_PREFIX
from bot.db.models import (
    ExpertTeamRequest,
    HandoffTicket,
    InjuryNotification,
    Photo,
    Report,
    ReportStatusChange,
    utcnow,
)
from bot.db.repository.numbers import local_day, next_number
from bot.rules import status
from bot.rules.fast_track import DEFAULT_MODE, Accident, FastTrackDecision, SettlementMode
from bot.rules.photos import MAX_PHOTOS_PER_REPORT

RecordT = TypeVar("RecordT", InjuryNotification, ExpertTeamRequest)


class PhotoLimitReached(Exception):
    """The report already holds MAX_PHOTOS_PER_REPORT photos."""


def customer_reports(session: Session, customer_id: int) -> list[Report]:
    """The customer's claim history, newest first."""
    query = (
        select(Report)
        .where(Report.customer_id == customer_id)
        .order_by(Report.reported_at.desc(), Report.id.desc())
    )
    return list(session.execute(query).scalars())


def latest_report(session: Session, customer_id: int) -> Report | None:
    reports = customer_reports(session, customer_id)
    return reports[0] if reports else None


def report_for_customer(session: Session, report_number: str, customer_id: int) -> Report | None:
    """The report only if it belongs to this customer: someone else's number is 'not found'."""
    query = select(Report).where(
        Report.report_number == report_number.strip().upper(),
        Report.customer_id == customer_id,
    )
    return session.execute(query).scalar_one_or_none()


def customer_report(
    session: Session, customer_id: int, report_number: str | None = None
) -> Report | None:
    """The report a verified customer means: the one whose number they named (only if it is
    theirs), else their latest."""
    if report_number:
        return report_for_customer(session, report_number, customer_id)
    return latest_report(session, customer_id)


def report_for_conversation(session: Session, sender_id: str) -> Report | None:
    """The newest report filed from this conversation: photos go to it and nowhere else."""
    query = (
        select(Report)
        .where(Report.sender_id == sender_id)
        .order_by(Report.reported_at.desc(), Report.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def report_by_idempotency_key(session: Session, key: str) -> Report | None:
    query = select(Report).where(Report.idempotency_key == key)
    return session.execute(query).scalar_one_or_none()


@dataclass(frozen=True)
class ReportDraft:
    """Everything the report conversation collected, ready to be filed."""

    customer_id: int
    policy_id: int
    accident: Accident
    location: str
    drivable: bool
    description: str
    idempotency_key: str  # the same for every retry of one submit
    sender_id: str | None = None


def _new_report(draft: ReportDraft, decision: FastTrackDecision, number: str) -> Report:
    accident = draft.accident
    report = Report(
        report_number=number,
        idempotency_key=draft.idempotency_key,
        customer_id=draft.customer_id,
        policy_id=draft.policy_id,
        sender_id=draft.sender_id,
        status=status.REPORTED,
        reported_at=accident.reported_at,
        updated_at=accident.reported_at,
        accident_at=accident.occurred_at,
        location=draft.location,
        two_vehicle=accident.two_vehicle,
        anyone_injured=accident.anyone_injured,
        drivable=draft.drivable,
        own_loss=accident.own_loss,
        third_party_loss=accident.third_party_loss if accident.two_vehicle else None,
        insured_driving=accident.insured_driving,
        insured_reporting=accident.insured_reporting,
        description=draft.description,
        fast_track_outcome=decision.outcome.value,
        fast_track_reasons=decision.failed_as_json(),
        settlement_mode=DEFAULT_MODE.value if decision.may_leave_scene else None,
        late_report=decision.late_report,
        expert_team_offered=decision.expert_team_offered,
    )
    report.status_history.append(
        ReportStatusChange(status=status.REPORTED, changed_at=accident.reported_at)
    )
    return report


def create_report(
    session: Session, draft: ReportDraft, decision: FastTrackDecision, tz: tzinfo | None = None
) -> Report:
    """File a report with a new 报案号 and commit; a retried submit returns the first report.

    An eligible report starts with the default 授权 mode (see `choose_settlement_mode`).
    """
    existing = report_by_idempotency_key(session, draft.idempotency_key)
    if existing is None:
        day = local_day(draft.accident.reported_at, tz)
        report = _new_report(draft, decision, next_number(session, REPORT_NUMBER_PREFIX, day))
        session.add(report)
        try:
            session.commit()
            return report
        except IntegrityError:
            # Another submit with the same key committed first.
            session.rollback()
            existing = report_by_idempotency_key(session, draft.idempotency_key)
            if existing is None:
                raise
    if existing.customer_id != draft.customer_id:
        raise ValueError("idempotency key already used by another customer's report")
    return existing


def choose_settlement_mode(session: Session, report: Report, mode: SettlementMode) -> Report:
    """Store the customer's choice of 授权 or 授信; only eligible reports have one."""
    if report.settlement_mode is None:
        raise ValueError(f"report {report.report_number} is not on the fast track")
    report.settlement_mode = SettlementMode(mode).value
    report.updated_at = utcnow()
    session.flush()
    return report


def change_status(
    session: Session,
    report: Report,
    new_status: str,
    *,
    note: str | None = None,
    declined_reason: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Move a claim to `new_status` (legal transitions only) and record it in the history."""
    status.check_transition(report.status, new_status)
    if new_status == status.DECLINED:
        if not declined_reason:
            raise ValueError("a declined claim needs a reason")
        report.declined_reason = declined_reason
    moment = now or utcnow()
    report.status = new_status
    report.updated_at = moment
    report.status_history.append(
        ReportStatusChange(status=new_status, changed_at=moment, note=note)
    )
    session.flush()
    return report


def add_photo(
    session: Session,
    report: Report,
    *,
    stored_name: str,
    content_type: str,
    size_bytes: int,
    checklist_item: str | None = None,
) -> Photo:
    """Attach a stored photo to a report; raises PhotoLimitReached past the per-report limit."""
    return _attach_photo(
        session,
        # Touching the report first takes its row lock (the database lock on SQLite),
        # so two uploads at once cannot both see 19 photos and make it 21.
        lock=update(Report).where(Report.id == report.id).values(updated_at=utcnow()),
        owner=Photo.report_id == report.id,
        owner_name=report.report_number,
        report_id=report.id,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=size_bytes,
        checklist_item=checklist_item,
    )


def add_ticket_photo(
    session: Session,
    ticket: HandoffTicket,
    *,
    stored_name: str,
    content_type: str,
    size_bytes: int,
) -> Photo:
    """A photo sent to the agent of a conversation that has no report; same limit as a report."""
    return _attach_photo(
        session,
        # The same row lock as for a report, on the ticket (its status does not change).
        lock=update(HandoffTicket)
        .where(HandoffTicket.id == ticket.id)
        .values(status=HandoffTicket.status),
        owner=Photo.ticket_id == ticket.id,
        owner_name=f"ticket {ticket.id}",
        ticket_id=ticket.id,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=size_bytes,
    )


def _attach_photo(session: Session, *, lock, owner, owner_name: str, **fields: Any) -> Photo:
    """Lock the owner's row, check the limit, store the photo row."""
    session.execute(lock)
    stored = session.execute(select(func.count(Photo.id)).where(owner)).scalar_one()
    if stored >= MAX_PHOTOS_PER_REPORT:
        raise PhotoLimitReached(owner_name)
    photo = Photo(**fields)
    session.add(photo)
    session.flush()
    return photo


def photo_count(session: Session, report: Report) -> int:
    query = select(func.count(Photo.id)).where(Photo.report_id == report.id)
    return session.execute(query).scalar_one()


def latest_photo(session: Session, report: Report) -> Photo | None:
    """The report's newest photo."""
    query = select(Photo).where(Photo.report_id == report.id).order_by(Photo.id.desc()).limit(1)
    return session.execute(query).scalar_one_or_none()


def tag_photo(session: Session, report: Report, photo_id: int, checklist_item: str) -> Photo | None:
    """Tag one of the report's photos with what it shows; another report's photo → None."""
    photo = session.execute(
        select(Photo).where(Photo.id == photo_id, Photo.report_id == report.id)
    ).scalar_one_or_none()
    if photo is not None:
        photo.checklist_item = checklist_item
        session.flush()
    return photo


def _once_per_report(session: Session, model: type[RecordT], report: Report, **values) -> RecordT:
    """The model's row for this report, created with `values` the first time."""
    existing = session.execute(
        select(model).where(model.report_id == report.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    record = model(report_id=report.id, **values)
    session.add(record)
    session.flush()
    return record


def record_injury_notification(session: Session, report: Report) -> InjuryNotification:
    """Hand an injury case to the injury specialist with the insured's name and contact, once."""
    customer = report.customer
    return _once_per_report(
        session,
        InjuryNotification,
        report,
        insured_name=customer.name,
        contact_phone=customer.phone,
    )


def record_expert_request(session: Session, report: Report) -> ExpertTeamRequest:
    """Record the customer's request for the expert team, once per report."""
    if not report.expert_team_offered:
        raise ValueError(f"report {report.report_number} was not offered the expert team")
    return _once_per_report(session, ExpertTeamRequest, report)
