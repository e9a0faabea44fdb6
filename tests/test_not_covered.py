"""The "I cannot answer that exactly" answers (bot/nlu/not_covered.py)."""

import pytest

from bot.nlu.not_covered import NOT_COVERED, answer_or_not_covered, best_answer, is_not_covered

# A vote spread over the not-covered keys: none wins, together they outweigh the answer.
SPREAD = [
    ("faq/jiaoqiang_limits", 0.30),
    ("faq/not_covered_premium", 0.25),
    ("faq/not_covered", 0.20),
    ("faq/sanzhe_limits", 0.15),
    ("faq/not_covered_buying", 0.10),
]


def test_the_not_covered_keys_are_told_from_the_answers():
    assert is_not_covered("faq/not_covered")
    assert is_not_covered("faq/not_covered_premium")
    assert not is_not_covered("faq/ncd_premium")
    assert not is_not_covered("faq/not_coveredness")
    assert not is_not_covered(None)


def test_the_best_answer_is_weighed_against_all_not_covered_keys_together():
    key, share = best_answer(SPREAD)
    assert key == "faq/jiaoqiang_limits"
    assert share == pytest.approx(0.30 / (0.30 + 0.25 + 0.20 + 0.10))


def test_an_answer_outweighed_by_the_not_covered_keys_becomes_the_best_of_them():
    # "a premium question" says more than the general "cannot answer".
    assert answer_or_not_covered(SPREAD, 0.5) == "faq/not_covered_premium"


def test_an_answer_with_enough_share_stays_even_when_a_not_covered_key_is_top():
    vote = [("faq/not_covered_premium", 0.4), ("faq/premium_factors", 0.35), ("faq/x", 0.25)]
    assert answer_or_not_covered(vote, 0.45) == "faq/premium_factors"
    assert answer_or_not_covered(vote, 0.5) == "faq/not_covered_premium"


def test_no_threshold_always_gives_the_best_real_answer():
    assert answer_or_not_covered(SPREAD, 0.0) == "faq/jiaoqiang_limits"


def test_a_vote_of_not_covered_keys_only_answers_with_the_best_of_them():
    assert best_answer([("faq/not_covered", 0.6), ("faq/not_covered_buying", 0.4)]) is None
    vote = [("faq/not_covered", 0.6), ("faq/not_covered_buying", 0.4)]
    assert answer_or_not_covered(vote, 0.0) == NOT_COVERED
    assert answer_or_not_covered([], 0.5) == NOT_COVERED
