"""WeChat text goes through the same guard as the other channels (bot/channels/guard.py)."""

import pytest

from bot.texts import response_text

pytestmark = pytest.mark.servers


def test_a_very_long_wechat_message_is_refused_without_understanding_it(wechat_user, fake_wechat):
    before = len(fake_wechat.texts_to(wechat_user.openid))
    answer = wechat_user.post(wechat_user.xml("text", Content="车" * 2_000))
    assert answer.status_code == 200 and answer.text == "success"
    texts = fake_wechat.wait_for_texts(wechat_user.openid, before + 1)
    assert texts[before:] == [response_text("utter_message_too_long")]
    # Refused before Rasa: the conversation holds no such message.
    assert not [e for e in wechat_user.tracker()["events"] if e["event"] == "user"]


def test_a_wechat_user_cannot_trigger_an_intent_by_typing_its_name(wechat_user):
    replies = wechat_user.say("/handoff_closed")
    assert replies and response_text("utter_handoff_closed") not in replies
    [user] = [e for e in wechat_user.tracker()["events"] if e["event"] == "user"]
    assert user["parse_data"]["intent"]["name"] != "handoff_closed"
