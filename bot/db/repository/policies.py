"""Policies in force and the claims history the fast-track rules read."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.concepts.identifiers import normalise_plate
from bot.db.models import Policy, Report
from bot.rules import status
from bot.rules.fast_track import Cover, Policyholder

# How far back claim-free years are counted; the rule needs three.
_MAX_HISTORY_YEARS = 10


def _policies_active_on(session: Session, customer_id: int, day: date) -> list[Policy]:
    query = (
        select(Policy)
        .where(Policy.customer_id == customer_id)
        .where(Policy.period_start <= day, Policy.period_end > day)
        .order_by(Policy.period_start.desc(), Policy.id.desc())
    )
    return list(session.execute(query).scalars())


def active_policy(
    session: Session, customer_id: int, on: date, plate: str | None = None
) -> Policy | None:
    """The customer's policy in force on `on`, for one vehicle if `plate` is given."""
    for policy in _policies_active_on(session, customer_id, on):
        if plate is None or policy.vehicle.plate == normalise_plate(plate):
            return policy
    return None


def _claims_on(session: Session, policy_ids: list[int]) -> int:
    query = (
        select(func.count(Report.id))
        .where(Report.policy_id.in_(policy_ids))
        .where(Report.status.in_(status.COUNTS_AS_CLAIM))
    )
    return session.execute(query).scalar_one()


def claim_free_years(session: Session, customer_id: int, policy: Policy) -> int:
    """Consecutive policy years with us right before `policy`'s period, each without a claim."""
    years = 0
    day_before = policy.period_start - timedelta(days=1)
    while years < _MAX_HISTORY_YEARS:
        earlier = _policies_active_on(session, customer_id, day_before)
        if not earlier or _claims_on(session, [p.id for p in earlier]):
            break
        years += 1
        day_before = min(p.period_start for p in earlier) - timedelta(days=1)
    return years


def policyholder_for_fast_track(session: Session, policy: Policy) -> Policyholder:
    """The fast-track rules' view of a policy's customer, from the claims history."""
    customer = policy.customer
    return Policyholder(
        is_company=customer.is_company,
        claim_free_years=claim_free_years(session, customer.id, policy),
        claims_this_period=_claims_on(session, [policy.id]),
        cover=Cover(
            compulsory=policy.has_compulsory,
            vehicle_damage=policy.has_vehicle_damage,
            third_party_limit=policy.third_party_limit,
            deductible_waiver=policy.deductible_waiver,
        ),
    )
