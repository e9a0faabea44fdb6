"""What the bot says when it did not understand (domain.md §9: two misses → offer a human)."""

import pytest

from bot.dialogue.unclear import count_consecutive_misses, reply_for_unclear

FALLBACK = "action_handle_misunderstanding"


@pytest.mark.parametrize("text", ["", "   ", None, "\n\t"])
def test_empty_message_asks_for_a_question(text):
    assert reply_for_unclear(text, 1) == "empty"


def test_very_long_message_asks_for_the_gist():
    assert reply_for_unclear("我" * 5000, 1) == "too_long"


@pytest.mark.parametrize("text", ["😀😀😀", "👍", "？？？", "!!!"])
def test_emoji_or_punctuation_only_asks_for_words(text):
    assert reply_for_unclear(text, 1) == "no_words"


@pytest.mark.parametrize("text", ["How much does my insurance cover?", "DROP TABLE reports;"])
def test_english_gets_a_chinese_only_notice(text):
    assert reply_for_unclear(text, 1) == "not_chinese"


def test_first_miss_asks_to_rephrase():
    assert reply_for_unclear("嗯那个啥来着", 1) == "rephrase"


@pytest.mark.parametrize("text", ["嗯那个啥来着", "hello?", "😀", "我" * 500])
def test_second_miss_in_a_row_offers_a_human_whatever_the_message(text):
    assert reply_for_unclear(text, 2) == "offer_human"


def _user(intent: str) -> dict:
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def _action(name: str) -> dict:
    return {"event": "action", "name": name}


def test_a_single_miss_counts_one():
    events = [_action("action_listen"), _user("nlu_fallback")]
    assert count_consecutive_misses(events, FALLBACK) == 1


def test_two_misses_in_a_row_count_two():
    events = [
        _user("nlu_fallback"),
        _action(FALLBACK),
        _action("action_listen"),
        _user("nlu_fallback"),
    ]
    assert count_consecutive_misses(events, FALLBACK) == 2


def test_an_understood_message_resets_the_count():
    events = [
        _user("nlu_fallback"),
        _action(FALLBACK),
        _action("action_listen"),
        _user("greet"),
        _action("utter_greet"),
        _action("action_listen"),
        _user("nlu_fallback"),
    ]
    assert count_consecutive_misses(events, FALLBACK) == 1
