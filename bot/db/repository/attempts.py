"""Failed tries of a secret (identity digits, console passwords), counted for the lockouts
(bot.rules.lockout)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.models import FailedAttempt, utcnow
from bot.rules import lockout


def attempt_key_hash(key: str) -> str:
    """Keys (plates, addresses, user names) are stored as SHA-256, never in plain."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def record_failed_attempt(
    session: Session, scope: str, key: str, now: datetime | None = None
) -> FailedAttempt:
    row = FailedAttempt(scope=scope, key_hash=attempt_key_hash(key), created_at=now or utcnow())
    session.add(row)
    session.flush()
    return row


def count_failed_attempts(session: Session, scope: str, key: str, since: datetime) -> int:
    """Failures of `key` in `scope` from `since` on."""
    query = select(func.count(FailedAttempt.id)).where(
        FailedAttempt.scope == scope,
        FailedAttempt.key_hash == attempt_key_hash(key),
        FailedAttempt.created_at >= since,
    )
    return session.execute(query).scalar_one()


def purge_failed_attempts(session: Session, before: datetime) -> int:
    """Forget failures older than `before`; returns how many."""
    result = session.execute(delete(FailedAttempt).where(FailedAttempt.created_at < before))
    return result.rowcount


@dataclass(frozen=True)
class Attempt:
    """One try of a secret, already stored as a failure of each of its keys."""

    row_ids: tuple[int, ...]
    tally: lockout.Tally  # failures before this one
    refused: bool  # a limit was reached already: the secret must not be checked


def start_attempt(
    session: Session, keys: Mapping[lockout.Limit, str], now: datetime | None = None
) -> Attempt:
    """Count a try before the secret is checked, and commit.

    The try is stored as a failure first and committed, then counted: of many
    simultaneous tries, each sees the others, so no more than a limit's
    `max_failures` secrets are ever compared. A success or a refusal takes the
    rows back out (`withdraw_attempt`).
    """
    moment = now or utcnow()
    purge_failed_attempts(session, moment - lockout.LONGEST_WINDOW)
    rows = [record_failed_attempt(session, limit.scope, key, moment) for limit, key in keys.items()]
    session.commit()
    tally = lockout.Tally(
        {
            limit: count_failed_attempts(session, limit.scope, key, moment - limit.window) - 1
            for limit, key in keys.items()
        }
    )
    attempt = Attempt(tuple(row.id for row in rows), tally, refused=tally.locked)
    if attempt.refused:
        withdraw_attempt(session, attempt)
    return attempt


def withdraw_attempt(session: Session, attempt: Attempt) -> None:
    """Take an attempt's rows back out: it proved the secret, or it was refused unchecked."""
    session.execute(delete(FailedAttempt).where(FailedAttempt.id.in_(attempt.row_ids)))
    session.commit()
