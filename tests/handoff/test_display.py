"""What the agent sees: masked identifiers, the transcript from the tracker's events."""

from bot.handoff.display import mask_phone, mask_plate, output_channel, transcript


def test_a_plate_is_masked_but_recognisable():
    assert mask_plate("沪A12345") == "沪A1***5"


def test_a_phone_keeps_only_its_prefix_and_last_four_digits():
    assert mask_phone("13800000001") == "138****0001"


def test_the_transcript_tells_customer_bot_and_agent_apart_and_keeps_text_as_data():
    events = [
        {
            "event": "user",
            "text": "<script>alert(1)</script>",
            "timestamp": 1.0,
            "parse_data": {"intent": {"name": "nlu_fallback"}},
            "input_channel": "socketio",
        },
        {"event": "bot", "text": "您好", "timestamp": 2.0},
        {
            "event": "bot",
            "text": "我是客服",
            "timestamp": 3.0,
            "metadata": {"handoff_agent": "客服专员 01"},
        },
        {
            "event": "user",
            "text": "/photo_uploaded",
            "timestamp": 4.0,
            "parse_data": {"intent": {"name": "photo_uploaded"}},
            "input_channel": "photos",
        },
        {
            "event": "user",
            "text": "EXTERNAL: handoff_returned",
            "timestamp": 5.0,
            "parse_data": {"intent": {"name": "handoff_returned"}},
        },
        {"event": "action", "name": "action_listen"},
    ]
    lines = transcript(events)
    assert [(line["who"], line["text"]) for line in lines] == [
        ("customer", "<script>alert(1)</script>"),
        ("bot", "您好"),
        ("agent", "我是客服"),
        ("customer", ""),
    ]
    assert lines[2]["agent"] == "客服专员 01" and lines[3]["kind"] == "photo"
    # Replies go to the chat channel, not to the photo upload.
    assert output_channel(events, frozenset({"photos"})) == "socketio"
