"""Numbers handed out per local day: 报案号, 投诉编号, 保全申请编号."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import NumberSequence
from bot.settings import load_settings


def local_day(moment: datetime, tz: tzinfo | None) -> date:
    return moment.astimezone(tz or load_settings().timezone).date()


def next_number(session: Session, prefix: str, day: date) -> str:
    """Allocate `prefix`+yyyymmdd+6 digits from a per-day counter row.

    The UPDATE locks the counter row (PostgreSQL) or the database (SQLite)
    until the caller's transaction ends, so concurrent writers never share a
    number; the INSERT ... ON CONFLICT DO NOTHING creates the day's row once.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    key = (NumberSequence.prefix == prefix, NumberSequence.day == day)
    session.execute(
        insert(NumberSequence)
        .values(prefix=prefix, day=day, last_value=0)
        .on_conflict_do_nothing(index_elements=["prefix", "day"])
    )
    session.execute(
        update(NumberSequence).where(*key).values(last_value=NumberSequence.last_value + 1)
    )
    value = session.execute(select(NumberSequence.last_value).where(*key)).scalar_one()
    return f"{prefix}{day:%Y%m%d}{value:06d}"
