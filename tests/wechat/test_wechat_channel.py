"""The WeChat channel against the real servers: WeChat's signed XML in, customer-service
messages out through a fake of WeChat's API, results checked in the claims database."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import select

from bot.db.models import Customer, Photo, Report, WechatBinding, WechatInboundMessage
from tests.conftest import rasa_api

from .support import BROKEN_PHOTO, FRONT_PHOTO, WeChatUser, signature_params

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = {
    name: [v["text"] for v in variations] for name, variations in DOMAIN["responses"].items()
}
COVERAGE_QUESTION = "交强险赔多少"


def text(name: str, **values: object) -> str:
    return RESPONSES[name][0].format(**values)


def prefix(name: str) -> str:
    return RESPONSES[name][0].split("{")[0]


@pytest.fixture(scope="module")
def coverage_answer(wechat_stack) -> list[str]:
    """What the bot answers the coverage question over REST: WeChat must get the same."""
    answer = requests.post(
        f"{wechat_stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": "rest-reference", "message": COVERAGE_QUESTION},
        timeout=60,
    ).json()
    texts = [message["text"] for message in answer]
    assert len(texts) == 1 and "交强险" in texts[0] and "18万" in texts[0], texts
    return texts


# --- the server URL and its signatures -----------------------------------------


def now() -> str:
    return str(int(time.time()))


def test_wechat_checks_the_server_url_and_gets_its_echostr_back(wechat_stack):
    url = f"{wechat_stack.rasa_url}/webhooks/wechat/webhook"
    signed = {**signature_params(now(), "n0nce"), "echostr": "8390127465"}
    answer = requests.get(url, params=signed, timeout=10)
    assert answer.status_code == 200 and answer.text == "8390127465"
    forged = {**signature_params(now(), "n0nce", token="guessed"), "echostr": "1"}
    assert requests.get(url, params=forged, timeout=10).status_code == 403
    from_2017 = {**signature_params("1500000000", "n0nce"), "echostr": "1"}
    assert requests.get(url, params=from_2017, timeout=10).status_code == 403


def forged_warnings(stack) -> int:
    log = stack.log("rasa").read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in log.splitlines() if "WARNING" in line and "wrong signature" in line)


def test_a_forged_message_is_refused_with_403_logged_and_never_processed(
    wechat_user, wechat_stack, fake_wechat
):
    warned = forged_warnings(wechat_stack)
    refused = wechat_user.post(
        wechat_user.xml("text", Content=COVERAGE_QUESTION), token="guessed-token"
    )
    assert refused.status_code == 403
    unsigned = requests.post(wechat_user.url, data=b"<xml></xml>", timeout=10)
    assert unsigned.status_code == 403
    # Safe mode: a right URL signature, but the encrypted part is not signed with our token.
    params = {
        **signature_params(now(), "abc"),
        "encrypt_type": "aes",
        "msg_signature": "0" * 40,
    }
    tampered = requests.post(
        wechat_user.url, params=params, data=b"<xml><Encrypt>AAAA</Encrypt></xml>", timeout=10
    )
    assert tampered.status_code == 403
    time.sleep(2)
    assert fake_wechat.texts_to(wechat_user.openid) == []
    assert forged_warnings(wechat_stack) == warned + 3


def stale_warnings(stack) -> int:
    log = stack.log("rasa").read_text(encoding="utf-8", errors="replace")
    return sum(
        1 for line in log.splitlines() if "WARNING" in line and "off the server clock" in line
    )


SIGNED = {
    "2017": lambda: 1500000000,  # 2017-07-14: wechatpy alone accepts it
    "six minutes ago": lambda: time.time() - 6 * 60,
    "in six minutes": lambda: time.time() + 6 * 60,
}


@pytest.mark.parametrize(
    ("when", "encrypted"),
    [
        ("2017", False),
        ("six minutes ago", False),
        ("six minutes ago", True),
        ("in six minutes", False),
    ],
)
def test_a_request_signed_more_than_five_minutes_off_is_refused_logged_and_never_processed(
    wechat_stack, fake_wechat, when, encrypted
):
    user = WeChatUser(wechat_stack, fake_wechat, encrypted=encrypted)
    signed_at = SIGNED[when]()
    warned = stale_warnings(wechat_stack)
    message = user.xml("text", Content=COVERAGE_QUESTION)
    assert user.post(message, signed_at=signed_at).status_code == 403
    time.sleep(2)
    assert fake_wechat.texts_to(user.openid) == []
    assert stale_warnings(wechat_stack) == warned + 1
    # The same message signed now is the customer's, and is answered.
    assert user.post(message).status_code == 200
    assert user.bot_replies_in_turn(f"msg:{message['MsgId']}") == 1


def test_a_replayed_request_inside_the_five_minutes_is_handled_once(
    encrypted_wechat_user, fake_wechat, coverage_answer
):
    user = encrypted_wechat_user
    message = user.xml("text", Content=COVERAGE_QUESTION)
    captured = user.signed(message, signed_at=time.time() - 3 * 60)  # inside the window
    assert user.deliver(*captured).text == "success"
    turn = f"msg:{message['MsgId']}"
    assert user.bot_replies_in_turn(turn) == 1
    replay = user.deliver(*captured)
    assert (replay.status_code, replay.text) == (200, "success")  # WeChat must not retry
    time.sleep(2)
    heard = [e for e in user.tracker()["events"] if e["event"] == "user"]
    assert [e.get("message_id") for e in heard] == [turn]
    assert fake_wechat.texts_to(user.openid) == coverage_answer
    # An event has no MsgId: sender and CreateTime recognise its replay.
    follow = user.signed(user.xml("event", Event="subscribe"))
    assert user.deliver(*follow).text == "success"
    welcome = fake_wechat.wait_for_texts(user.openid, len(coverage_answer) + 1)[-1]
    assert welcome == text("utter_wechat_welcome")
    assert user.deliver(*follow).text == "success"
    time.sleep(2)
    assert fake_wechat.texts_to(user.openid) == [*coverage_answer, welcome]


# --- conversations ---------------------------------------------------------------


def test_a_coverage_question_is_answered_through_the_customer_service_api(
    wechat_user, coverage_answer
):
    assert wechat_user.say(COVERAGE_QUESTION) == coverage_answer


def test_encrypted_safe_mode_messages_are_answered_the_same(encrypted_wechat_user, coverage_answer):
    assert encrypted_wechat_user.say(COVERAGE_QUESTION) == coverage_answer


def test_wechat_retries_of_one_message_are_processed_once(
    wechat_user, fake_wechat, claims, coverage_answer
):
    message = wechat_user.xml("text", Content=COVERAGE_QUESTION)
    answers: list[requests.Response] = []
    posts = [
        threading.Thread(target=lambda: answers.append(wechat_user.post(message))) for _ in range(4)
    ]  # the first delivery and WeChat's three retries
    for post in posts:
        post.start()
    for post in posts:
        post.join()
    assert [(a.status_code, a.text) for a in answers] == [(200, "success")] * 4
    turn = f"msg:{message['MsgId']}"
    assert wechat_user.bot_replies_in_turn(turn) == 1
    time.sleep(2)
    users = [
        e
        for e in wechat_user.tracker()["events"]
        if e["event"] == "user" and e.get("message_id") == turn
    ]
    assert len(users) == 1
    assert fake_wechat.texts_to(wechat_user.openid) == coverage_answer
    remembered = (
        claims.execute(select(WechatInboundMessage).where(WechatInboundMessage.message_key == turn))
        .scalars()
        .all()
    )
    assert len(remembered) == 1


def test_a_voice_message_is_understood_from_wechats_recognition(wechat_user, coverage_answer):
    voice = wechat_user.xml("voice", MediaId="voice-1", Format="amr", Recognition=COVERAGE_QUESTION)
    assert wechat_user.send(voice) == coverage_answer


def test_a_voice_message_without_recognition_gets_a_polite_request_to_type(wechat_user):
    voice = wechat_user.xml("voice", MediaId="voice-2", Format="amr")
    assert wechat_user.channel_reply(voice) == text("utter_wechat_voice_not_recognised")


def test_following_the_account_gets_the_welcome(wechat_user):
    event = wechat_user.xml("event", Event="subscribe")
    assert wechat_user.channel_reply(event) == text("utter_wechat_welcome")


@pytest.mark.parametrize("kind", ["video", "link", "menu click"])
def test_unsupported_messages_get_a_polite_please_send_text_or_a_photo(wechat_user, kind):
    message = {
        "video": wechat_user.xml("video", MediaId="v1", ThumbMediaId="t1"),
        "link": wechat_user.xml("link", Title="链接", Description="", Url="https://example.com"),
        "menu click": wechat_user.xml("event", Event="CLICK", EventKey="MENU_1"),
    }[kind]
    assert wechat_user.channel_reply(message) == text("utter_wechat_unsupported")


# --- an accident report from WeChat: location, numbered options, photo ------------

LOCATION = {
    "Location_X": "31.230416",
    "Location_Y": "121.473701",
    "Scale": "15",
    "Label": "上海市黄浦区人民大道200号人民广场",
}
ANSWERS = {
    "utter_ask_identity_key": "沪A12345",
    "utter_ask_phone_tail": "0001",
    "utter_ask_accident_time": "半小时前",
    "utter_ask_accident_location": LOCATION,
    "utter_ask_two_vehicle": "1",  # numbered options: 1 = 只有我一辆车
    "utter_ask_anyone_injured": "1",  # 没人受伤
    "utter_ask_car_drivable": "1",  # 能开
    "utter_ask_own_loss": "两千",
    "utter_ask_insured_driving": "1",  # 是本人
    "utter_ask_insured_reporting": "1",
    "utter_ask_description": "倒车时蹭到了柱子",
}


def asked(replies: list[str]) -> str | None:
    for reply in reversed(replies):
        for name in ANSWERS:
            if reply.startswith(RESPONSES[name][0]):
                return name
    return None


def test_a_report_from_wechat_takes_the_shared_location_numbered_choices_and_a_photo(
    wechat_user, claims
):
    replies = wechat_user.say("我要报案")
    for _ in range(20):
        if any(r.startswith(prefix("utter_report_summary")) for r in replies):
            break
        question = asked(replies)
        assert question, replies
        answer = ANSWERS[question]
        if isinstance(answer, dict):
            replies = wechat_user.send(wechat_user.xml("location", **answer))
        else:
            replies = wechat_user.say(answer)
    [summary] = [r for r in replies if r.startswith(prefix("utter_report_summary"))]
    assert LOCATION["Label"] in summary and "31.230416" in summary
    outcome = wechat_user.say("确认")
    assert outcome[0].startswith(prefix("utter_report_filed"))
    [report] = (
        claims.execute(select(Report).where(Report.sender_id == wechat_user.openid)).scalars().all()
    )
    assert report.customer.name == "张伟"
    assert LOCATION["Label"] in report.location
    assert "31.230416" in report.location and "121.473701" in report.location
    assert report.two_vehicle is False and report.anyone_injured is False
    assert report.drivable is True and report.insured_driving is True
    # A photo from the chat: fetched by MediaId, stored on this report, counted in the chat.
    photo = wechat_user.xml("image", MediaId=FRONT_PHOTO, PicUrl="http://mmbiz.qpic.cn/x")
    progress = wechat_user.send(photo, turn_id=f"msg:{photo['MsgId']}:photo")
    assert progress[0] == text(
        "utter_photo_progress", received=1, expected=3, report_number=report.report_number
    )
    claims.expire_all()
    [stored] = claims.execute(select(Photo).where(Photo.report_id == report.id)).scalars().all()
    assert stored.content_type == "image/jpeg"
    # A file that does not decode as a photo is refused, in the chat.
    broken = wechat_user.xml("image", MediaId=BROKEN_PHOTO, PicUrl="http://mmbiz.qpic.cn/z")
    assert wechat_user.channel_reply(broken) == text("utter_photo_wrong_type")
    claims.expire_all()
    assert len(claims.execute(select(Photo).where(Photo.report_id == report.id)).all()) == 1


def test_a_photo_without_an_open_report_is_refused_politely(wechat_user):
    photo = wechat_user.xml("image", MediaId=FRONT_PHOTO, PicUrl="http://mmbiz.qpic.cn/y")
    assert wechat_user.channel_reply(photo) == text("utter_photo_no_report")


# --- identity: verified once per WeChat user ---------------------------------------


def restart(user: WeChatUser) -> None:
    """A new conversation: every slot, identity included, is forgotten."""
    path = f"/conversations/{user.openid}/tracker/events"
    assert rasa_api(user.stack, "POST", path, json={"event": "restart"}).status_code == 200


def test_a_wechat_user_verifies_once_and_is_remembered_in_the_next_conversation(
    wechat_user, wechat_stack, fake_wechat, claims
):
    assert wechat_user.say("我要报案")[-1] == text("utter_ask_identity_key")
    assert wechat_user.say("粤B67890") == [text("utter_ask_phone_tail")]
    verified = wechat_user.say("0002")
    assert verified[0] == text("utter_identity_verified", customer_name="李娜")
    assert verified[-1] == text("utter_ask_accident_time")
    [binding] = (
        claims.execute(select(WechatBinding).where(WechatBinding.openid == wechat_user.openid))
        .scalars()
        .all()
    )
    assert (
        binding.customer_id
        == claims.execute(select(Customer.id).where(Customer.name == "李娜")).scalar_one()
    )

    restart(wechat_user)
    again = wechat_user.say("我要报案")
    assert text("utter_wechat_identity_remembered", customer_name="李娜") in again
    assert text("utter_ask_identity_key") not in again
    assert again[-1] == text("utter_ask_accident_time")  # straight to the report

    stranger = WeChatUser(wechat_stack, fake_wechat)
    first = stranger.say("我要报案")
    assert first[-1] == text("utter_ask_identity_key")
    assert not any("李娜" in reply for reply in first)


# --- messages outside a turn, and the access token -----------------------------------


def test_an_out_of_band_message_reaches_the_wechat_user_through_the_latest_channel(
    wechat_user, wechat_stack, fake_wechat
):
    wechat_user.say("你好")
    before = len(fake_wechat.texts_to(wechat_user.openid))
    answer = rasa_api(
        wechat_stack,
        "POST",
        f"/conversations/{wechat_user.openid}/execute",
        params={"output_channel": "latest"},
        json={"name": "utter_how_can_i_help"},
    )
    assert answer.status_code == 200, answer.text
    texts = fake_wechat.wait_for_texts(wechat_user.openid, before + 1)
    assert texts[before:] == [text("utter_how_can_i_help")]


def test_the_access_token_is_reused_and_fetched_again_once_when_wechat_expires_it(
    wechat_user, fake_wechat, coverage_answer
):
    wechat_user.say(COVERAGE_QUESTION)
    fetched = fake_wechat.token_fetches
    assert wechat_user.say(COVERAGE_QUESTION) == coverage_answer
    assert fake_wechat.token_fetches == fetched
    fake_wechat.expire_all_tokens()
    assert wechat_user.say(COVERAGE_QUESTION) == coverage_answer
    assert fake_wechat.token_fetches == fetched + 1
