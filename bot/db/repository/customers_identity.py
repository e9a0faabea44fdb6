"""Customers, how they prove who they are, and their WeChat accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.concepts.identifiers import normalise_number, normalise_plate
from bot.db.models import Customer, Policy, Vehicle, WechatBinding, WechatInboundMessage, utcnow
from bot.db.repository.attempts import start_attempt, withdraw_attempt
from bot.rules import lockout
from bot.rules.identity import Identifier, IdentifierKind, parse_identifier, phone_last4_matches


def find_customer_by_plate(session: Session, plate: str) -> Customer | None:
    query = select(Customer).join(Vehicle).where(Vehicle.plate == normalise_plate(plate))
    return session.execute(query).scalar_one_or_none()


def find_customer_by_policy_number(session: Session, policy_number: str) -> Customer | None:
    number = normalise_number(policy_number)
    query = select(Customer).join(Policy).where(Policy.policy_number == number)
    return session.execute(query).scalar_one_or_none()


def find_customer(session: Session, identifier: Identifier) -> Customer | None:
    """The customer a plate or policy number belongs to."""
    if identifier.kind is IdentifierKind.PLATE:
        return find_customer_by_plate(session, identifier.value)
    return find_customer_by_policy_number(session, identifier.value)


@dataclass(frozen=True)
class IdentityCheck:
    customer: Customer | None  # set only when the identity is proved
    tally: lockout.Tally  # failures after this attempt

    @property
    def locked(self) -> bool:
        return self.customer is None and self.tally.locked


def check_identity(
    session: Session,
    identifier: str,
    phone_last4: str,
    *,
    conversation: str,
    client: str | None = None,
    now: datetime | None = None,
) -> IdentityCheck:
    """Prove who the customer is with a plate or policy number and the phone digits,
    within the lockout limits (bot.rules.lockout): a locked policy, conversation or
    client is refused without the digits being compared. Commits (see start_attempt)."""
    # Neither a plate nor a policy number matches nobody; it is counted under what was typed.
    parsed = parse_identifier(identifier) or Identifier(IdentifierKind.PLATE, identifier.strip())
    customer = find_customer(session, parsed)
    customer_id = customer.id if customer is not None else None
    attempt = start_attempt(
        session, lockout.identity_keys(parsed, customer_id, conversation, client), now
    )
    if attempt.refused:
        return IdentityCheck(None, attempt.tally)
    if customer is not None and phone_last4_matches(customer.phone, phone_last4):
        withdraw_attempt(session, attempt)
        return IdentityCheck(customer, attempt.tally)
    return IdentityCheck(None, attempt.tally.after_failure())


def bind_openid(session: Session, openid: str, customer_id: int) -> WechatBinding:
    """Bind a WeChat user to a verified customer; a re-bind moves the openid."""
    binding = session.execute(
        select(WechatBinding).where(WechatBinding.openid == openid)
    ).scalar_one_or_none()
    if binding is None:
        binding = WechatBinding(openid=openid, customer_id=customer_id)
        session.add(binding)
    else:
        binding.customer_id = customer_id
        binding.bound_at = utcnow()
    session.flush()
    return binding


def customer_by_openid(session: Session, openid: str) -> Customer | None:
    query = select(Customer).join(WechatBinding).where(WechatBinding.openid == openid)
    return session.execute(query).scalar_one_or_none()


def first_delivery_of_wechat_message(
    session: Session, message_key: str, remember_for: timedelta, now: datetime | None = None
) -> bool:
    """Remember a WeChat message; False if it was already taken (a retry or a replay,
    maybe on another server). Keys older than `remember_for` are forgotten."""
    moment = now or utcnow()
    session.execute(
        delete(WechatInboundMessage).where(WechatInboundMessage.received_at < moment - remember_for)
    )
    session.add(WechatInboundMessage(message_key=message_key, received_at=moment))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True
