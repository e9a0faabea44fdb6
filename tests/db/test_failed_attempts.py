"""Failed attempts and the identity lockout, on SQLite and PostgreSQL: the counts hold
across conversations, a locked policy refuses even the right digits, and simultaneous
guesses cannot slip past the limit."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import repository
from bot.db.models import FailedAttempt
from bot.rules.lockout import POLICY

from .support import NOW


def check(session, identifier: str, digits: str, conversation: str, client: str | None = None):
    return repository.check_identity(
        session, identifier, digits, conversation=conversation, client=client, now=NOW
    )


def policy_failures(session, customer_or_plate: str, since=NOW - timedelta(hours=24)) -> int:
    return repository.count_failed_attempts(session, POLICY.scope, customer_or_plate, since)


# --- the table ----------------------------------------------------------------


def test_a_failure_is_counted_by_scope_key_and_time(session):
    repository.record_failed_attempt(session, "console_user", "agent01", NOW - timedelta(hours=2))
    repository.record_failed_attempt(session, "console_user", "agent01", NOW)
    repository.record_failed_attempt(session, "console_ip", "agent01", NOW)
    repository.record_failed_attempt(session, "console_user", "agent02", NOW)
    since = NOW - timedelta(hours=1)
    assert repository.count_failed_attempts(session, "console_user", "agent01", since) == 1
    assert (
        repository.count_failed_attempts(
            session, "console_user", "agent01", NOW - timedelta(hours=3)
        )
        == 2
    )
    assert repository.count_failed_attempts(session, "console_ip", "agent02", since) == 0


def test_keys_are_stored_as_sha256_never_in_plain(session):
    repository.record_failed_attempt(session, POLICY.scope, "plate:沪A99999", NOW)
    stored = session.execute(select(FailedAttempt.key_hash)).scalar_one()
    assert stored == hashlib.sha256("plate:沪A99999".encode()).hexdigest()
    assert "沪A99999" not in stored


def test_old_failures_are_purged(session):
    repository.record_failed_attempt(session, "console_ip", "10.0.0.1", NOW - timedelta(days=2))
    repository.record_failed_attempt(session, "console_ip", "10.0.0.1", NOW)
    assert repository.purge_failed_attempts(session, NOW - timedelta(days=1)) == 1
    assert (
        repository.count_failed_attempts(session, "console_ip", "10.0.0.1", NOW - timedelta(days=3))
        == 1
    )


# --- the identity check -------------------------------------------------------


@pytest.mark.parametrize("identifier", ["沪A12345", "PDAA2026310000000001"])
def test_plate_or_policy_number_with_the_last_four_phone_digits_verifies(seeded, identifier):
    assert check(seeded, identifier, "0001", "c1").customer.name == "张伟"


@pytest.mark.parametrize(
    ("identifier", "digits"),
    [
        ("沪A12345", "0002"),
        ("沪A99999", "0001"),
        ("PDAA2026310000000009", "0001"),
        ("你好", "0001"),
    ],
)
def test_a_wrong_plate_policy_number_or_phone_does_not_verify(seeded, identifier, digits):
    result = check(seeded, identifier, digits, "c1")
    assert result.customer is None and not result.locked
    assert result.tally.attempts_left == 2


def test_a_right_answer_is_not_counted_as_a_failure(seeded):
    check(seeded, "沪A12345", "0001", "c1")
    assert seeded.execute(select(FailedAttempt)).all() == []


def test_five_failures_over_two_conversations_lock_the_policy_even_for_the_right_digits(seeded):
    zhang = repository.find_customer_by_plate(seeded, "沪A12345")
    for digits in ("1111", "2222", "3333"):
        check(seeded, "沪A12345", digits, "first")
    fourth = check(seeded, "PDAA2026310000000001", "4444", "second")
    # The second conversation hears only its own tries left, not the first one's.
    assert not fourth.locked and fourth.tally.attempts_left == 2
    fifth = check(seeded, "沪A12345", "5555", "second")
    assert fifth.locked
    assert policy_failures(seeded, f"customer:{zhang.id}") == 5
    refused = check(seeded, "沪A12345", "0001", "third")
    assert refused.customer is None and refused.locked
    # Refusals are not guesses: they are not stored, so they do not prolong the lock.
    assert policy_failures(seeded, f"customer:{zhang.id}") == 5


def test_a_locked_policy_leaves_other_policies_alone(seeded):
    for conversation in ("a", "a", "b", "b", "c"):
        check(seeded, "沪A12345", "9999", conversation)
    assert check(seeded, "粤B67890", "0002", "d").customer.name == "李娜"


def test_an_unknown_plate_locks_after_five_failures_like_a_known_one(seeded):
    answers = [check(seeded, "沪A99999", "0001", c) for c in ("a", "a", "b", "b", "c")]
    known = [check(seeded, "沪A12345", "9999", c) for c in ("d", "d", "e", "e", "f")]
    assert [(a.locked, a.tally.attempts_left) for a in answers] == [
        (k.locked, k.tally.attempts_left) for k in known
    ]
    assert answers[-1].locked
    assert policy_failures(seeded, "plate:沪A99999") == 5


def test_three_failures_lock_the_conversation_but_not_the_policy(seeded):
    results = [check(seeded, "沪A12345", "9999", "same-chat") for _ in range(3)]
    assert [r.tally.attempts_left for r in results] == [2, 1, 0]
    assert results[-1].locked
    assert check(seeded, "沪A12345", "0001", "same-chat").customer is None
    assert check(seeded, "沪A12345", "0001", "new-chat").customer.name == "张伟"


def test_ten_failures_from_one_client_lock_it_across_policies_and_sender_ids(seeded):
    plates = ["沪A12345", "粤B67890", "京C24680", "浙A13579", "沪B88888"]
    for index in range(10):
        check(seeded, plates[index % 5], "9999", f"sender-{index}", client="198.51.100.7")
    refused = check(seeded, "川A11223", "0006", "sender-new", client="198.51.100.7")
    assert refused.customer is None and refused.locked
    assert check(seeded, "川A11223", "0006", "sender-new", client="198.51.100.8").customer


def test_failures_older_than_the_window_no_longer_count(seeded):
    for conversation in ("a", "a", "b", "b", "c"):
        repository.check_identity(
            seeded, "沪A12345", "9999", conversation=conversation, now=NOW - timedelta(hours=25)
        )
    assert check(seeded, "沪A12345", "0001", "d").customer.name == "张伟"


def test_simultaneous_guesses_never_compare_more_digits_than_the_policy_limit(
    seeded, session_factory
):
    threads = 16
    start = threading.Barrier(threads)

    def guess(index: int) -> bool:
        with session_factory() as session:
            start.wait()
            result = check(session, "沪A12345", f"{index:04d}", f"parallel-{index}")
            return result.customer is not None

    with ThreadPoolExecutor(max_workers=threads) as pool:
        verified = list(pool.map(guess, range(2, 2 + threads)))
    assert not any(verified)
    zhang = repository.find_customer_by_plate(seeded, "沪A12345")
    # Only compared guesses stay stored: at most the limit of five …
    assert policy_failures(seeded, f"customer:{zhang.id}") <= POLICY.max_failures
    # … and guessing on one at a time ends at exactly five.
    for index in range(POLICY.max_failures + 1):
        if check(seeded, "沪A12345", "9999", f"after-{index}").locked:
            break
    assert policy_failures(seeded, f"customer:{zhang.id}") == POLICY.max_failures
