"""The demo data of shared/demo-data.md, with dates relative to the load day.

    python -m bot.db.seed --url URL [--reset]

creates (or upgrades) the schema through the Alembic migrations and loads the
seven demo customers, their policy years and earlier claims, and the demo
agents. Seeding twice changes nothing. Agent passwords come from
AGENT01_PASSWORD / AGENT02_PASSWORD; when unset a random one is generated,
printed once to stdout, and only its bcrypt hash is stored.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import TextIO

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.db import repository
from bot.db.models import Agent, Customer, Policy, Vehicle
from bot.db.passwords import hash_password
from bot.db.reset import reset_database
from bot.db.schema import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.rules import status
from bot.rules.fast_track import Accident, decide
from bot.settings import load_settings

# The current one-year period started this many days before the load day, so
# it contains today and leaves room for customer 4's earlier claim in it.
DAYS_INTO_CURRENT_PERIOD = 120


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    kind: str
    phone: str
    plate: str
    policy_number: str  # of the current period
    vehicle_damage: bool  # 车损险 (every demo policy has 交强险 and 三者险)
    third_party_limit: int  # 三者险, 元
    deductible_waiver: bool  # 不计免赔
    earlier_years: int  # consecutive policy years with us before the current one
    riders: tuple[str, ...] = ()


DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer("张伟", "individual", "13800000001", "沪A12345", "PDAA2026310000000001",
                 True, 2_000_000, True, 3),
    DemoCustomer("李娜", "individual", "13800000002", "粤B67890", "PDAA2026440000000002",
                 False, 1_000_000, False, 3),
    DemoCustomer("王强", "individual", "13800000003", "京C24680", "PDAA2026110000000003",
                 True, 1_000_000, True, 3),
    DemoCustomer("赵敏", "individual", "13800000004", "浙A13579", "PDAA2026330000000004",
                 True, 2_000_000, True, 3),
    DemoCustomer("上海顺达物流有限公司", "company", "13800000005", "沪B88888",
                 "PDAA2026310000000005", True, 3_000_000, True, 3),
    DemoCustomer("陈静", "individual", "13800000006", "川A11223", "PDAA2026510000000006",
                 True, 1_000_000, False, 3),
    DemoCustomer("刘洋", "individual", "13800000007", "苏E55667", "PDAA2026320000000007",
                 True, 1_500_000, True, 1, riders=("body_scratch",)),
)  # fmt: skip


@dataclass(frozen=True)
class DemoClaim:
    plate: str
    years_back: int  # 0 = the current period
    days_into_period: int
    two_vehicle: bool
    own_loss: Decimal
    third_party_loss: Decimal | None
    location: str
    description: str
    # Each later status with the hours after the report at which it was reached.
    history: tuple[tuple[str, int], ...] = field(default=())


DEMO_CLAIMS: tuple[DemoClaim, ...] = (
    # Customer 3 (王强): the paid claim in year −2 that costs the claim-free record.
    DemoClaim(
        plate="京C24680",
        years_back=2,
        days_into_period=150,
        two_vehicle=True,
        own_loss=Decimal("4200"),
        third_party_loss=Decimal("1800"),
        location="北京市朝阳区建国路与东三环路口",
        description="等红灯时被后车追尾，后保险杠和尾灯损坏",
        history=((status.SURVEYING, 1), (status.AWAITING_DOCUMENTS, 6),
                 (status.UNDER_REVIEW, 72), (status.PAID, 168), (status.CLOSED, 192)),
    ),
    # Customer 4 (赵敏): the earlier claim of the current period, closed.
    DemoClaim(
        plate="浙A13579",
        years_back=0,
        days_into_period=30,
        two_vehicle=False,
        own_loss=Decimal("1500"),
        third_party_loss=None,
        location="杭州市西湖区文三路地下停车场",
        description="倒车时蹭到立柱，右后门和后保险杠刮伤",
        history=((status.SURVEYING, 1), (status.AWAITING_DOCUMENTS, 3),
                 (status.UNDER_REVIEW, 30), (status.PAID, 48), (status.CLOSED, 120)),
    ),
)  # fmt: skip

DEMO_AGENTS: tuple[tuple[str, str, str], ...] = (
    ("agent01", "客服专员 01", "AGENT01_PASSWORD"),
    ("agent02", "客服专员 02", "AGENT02_PASSWORD"),
)


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _policy_number(current_number: str, years_back: int) -> str:
    """Earlier years' numbers carry their own year: PDAA2026… → PDAA2025… for year −1."""
    year = int(current_number[4:8]) - years_back
    return f"{current_number[:4]}{year}{current_number[8:]}"


def _seed_customer(session: Session, demo: DemoCustomer, current_start: date) -> None:
    if repository.find_customer_by_plate(session, demo.plate) is not None:
        return
    customer = Customer(kind=demo.kind, name=demo.name, phone=demo.phone)
    vehicle = Vehicle(customer=customer, plate=demo.plate)
    for years_back in range(demo.earlier_years, -1, -1):
        session.add(
            Policy(
                policy_number=_policy_number(demo.policy_number, years_back),
                customer=customer,
                vehicle=vehicle,
                period_start=_shift_years(current_start, -years_back),
                period_end=_shift_years(current_start, 1 - years_back),
                has_compulsory=True,
                has_vehicle_damage=demo.vehicle_damage,
                third_party_limit=demo.third_party_limit,
                has_passenger_liability=False,
                deductible_waiver=demo.deductible_waiver,
                riders=list(demo.riders),
            )
        )
    session.flush()


def _seed_claim(session: Session, claim: DemoClaim, current_start: date, tz: tzinfo) -> None:
    key = f"demo:{claim.plate}:year-{claim.years_back}"
    if repository.report_by_idempotency_key(session, key) is not None:
        return
    customer = repository.find_customer_by_plate(session, claim.plate)
    accident_day = _shift_years(current_start, -claim.years_back) + timedelta(
        days=claim.days_into_period
    )
    policy = repository.active_policy(session, customer.id, accident_day, plate=claim.plate)
    occurred_at = datetime.combine(accident_day, time(9, 30), tzinfo=tz)
    accident = Accident(
        two_vehicle=claim.two_vehicle,
        anyone_injured=False,
        own_loss=claim.own_loss,
        third_party_loss=claim.third_party_loss,
        insured_driving=True,
        insured_reporting=True,
        occurred_at=occurred_at,
        reported_at=occurred_at + timedelta(minutes=20),
    )
    # The decision is the one the rules gave on that day, from the history then.
    decision = decide(repository.policyholder_for_fast_track(session, policy), accident)
    draft = repository.ReportDraft(
        customer_id=customer.id,
        policy_id=policy.id,
        accident=accident,
        location=claim.location,
        drivable=True,
        description=claim.description,
        idempotency_key=key,
    )
    report = repository.create_report(session, draft, decision, tz=tz)
    for new_status, hours in claim.history:
        moment = accident.reported_at + timedelta(hours=hours)
        repository.change_status(session, report, new_status, now=moment)
    session.commit()


def _seed_agents(session: Session, environ: Mapping[str, str], out: TextIO) -> None:
    for username, display_name, variable in DEMO_AGENTS:
        if repository.agent_by_username(session, username) is not None:
            continue
        password = environ.get(variable)
        if not password:
            password = secrets.token_urlsafe(12)
            print(
                f"{username} 的初始密码（只显示这一次，可用 {variable} 指定）: {password}", file=out
            )
        session.add(
            Agent(
                username=username, display_name=display_name, password_hash=hash_password(password)
            )
        )
    session.flush()


def seed_demo_data(
    session: Session,
    today: date,
    tz: tzinfo,
    environ: Mapping[str, str] | None = None,
    out: TextIO = sys.stdout,
) -> None:
    """Load the demo customers, policies, earlier claims and agents; existing rows are kept.

    One commit at the end: all of it or nothing (bot.db.reset relies on it)."""
    current_start = today - timedelta(days=DAYS_INTO_CURRENT_PERIOD)
    for demo in DEMO_CUSTOMERS:
        _seed_customer(session, demo, current_start)
    session.flush()
    for claim in DEMO_CLAIMS:
        _seed_claim(session, claim, current_start, tz)
    _seed_agents(session, environ if environ is not None else {}, out)
    session.commit()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Create the claims schema with the Alembic migrations and load the demo data."
    )
    parser.add_argument("--url", help="database URL (default: CLAIMS_DB_URL, else var/claims.db)")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="replace the database with a fresh one: every row is lost (all or nothing)",
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    url = args.url or settings.claims_db_url
    today = datetime.now(settings.timezone).date()

    def seed(session: Session) -> None:
        seed_demo_data(session, today, settings.timezone, environ=os.environ)

    if args.reset:
        reset_database(url, seed)
    else:
        upgrade_to_head(url)
        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            seed(session)
        engine.dispose()
    shown = make_url(url).render_as_string(hide_password=True)
    print(f"演示数据已载入 {shown}", file=sys.stderr)


if __name__ == "__main__":
    main()
