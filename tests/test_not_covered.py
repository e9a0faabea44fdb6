"""The "I cannot answer that exactly" answers (bot/nlu/not_covered.py)."""

from bot.nlu.not_covered import NOT_COVERED, answer_or_not_covered, is_not_covered


def test_the_not_covered_keys_are_told_from_the_answers():
    assert is_not_covered("faq/not_covered")
    assert is_not_covered("faq/not_covered_premium")
    assert not is_not_covered("faq/ncd_premium")
    assert not is_not_covered("faq/not_coveredness")
    assert not is_not_covered(None)


def test_an_answer_under_the_threshold_becomes_not_covered():
    assert answer_or_not_covered("faq/jiaoqiang_limits", 0.2, 0.3) == NOT_COVERED


def test_an_answer_at_or_over_the_threshold_stays():
    assert answer_or_not_covered("faq/jiaoqiang_limits", 0.3, 0.3) == "faq/jiaoqiang_limits"


def test_a_topic_of_its_own_is_kept_even_when_unsure():
    # "a premium question" says more than the general "cannot answer".
    assert answer_or_not_covered("faq/not_covered_premium", 0.1, 0.3) == "faq/not_covered_premium"


def test_no_threshold_always_gives_the_best_answer():
    assert answer_or_not_covered("faq/jiaoqiang_limits", 0.01, 0.0) == "faq/jiaoqiang_limits"
