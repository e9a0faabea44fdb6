"""A restart of the bot loses no conversation: the Rasa server keeps them in its SQL
tracker store (endpoints.yml; an SQLite file of this module's own here, like
var/tracker.db of `make run`).

The bot is stopped and started again on the same ports and databases, like a
`make run` stopped with Ctrl-C and run again: in the middle of an accident report,
and while a customer waits for an agent.
"""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import Customer as CustomerRow
from bot.db.models import Report
from bot.settings import load_settings
from bot.texts import response_text
from tests.conftest import AGENT_PASSWORDS, Customer, ServerStack, ServerStacks, claims_session
from tests.console.support import ConsoleAgent, SocketCustomer
from tests.test_report_conversations import SMALL_SINGLE_VEHICLE, asked, template_prefix

pytestmark = pytest.mark.servers

# The facts 张伟 gives before the restart, and the lines of the summary showing them.
BEFORE_RESTART = {
    "utter_ask_identity_key": "沪A12345",
    "utter_ask_phone_tail": "0001",
    **{
        question: SMALL_SINGLE_VEHICLE[question]
        for question in (
            "utter_ask_accident_time",  # 半小时前
            "utter_ask_accident_location",
            "utter_ask_two_vehicle",
            "utter_ask_anyone_injured",
            "utter_ask_car_drivable",
            "utter_ask_own_loss",  # 两千
        )
    },
}
SUMMARY_LINES = (
    "地点：人民广场附近的停车场",
    "事故类型：单方事故",
    "有人受伤：否",
    "车辆能否行驶：是",
    "本车损失：约2,000元",
)


@pytest.fixture(scope="module")
def bot(server_stacks: ServerStacks) -> ServerStack:
    """The servers of `make run` (actions, Rasa, console), a stack of this module's own:
    the tests stop and start it."""
    started = server_stacks(
        {"HANDOFF_OFFICE_HOURS": "00:00-24:00"},  # agents take chats all day
        console=True,
        fresh=True,
    )
    yield started
    started.stop()


def reports_of_zhang_wei(claims_db_url: str) -> int:
    with claims_session(claims_db_url) as session:
        return session.scalar(
            select(func.count(Report.id)).join(CustomerRow).where(CustomerRow.name == "张伟")
        )


def summary_time(summary: str) -> datetime:
    line = next(line for line in summary.splitlines() if line.startswith("时间："))
    shown = datetime.strptime(line.removeprefix("时间："), "%Y年%m月%d日 %H:%M")
    return shown.replace(tzinfo=load_settings().timezone)


def test_a_report_continues_after_a_restart_with_every_fact_given_before(bot):
    assert bot.tracker_db.is_file(), "the tracker store is created on the first start"
    customer = Customer(bot.stack)
    reports_before = reports_of_zhang_wei(bot.claims_db_url)
    replies = customer.say("我要报案")
    told_at = datetime.now(load_settings().timezone)
    answered = []
    while (question := asked(replies)) in BEFORE_RESTART and question not in answered:
        replies = customer.say(BEFORE_RESTART[question])
        answered.append(question)
    assert sorted(answered) == sorted(BEFORE_RESTART), customer
    pending = asked(replies)
    assert pending in SMALL_SINGLE_VEHICLE, f"the form stopped early\n{customer!r}"

    bot.restart()

    # The answer to the question asked before the restart moves the form on: no
    # greeting, no identity check again, no question answered before.
    replies = customer.say(SMALL_SINGLE_VEHICLE[pending])
    following = asked(replies)
    assert following in SMALL_SINGLE_VEHICLE, f"not the report form\n{customer!r}"
    assert following not in BEFORE_RESTART and following != pending, customer
    while not any(r.startswith(template_prefix("utter_report_summary")) for r in replies):
        question = asked(replies)
        assert question in SMALL_SINGLE_VEHICLE, f"unexpected turn: {replies}\n{customer!r}"
        replies = customer.say(SMALL_SINGLE_VEHICLE[question])

    [summary] = [r for r in replies if r.startswith(template_prefix("utter_report_summary"))]
    for line in SUMMARY_LINES:
        assert line in summary.splitlines(), summary
    # 半小时前, read before the restart; the summary shows minutes.
    assert abs(summary_time(summary) - (told_at - timedelta(minutes=30))) < timedelta(minutes=3)

    outcome = customer.say("确认")
    assert outcome[0].startswith(template_prefix("utter_report_filed")), customer
    assert reports_of_zhang_wei(bot.claims_db_url) == reports_before + 1


def test_a_waiting_hand_off_survives_a_restart(bot):
    agent = ConsoleAgent(bot.stack.console_url)
    assert agent.login("agent01", AGENT_PASSWORDS["AGENT01_PASSWORD"]).status_code == 200
    assert agent.post("/api/heartbeat").status_code == 200  # an agent is online
    widget = SocketCustomer(bot.stack.rasa_url)
    widget.say("转人工")
    queued = template_prefix("utter_handoff_queued")
    assert any(r.startswith(queued) for r in widget.replies())
    widget.say("我的车被追尾了，后保险杠裂了")
    assert widget.silent_for(3) == []
    widget.close()
    [waiting] = agent.get("/api/queue").json()["waiting"]

    bot.restart()

    # The widget reconnects with the session id it keeps (localStorage).
    widget = SocketCustomer(bot.stack.rasa_url, session_id=widget.session_id)
    try:
        # Still waiting, still paused: the bot does not answer, the agent will.
        widget.say("请快一点")
        assert widget.silent_for(4) == []
        assert agent.post("/api/heartbeat").status_code == 200
        queue = agent.get("/api/queue").json()["waiting"]
        assert [ticket["id"] for ticket in queue] == [waiting["id"]]
        assert queue[0]["reason"] == waiting["reason"] == "customer_request"
        assert agent.post(f"/api/tickets/{waiting['id']}/accept").status_code == 200
        detail = agent.get(f"/api/tickets/{waiting['id']}").json()
        said = [(line["who"], line["text"]) for line in detail["transcript"]]
        for text in ("转人工", "我的车被追尾了，后保险杠裂了", "请快一点"):
            assert ("customer", text) in said, said
        assert detail["paused"] is True

        answer = agent.post(
            f"/api/tickets/{waiting['id']}/reply", json={"text": "您好，我是客服，车还能开吗？"}
        )
        assert answer.status_code == 200, answer.text
        assert widget.replies() == ["您好，我是客服，车还能开吗？"]

        assert agent.post(f"/api/tickets/{waiting['id']}/handback").status_code == 200
        assert widget.replies()[0] == response_text("utter_handoff_returned")
    finally:
        widget.close()
