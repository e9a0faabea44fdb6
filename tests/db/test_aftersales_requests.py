"""After-sales requests (保全) in the claims database, on SQLite and PostgreSQL:
a number per request, nothing for the customer changes, staff mark them done once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.exc import IntegrityError

from bot.db import repository
from bot.db.models import AftersalesRequest
from bot.rules.aftersales import AftersalesKind

from .support import NOW, TZ


def zhang_wei(session):
    return repository.find_customer_by_plate(session, "沪A12345")


def test_a_request_gets_a_BQ_number_of_the_local_day_and_is_open(seeded):
    request = repository.register_aftersales_request(
        seeded, zhang_wei(seeded).id, AftersalesKind.PHONE, detail="13912345678", now=NOW, tz=TZ
    )
    assert request.request_number == "BQ20260520000001"
    assert (request.status, request.kind, request.detail) == ("open", "phone", "13912345678")
    second = repository.register_aftersales_request(
        seeded, zhang_wei(seeded).id, AftersalesKind.POLICY_COPY, now=NOW, tz=TZ
    )
    assert second.request_number == "BQ20260520000002"


def test_recording_a_new_phone_leaves_the_phone_on_file_unchanged(seeded):
    customer = zhang_wei(seeded)
    before = customer.phone
    repository.register_aftersales_request(
        seeded, customer.id, AftersalesKind.PHONE, detail="13912345678", tz=TZ
    )
    seeded.expire_all()
    assert zhang_wei(seeded).phone == before


def test_a_new_phone_or_address_needs_its_value_and_a_policy_copy_keeps_none(seeded):
    customer = zhang_wei(seeded)
    with pytest.raises(ValueError):
        repository.register_aftersales_request(seeded, customer.id, AftersalesKind.ADDRESS)
    copy = repository.register_aftersales_request(
        seeded, customer.id, AftersalesKind.POLICY_COPY, detail="不该保存", tz=TZ
    )
    assert copy.detail is None


def test_the_database_refuses_an_unknown_kind(seeded):
    seeded.add(
        AftersalesRequest(
            request_number="BQ20260520999999",
            customer_id=zhang_wei(seeded).id,
            kind="bank_account",
            status="open",
        )
    )
    with pytest.raises(IntegrityError):
        seeded.flush()


def test_staff_see_open_requests_oldest_first_and_mark_one_done_once(seeded):
    agent = repository.agent_by_username(seeded, "agent01")
    first = repository.register_aftersales_request(
        seeded,
        zhang_wei(seeded).id,
        AftersalesKind.ADDRESS,
        detail="上海市徐汇区漕溪北路1号",
        tz=TZ,
    )
    second = repository.register_aftersales_request(
        seeded, zhang_wei(seeded).id, AftersalesKind.POLICY_COPY, tz=TZ
    )
    seeded.commit()
    assert [r.id for r in repository.open_aftersales_requests(seeded)] == [first.id, second.id]
    assert repository.complete_aftersales_request(seeded, first.id, agent) is True
    assert repository.complete_aftersales_request(seeded, first.id, agent) is False
    assert repository.complete_aftersales_request(seeded, 999_999, agent) is False
    seeded.commit()
    seeded.expire_all()
    assert [r.id for r in repository.open_aftersales_requests(seeded)] == [second.id]
    done = seeded.get(AftersalesRequest, first.id)
    assert (done.status, done.done_by_agent_id) == ("done", agent.id)
    assert done.done_at is not None


def test_of_two_agents_marking_the_same_request_done_exactly_one_wins(seeded, session_factory):
    request = repository.register_aftersales_request(
        seeded, zhang_wei(seeded).id, AftersalesKind.POLICY_COPY, tz=TZ
    )
    seeded.commit()

    def mark(username: str) -> bool:
        with session_factory() as session:
            agent = repository.agent_by_username(session, username)
            won = repository.complete_aftersales_request(session, request.id, agent)
            session.commit()
            return won

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(mark, ["agent01", "agent02"]))
    assert sorted(results) == [False, True]
