"""Complaints, satisfaction ratings (回访) and after-sales requests (保全)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import AftersalesRequest, Agent, Complaint, SatisfactionRating, utcnow
from bot.db.repository.numbers import local_day, next_number
from bot.rules import aftersales
from bot.rules.aftersales import AftersalesKind
from bot.rules.workdays import add_working_days

COMPLAINT_NUMBER_PREFIX = "TS"  # 投诉编号
AFTERSALES_NUMBER_PREFIX = "BQ"  # 保全申请编号
COMPLAINT_MATERIALS_WORKING_DAYS = 5
COMPLAINT_ACCEPTANCE_WORKING_DAYS = 10


def register_complaint(
    session: Session,
    text: str,
    *,
    customer_id: int | None = None,
    received_at: datetime | None = None,
    tz: tzinfo | None = None,
) -> Complaint:
    """Register a complaint with a number and its two working-day deadlines (domain.md §6).

    Materials given in chat are taken as complete on receipt, so both deadlines
    count from the day the complaint arrives.
    """
    received = received_at or utcnow()
    day = local_day(received, tz)
    complaint = Complaint(
        complaint_number=next_number(session, COMPLAINT_NUMBER_PREFIX, day),
        customer_id=customer_id,
        text=text,
        received_at=received,
        materials_deadline=add_working_days(day, COMPLAINT_MATERIALS_WORKING_DAYS),
        acceptance_deadline=add_working_days(day, COMPLAINT_ACCEPTANCE_WORKING_DAYS),
    )
    session.add(complaint)
    session.flush()
    return complaint


def store_rating(
    session: Session,
    score: int,
    *,
    comment: str | None = None,
    customer_id: int | None = None,
    report_id: int | None = None,
    handoff_ticket_id: int | None = None,
) -> SatisfactionRating:
    """Store a 1–5 satisfaction score (回访) with an optional comment."""
    if not 1 <= score <= 5:
        raise ValueError("a satisfaction score is between 1 and 5")
    rating = SatisfactionRating(
        score=score,
        comment=comment or None,
        customer_id=customer_id,
        report_id=report_id,
        handoff_ticket_id=handoff_ticket_id,
    )
    session.add(rating)
    session.flush()
    return rating


def register_aftersales_request(
    session: Session,
    customer_id: int,
    kind: AftersalesKind,
    *,
    detail: str | None = None,
    sender_id: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> AftersalesRequest:
    """Record a verified customer's request for staff, with its number; nothing changes yet."""
    kind = AftersalesKind(kind)
    if kind.needs_detail and not detail:
        raise ValueError(f"a {kind.value} request needs the new value")
    moment = now or utcnow()
    request = AftersalesRequest(
        request_number=next_number(session, AFTERSALES_NUMBER_PREFIX, local_day(moment, tz)),
        customer_id=customer_id,
        kind=kind.value,
        detail=detail if kind.needs_detail else None,
        sender_id=sender_id,
        created_at=moment,
    )
    session.add(request)
    session.flush()
    return request


def open_aftersales_requests(session: Session) -> list[AftersalesRequest]:
    """What staff still have to do, oldest first."""
    query = (
        select(AftersalesRequest)
        .where(AftersalesRequest.status == aftersales.OPEN)
        .order_by(AftersalesRequest.created_at, AftersalesRequest.id)
    )
    return list(session.execute(query).scalars())


def complete_aftersales_request(session: Session, request_id: int, agent: Agent) -> bool:
    """Mark an open request done by `agent`; False if it is unknown or already done.

    One conditional UPDATE, like `accept_ticket`: two agents clicking at once
    cannot both complete it.
    """
    done = session.execute(
        update(AftersalesRequest)
        .where(AftersalesRequest.id == request_id, AftersalesRequest.status == aftersales.OPEN)
        .values(status=aftersales.DONE, done_at=utcnow(), done_by_agent_id=agent.id)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1
