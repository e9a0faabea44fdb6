"""One definition per concept (bot/concepts/): the NLU, the rules, the database and the
logs agree on what a plate, a policy number and a report number are, on provinces,
money, ticket statuses and the time zone."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import CheckConstraint

from bot.concepts import identifiers
from bot.concepts.money import yuan
from bot.concepts.provinces import PROVINCES, TRADITIONAL_PROVINCES
from bot.concepts.tickets import CloseReason, TicketStatus
from bot.concepts.timezone import local_zone
from bot.db.models import HandoffTicket
from bot.db.seed import DEMO_CUSTOMERS
from bot.nlu.entities import extract
from bot.privacy import mask
from bot.rules.identity import IdentifierKind, parse_identifier
from bot.settings import load_settings

KINDS = {IdentifierKind.PLATE: "plate", IdentifierKind.POLICY_NUMBER: "policy_number"}

# As customers type them: accepted by the rule and extracted by the NLU alike.
VALID = [
    *(customer.plate for customer in DEMO_CUSTOMERS),
    *(customer.policy_number for customer in DEMO_CUSTOMERS),
    "沪a12345",
    "京C·24680",
    "浙A-13579",
    "滬A12345",
    "沪Ａ１２３４５",
    "粤BD12345",  # new-energy plate, 8 characters
    "pdaa2026310000000001",
    "ＰＤＡＡ２０２６３１０００００００００１",
    "ABCD2025110000000099",  # another product code
]
# Close to an identifier but not one: neither the rule nor the NLU takes them.
INVALID = [
    "沪A1234",  # one character short
    "沪A1234567",  # one too many
    "港A12345",  # not a mainland province
    "PDA2026310000000001",  # three letters
    "PDAA202631000000001",  # 15 digits
    "PDAA20263100000000011",  # 17 digits
    "AB1234567890123456",  # the NLU's old, looser pattern took these two
    "PD2026310000000000000001",
]


def nlu_identifiers(text: str) -> list[tuple[str, str]]:
    return [(e.entity, e.value) for e in extract(text) if e.entity in ("plate", "policy_number")]


@pytest.mark.parametrize("typed", VALID)
def test_the_nlu_extracts_what_the_identity_rule_accepts_with_the_same_value(typed):
    identifier = parse_identifier(typed)
    assert identifier is not None
    assert nlu_identifiers(typed) == [(KINDS[identifier.kind], identifier.value)]
    assert nlu_identifiers(f"我的是{typed}，尾号0001") == [
        (KINDS[identifier.kind], identifier.value)
    ]


@pytest.mark.parametrize("typed", INVALID)
def test_what_the_identity_rule_refuses_the_nlu_does_not_extract(typed):
    assert parse_identifier(typed) is None
    assert nlu_identifiers(typed) == []


@pytest.mark.parametrize("typed", [t for t in VALID if parse_identifier(t).kind == "plate"])
def test_every_plate_the_rule_accepts_is_hidden_in_the_logs(typed):
    assert typed[1:] not in mask(f"车牌{typed}")


def test_report_numbers_are_issued_extracted_and_kept_readable_in_one_format():
    issued = f"{identifiers.REPORT_NUMBER_PREFIX}{date(2026, 11, 22):%Y%m%d}{1:06d}"
    assert identifiers.is_report_number(issued)
    assert [(e.entity, e.value) for e in extract(issued.lower())] == [("report_number", issued)]
    assert mask(issued) == issued
    assert not identifiers.is_report_number("BA2026112200001")


def test_every_traditional_province_becomes_a_province_we_know():
    for province in TRADITIONAL_PROVINCES:
        simplified = identifiers.normalise_plate(f"{province}A12345")[0]
        assert simplified in PROVINCES


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (2500, "2,500"),
        (Decimal("1234.5"), "1,234.50"),
        (0.1, "0.10"),
        (Decimal("50000.00"), "50,000"),
    ],
)
def test_money_reads_with_separators_and_cents_only_when_there_are_any(amount, text):
    assert yuan(amount) == text


def test_the_database_allows_exactly_the_ticket_statuses():
    [status_check] = [
        str(c.sqltext)
        for c in HandoffTicket.__table__.constraints
        if isinstance(c, CheckConstraint) and c.name.endswith("_status")
    ]
    assert all(f"'{status}'" in status_check for status in TicketStatus)
    assert status_check.count("'") == 2 * len(TicketStatus)


def test_an_unknown_close_reason_is_not_a_close_reason():
    with pytest.raises(ValueError):
        CloseReason("done")


def test_customer_times_are_read_in_the_configured_zone(monkeypatch):
    monkeypatch.setenv("BOT_TIMEZONE", "Asia/Tokyo")
    [found] = [e for e in extract("刚才追尾了") if e.entity == "accident_time"]
    assert datetime.fromisoformat(found.value).utcoffset().total_seconds() == 9 * 3600
    assert load_settings().timezone == local_zone()


def test_the_default_zone_is_shanghai(monkeypatch):
    monkeypatch.delenv("BOT_TIMEZONE", raising=False)
    assert str(local_zone()) == "Asia/Shanghai"
    assert datetime.fromisoformat(extract("刚才")[0].value).utcoffset().total_seconds() == 8 * 3600
