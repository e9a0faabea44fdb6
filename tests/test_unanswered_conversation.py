"""Unanswered questions reach staff: real conversations over REST with the real Rasa and
action servers; what they stored is read from the claims database.

Which model answers decides which messages are unsure, so each test first asks
the model (Rasa's parse API) that its message is what the test needs; if a
retrained model becomes sure of one, pick another example of the same kind.
"""

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.db.models import UnansweredMessage
from bot.dialogue.unanswered import LOW_CONFIDENCE, UNANSWERED, read_guess, staff_should_see
from tests.conftest import rasa_api
from tests.test_rest_conversation import unclear_text

pytestmark = pytest.mark.servers


def parsed(stack, text: str) -> dict:
    answer = rasa_api(stack, "POST", "/model/parse", json={"text": text})
    assert answer.status_code == 200, answer.text
    return answer.json()


def stored_since(db, since: datetime, text: str) -> list[UnansweredMessage]:
    db.expire_all()
    query = select(UnansweredMessage).where(
        UnansweredMessage.created_at >= since, UnansweredMessage.text == text
    )
    return list(db.execute(query).scalars())


def test_a_message_the_bot_did_not_understand_is_stored_masked(customer, bot_stack, claims_db):
    started = datetime.now(timezone.utc)
    text = "我叫张伟，阿斯顿发顺丰"
    assert customer.say(text) == [unclear_text("rephrase")]

    [row] = stored_since(claims_db, started, "我叫**,阿斯顿发顺丰")  # as the NLU normalised it
    assert (row.kind, row.channel) == (UNANSWERED, "rest")
    guess = read_guess(parsed(bot_stack, text))
    assert (row.intent, row.answer_key) == (guess.intent, guess.answer_key)


def test_an_answer_the_bot_is_unsure_of_is_stored_with_the_phone_number_masked(
    customer, bot_stack, claims_db
):
    text = "车险的积分能换什么礼品，我手机13812345678"
    guess = read_guess(parsed(bot_stack, text))
    assert not guess.fell_back
    assert staff_should_see(text, guess, not_understood=False, in_form=False) == LOW_CONFIDENCE, (
        f"the model is sure of {text!r} now ({guess}): choose a question it is unsure of"
    )
    started = datetime.now(timezone.utc)
    assert customer.say(text)  # the customer gets an answer

    [row] = stored_since(claims_db, started, "车险的积分能换什么礼品,我手机138********")
    assert (row.kind, row.channel) == (LOW_CONFIDENCE, "rest")
    assert (row.intent, row.answer_key) == (guess.intent, guess.answer_key)
    assert row.intent_confidence == pytest.approx(guess.intent_confidence)
    assert "13812345678" not in row.text


def test_a_clear_faq_question_is_not_stored(customer, bot_stack, claims_db):
    text = "交强险赔多少"
    guess = read_guess(parsed(bot_stack, text))
    assert staff_should_see(text, guess, not_understood=False, in_form=False) is None
    started = datetime.now(timezone.utc)
    [answer] = customer.say(text)
    assert "交强险" in answer
    assert stored_since(claims_db, started, text) == []
