"""Lockouts: the limits on wrong guesses of the phone digits and of console passwords."""

from datetime import timedelta

from bot.rules.identity import parse_identifier
from bot.rules.lockout import (
    CLIENT,
    CONSOLE_CLIENT,
    CONSOLE_LIMITS,
    CONSOLE_USER,
    CONVERSATION,
    IDENTITY_LIMITS,
    LONGEST_WINDOW,
    POLICY,
    Tally,
    console_keys,
    identity_keys,
    policy_key,
)

PLATE = parse_identifier("沪A12345")


def tally(**failures: int) -> Tally:
    limits = {limit.scope: limit for limit in IDENTITY_LIMITS + CONSOLE_LIMITS}
    return Tally({limits[scope]: count for scope, count in failures.items()})


def test_the_identity_limits_are_three_per_conversation_five_per_policy_ten_per_client():
    assert (CONVERSATION.max_failures, CONVERSATION.window) == (3, timedelta(hours=24))
    assert (POLICY.max_failures, POLICY.window) == (5, timedelta(hours=24))
    assert (CLIENT.max_failures, CLIENT.window) == (10, timedelta(hours=1))


def test_console_logins_allow_five_failures_per_user_name_and_per_address_in_15_minutes():
    for limit in (CONSOLE_USER, CONSOLE_CLIENT):
        assert (limit.max_failures, limit.window) == (5, timedelta(minutes=15))


def test_every_limit_has_its_own_scope_and_old_failures_outlive_no_window():
    scopes = [limit.scope for limit in IDENTITY_LIMITS + CONSOLE_LIMITS]
    assert len(set(scopes)) == len(scopes)
    assert all(limit.window <= LONGEST_WINDOW for limit in IDENTITY_LIMITS + CONSOLE_LIMITS)


def test_a_fresh_key_is_not_locked_and_the_customer_hears_only_this_conversations_tries():
    fresh = tally(identity_conversation=0, identity_policy=0, identity_client=0)
    assert not fresh.locked and fresh.attempts_left == 3
    # Four failures on the policy elsewhere are not told: that would say someone tried.
    assert tally(identity_conversation=0, identity_policy=4, identity_client=0).attempts_left == 3
    assert tally(identity_conversation=2, identity_policy=4, identity_client=0).attempts_left == 1


def test_the_policy_locks_at_five_failures_whichever_conversations_they_came_from():
    assert not tally(identity_conversation=0, identity_policy=4, identity_client=0).locked
    locked = tally(identity_conversation=0, identity_policy=5, identity_client=0)
    assert locked.locked and locked.attempts_left == 0


def test_three_failures_in_one_conversation_lock_it():
    counts = tally(identity_conversation=2, identity_policy=2, identity_client=2)
    assert not counts.locked
    assert counts.after_failure().locked


def test_ten_failures_from_one_client_lock_it_whatever_the_policies():
    assert tally(identity_conversation=0, identity_policy=0, identity_client=10).locked


def test_a_failure_counts_against_every_limit_of_the_attempt():
    after = tally(identity_conversation=1, identity_policy=3, identity_client=7).after_failure()
    assert after.failures == {CONVERSATION: 2, POLICY: 4, CLIENT: 8}


def test_a_plate_counts_under_its_customer_so_plate_and_policy_number_share_one_lock():
    policy_number = parse_identifier("PDAA2026310000000001")
    assert policy_key(PLATE, 7) == policy_key(policy_number, 7) == "customer:7"


def test_an_unknown_plate_counts_under_itself_like_a_known_one():
    assert policy_key(PLATE, None) == "plate:沪A12345"
    assert policy_key(parse_identifier("沪A99999"), None) != policy_key(PLATE, None)


def test_the_client_is_the_channels_address_or_else_the_sender():
    keys = identity_keys(PLATE, 7, conversation="sender-1", client="203.0.113.9")
    assert keys == {CONVERSATION: "sender-1", POLICY: "customer:7", CLIENT: "203.0.113.9"}
    assert identity_keys(PLATE, 7, conversation="sender-1", client=None)[CLIENT] == "sender-1"


def test_console_user_names_count_whatever_their_case_or_spaces():
    assert console_keys(" Agent01 ", "127.0.0.1") == {
        CONSOLE_USER: "agent01",
        CONSOLE_CLIENT: "127.0.0.1",
    }
