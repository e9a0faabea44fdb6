"""Concurrent submits: one report per idempotency key, never a shared 报案号."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot.db.models import Report

from .support import file_report

THREADS = 20


def _submit_all(session_factory, keys: list[str]) -> list[str]:
    """Submit once per key, all threads released at the same moment; the report numbers."""
    start = threading.Barrier(len(keys))

    def submit(key: str) -> str:
        with session_factory() as session:
            start.wait()
            return file_report(session, "沪A12345", key).report_number

    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        return list(pool.map(submit, keys))


def test_twenty_concurrent_retries_of_one_submit_file_exactly_one_report(seeded, session_factory):
    numbers = _submit_all(session_factory, ["one-submit"] * THREADS)
    assert len(set(numbers)) == 1
    with session_factory() as session:
        query = select(func.count(Report.id)).where(Report.idempotency_key == "one-submit")
        assert session.execute(query).scalar_one() == 1


def test_twenty_concurrent_submits_get_twenty_distinct_report_numbers(seeded, session_factory):
    numbers = _submit_all(session_factory, [f"submit-{index}" for index in range(THREADS)])
    assert len(set(numbers)) == THREADS
    assert sorted(number[-6:] for number in numbers) == [f"{n:06d}" for n in range(1, THREADS + 1)]
