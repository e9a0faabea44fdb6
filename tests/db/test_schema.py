"""The schema: Alembic migrations match the models; CHECK constraints guard the values."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from bot.db import repository
from bot.db.models import Base, Customer, SatisfactionRating
from bot.db.schema import downgrade_to_base, upgrade_to_head

from .support import file_report


def test_migrations_at_head_match_the_models_exactly(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_go_down_to_nothing_and_back_up(engine, database_url):
    downgrade_to_base(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(database_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


@pytest.mark.parametrize("score", [0, 6])
def test_the_database_refuses_a_rating_outside_1_to_5(session, score):
    session.add(SatisfactionRating(score=score))
    with pytest.raises(IntegrityError):
        session.flush()


def test_the_database_refuses_an_unknown_claim_status(seeded):
    report = file_report(seeded, "沪A12345", "k-status")
    report.status = "处理中"
    with pytest.raises(IntegrityError):
        seeded.flush()


def test_the_database_refuses_an_unknown_customer_kind(session):
    session.add(Customer(kind="partnership", name="某合伙企业", phone="13900000000"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_foreign_keys_are_enforced(session):
    session.add(SatisfactionRating(score=5, customer_id=999))
    with pytest.raises(IntegrityError):
        session.flush()


def test_timestamps_come_back_timezone_aware_in_utc(seeded, session_factory):
    report = file_report(seeded, "沪A12345", "k-time")
    with session_factory() as fresh:
        again = repository.report_for_customer(fresh, report.report_number, report.customer_id)
        assert again.reported_at.tzinfo == timezone.utc
        assert again.reported_at == report.reported_at


def test_naive_timestamps_are_refused(session):
    session.add(SatisfactionRating(score=5, created_at=datetime(2026, 5, 20, 10, 0)))
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()


def test_money_comes_back_exact_to_the_cent(seeded, session_factory):
    report = file_report(seeded, "沪A12345", "k-money", own_loss=Decimal("3000.01"))
    with session_factory() as fresh:
        again = repository.report_for_customer(fresh, report.report_number, report.customer_id)
        assert again.own_loss == Decimal("3000.01")
