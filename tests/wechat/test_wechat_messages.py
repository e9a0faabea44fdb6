"""What each kind of WeChat message means for the conversation (no servers)."""

from __future__ import annotations

import pytest
import xmltodict
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from wechatpy import parse_message

from bot.channels.wechat_messages import (
    ChannelReply,
    PhotoToStore,
    ToBot,
    chosen_payload,
    inbound,
    location_message,
    message_key,
    signed_recently,
)
from bot.nlu.normalize import normalize
from bot.texts import response_text

OPENID = "oUser000000000000000000000001"
BUTTONS = [{"title": "能开", "payload": "车还能开"}, {"title": "不能开", "payload": "车开不了"}]


def wechat(msg_type: str, **fields: str):
    message = {
        "ToUserName": "gh_1",
        "FromUserName": OPENID,
        "CreateTime": "1763781000",
        "MsgType": msg_type,
        **fields,
    }
    return parse_message(xmltodict.unparse({"xml": message}))


@pytest.mark.parametrize(
    ("message", "meaning"),
    [
        (wechat("text", Content="交强险赔多少", MsgId="1"), ToBot("交强险赔多少")),
        (
            wechat("voice", MediaId="m", Format="amr", Recognition="我要报案", MsgId="2"),
            ToBot("我要报案"),
        ),
        (
            wechat("voice", MediaId="m", Format="amr", MsgId="3"),
            ChannelReply("utter_wechat_voice_not_recognised"),
        ),
        (wechat("image", MediaId="photo-1", PicUrl="http://x", MsgId="4"), PhotoToStore("photo-1")),
        (wechat("event", Event="subscribe"), ChannelReply("utter_wechat_welcome")),
        (
            wechat("event", Event="subscribe", EventKey="qrscene_123"),
            ChannelReply("utter_wechat_welcome"),
        ),
        (wechat("event", Event="unsubscribe"), None),
        (
            wechat("event", Event="VIEW", EventKey="https://x"),
            ChannelReply("utter_wechat_unsupported"),
        ),
        (
            wechat("video", MediaId="v", ThumbMediaId="t", MsgId="5"),
            ChannelReply("utter_wechat_unsupported"),
        ),
        (wechat("file", Title="a.pdf", MsgId="6"), ChannelReply("utter_wechat_unsupported")),
    ],
)
def test_each_kind_of_message_is_handled_as_promised(message, meaning):
    assert inbound(message) == meaning


def test_messages_are_recognised_by_msgid_and_events_by_sender_and_time():
    assert message_key(wechat("text", Content="hi", MsgId="6789")) == "msg:6789"
    assert message_key(wechat("event", Event="subscribe")) == f"event:{OPENID}:1763781000"


def test_a_shared_location_names_the_place_with_its_label_and_coordinates():
    shared = wechat(
        "location",
        Location_X="31.230416",
        Location_Y="121.473701",
        Scale="15",
        Label="上海市黄浦区人民大道“人民广场”",
        MsgId="7",
    )
    meaning = inbound(shared)
    place = response_text(
        "utter_wechat_location_text",
        label="上海市黄浦区人民大道“人民广场”",
        latitude="31.230416",
        longitude="121.473701",
    )
    # Rasa reads the message as intent inform with the place as its location entity,
    # also after our NLU normalised the text (full-width → half-width).
    for text in (meaning.text, normalize(meaning.text)):
        parsed = YAMLStoryReader.unpack_regex_message(Message({"text": text}))
        assert parsed.get("intent")["name"] == "inform"
        assert [(e["entity"], e["value"]) for e in parsed.get("entities")] == [("location", place)]


def test_a_location_without_a_label_still_has_its_coordinates():
    text = location_message("", "30.1", "120.2")
    parsed = YAMLStoryReader.unpack_regex_message(Message({"text": text}))
    [entity] = parsed.get("entities")
    assert response_text("utter_wechat_location_no_label") in entity["value"]
    assert "30.1" in entity["value"] and "120.2" in entity["value"]


@pytest.mark.parametrize(
    ("typed", "payload"),
    [
        ("1", "车还能开"),
        (" 2 ", "车开不了"),
        ("2.", "车开不了"),
        ("3", None),
        ("0", None),
        ("12345", None),
        ("能开", None),
    ],
)
def test_a_typed_number_picks_the_offered_option(typed, payload):
    assert chosen_payload(typed, BUTTONS) == payload


def test_a_number_means_nothing_when_no_options_were_offered():
    assert chosen_payload("1", []) is None


NOW = 1_763_781_000.0


@pytest.mark.parametrize(
    ("timestamp", "recent"),
    [
        ("1763781000", True),
        ("1763780700", True),  # five minutes ago: still inside
        ("1763781300", True),  # five minutes ahead (WeChat's clock a little fast)
        ("1763780699", False),
        ("1763781301", False),
        ("1500000000", False),  # 2017
        ("", False),
        (None, False),
        ("17637810OO", False),
        ("1763781000.5", False),
    ],
)
def test_a_signature_counts_only_within_five_minutes_of_the_server_clock(timestamp, recent):
    assert signed_recently(timestamp, NOW) is recent
