"""The agent console's API against the real console, Rasa and action servers:
sessions, CSRF, the queue, accepting (one winner), replies, closing, photos, XSS."""

import threading
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from bot.db import repository
from bot.db.models import Agent, AgentSession, HandoffTicket, Photo, Report
from bot.handoff.queue import priority_for

from .support import AGENT_PASSWORDS, ConsoleAgent

pytestmark = pytest.mark.servers

STATIC = Path(__file__).resolve().parents[2] / "bot" / "console" / "static"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def new_ticket(db, sender: str, reason: str = "customer_request", **fields) -> HandoffTicket:
    ticket = repository.open_handoff_ticket(
        db, sender_id=sender, reason=reason, priority=priority_for(reason), **fields
    )
    db.commit()
    return ticket


@pytest.mark.parametrize("path", ["/api/queue", "/api/me", "/api/tickets/1", "/api/photos/1"])
def test_nothing_answers_without_a_session(handoff_stack, path):
    assert requests.get(f"{handoff_stack.console_url}{path}", timeout=30).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/tickets/1/accept",
        "/api/tickets/1/reply",
        "/api/tickets/1/handback",
        "/api/tickets/1/close",
        "/api/heartbeat",
        "/api/logout",
    ],
)
def test_no_state_change_without_a_session(handoff_stack, path):
    assert (
        requests.post(f"{handoff_stack.console_url}{path}", json={}, timeout=30).status_code == 401
    )


def test_the_console_page_sends_a_visitor_without_a_session_to_the_login(handoff_stack):
    answer = requests.get(f"{handoff_stack.console_url}/", allow_redirects=False, timeout=30)
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"


def test_a_wrong_password_gets_no_session(handoff_stack):
    agent = ConsoleAgent(handoff_stack.console_url)
    answer = agent.login("agent01", "not-the-password")
    assert answer.status_code == 401 and "console_session" not in agent.http.cookies
    assert agent.login("nobody", "x").status_code == 401


def test_login_accepts_json_only(handoff_stack):
    answer = requests.post(
        f"{handoff_stack.console_url}/api/login",
        timeout=30,
        data={"username": "agent01", "password": AGENT_PASSWORDS["AGENT01_PASSWORD"]},
    )
    assert answer.status_code == 400


def test_the_session_cookie_is_httponly_and_samesite_and_stored_hashed(handoff_stack, db):
    agent = ConsoleAgent(handoff_stack.console_url)
    answer = agent.login("agent01", AGENT_PASSWORDS["AGENT01_PASSWORD"])
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = agent.http.cookies["console_session"]
    stored = [row[0] for row in db.execute(select(AgentSession.token_hash))]
    assert token not in stored and len(stored) >= 1


def test_state_changes_need_the_sessions_csrf_token(agent01):
    assert agent01.post("/api/heartbeat", csrf=None).status_code == 403
    assert agent01.post("/api/heartbeat", csrf="forged").status_code == 403
    assert agent01.post("/api/heartbeat").status_code == 200


def test_the_csrf_token_of_one_session_does_not_work_for_another(agent01, agent02):
    assert agent01.post("/api/heartbeat", csrf=agent02.csrf).status_code == 403


def test_logout_ends_the_session_on_the_server(handoff_stack, agent01):
    token = agent01.http.cookies["console_session"]
    assert agent01.post("/api/logout").status_code == 200
    replay = requests.get(
        f"{handoff_stack.console_url}/api/queue", cookies={"console_session": token}, timeout=30
    )
    assert replay.status_code == 401


def test_the_queue_lists_injury_first_then_by_waiting_time(agent01, db):
    first = new_ticket(db, "queue-first")
    second = new_ticket(db, "queue-second")
    injury = new_ticket(db, "queue-injury", reason="injury")
    waiting = [t["id"] for t in agent01.get("/api/queue").json()["waiting"]]
    ours = [i for i in waiting if i in (first.id, second.id, injury.id)]
    assert ours == [injury.id, first.id, second.id]
    for ticket in (first, second, injury):  # leave the queue as it was
        repository.end_ticket(db, ticket.id, "closed", from_statuses=("waiting",))
    db.commit()


def accept_at_once(ticket_id: int, agents: dict[str, ConsoleAgent]) -> dict[str, int]:
    """Every agent clicks "接入" at the same moment; returns their HTTP statuses."""
    start = threading.Barrier(len(agents))
    results: dict[str, int] = {}

    def accept(name: str) -> None:
        start.wait()
        results[name] = agents[name].post(f"/api/tickets/{ticket_id}/accept").status_code

    threads = [threading.Thread(target=accept, args=(name,)) for name in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_agents_accepting_at_once_get_exactly_one_winner(agent01, agent02, db):
    for round_number in range(15):
        ticket = new_ticket(db, f"race-{round_number}")
        results = accept_at_once(ticket.id, {"agent01": agent01, "agent02": agent02})
        assert sorted(results.values()) == [200, 409], results
        db.expire_all()
        winner = db.get(HandoffTicket, ticket.id)
        assert winner.status == "accepted" and results[winner.agent.username] == 200


def test_only_the_agent_who_accepted_may_reply_hand_back_or_close(agent01, agent02, db):
    ticket = new_ticket(db, "not-yours")
    assert agent01.post(f"/api/tickets/{ticket.id}/accept").status_code == 200
    assert agent02.post(f"/api/tickets/{ticket.id}/reply", json={"text": "你好"}).status_code == 409
    assert agent02.post(f"/api/tickets/{ticket.id}/handback").status_code == 409
    assert agent02.post(f"/api/tickets/{ticket.id}/close").status_code == 409
    assert agent01.post(f"/api/tickets/{ticket.id}/reply", json={"text": " "}).status_code == 400


def test_closing_ends_the_ticket_and_gives_the_conversation_back(
    handoff_stack, agent01, widget_customer, db
):
    agent01.post("/api/heartbeat")
    widget_customer.say("转人工")
    widget_customer.replies()
    ticket = db.execute(
        select(HandoffTicket).where(HandoffTicket.sender_id == widget_customer.session_id)
    ).scalar_one()
    assert agent01.post(f"/api/tickets/{ticket.id}/accept").status_code == 200
    assert agent01.post(f"/api/tickets/{ticket.id}/close").status_code == 200
    replies = widget_customer.replies()
    assert replies[0] == "本次人工服务已结束，感谢您的耐心。", replies
    db.expire_all()
    assert db.get(HandoffTicket, ticket.id).close_reason == "closed"
    assert agent01.post(f"/api/tickets/{ticket.id}/close").status_code == 409


def test_customer_markup_reaches_the_console_as_text_only(
    handoff_stack, agent01, widget_customer, db
):
    agent01.post("/api/heartbeat")
    widget_customer.say("转人工")
    widget_customer.replies()
    widget_customer.say(XSS)
    assert widget_customer.silent_for(3) == []
    ticket = db.execute(
        select(HandoffTicket).where(HandoffTicket.sender_id == widget_customer.session_id)
    ).scalar_one()
    answer = agent01.get(f"/api/tickets/{ticket.id}")
    assert answer.headers["Content-Type"].startswith("application/json")
    assert {"who": "customer", "text": XSS} in [
        {"who": line["who"], "text": line["text"]} for line in answer.json()["transcript"]
    ]
    # The page builds its DOM with textContent only, under a CSP without inline script.
    script = (STATIC / "console.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "document.write" not in script
    page = agent01.get("/")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src" not in policy or "unsafe-inline" not in policy
    assert "default-src 'self'" in policy
    repository.end_ticket(db, ticket.id, "closed", from_statuses=("waiting",))
    db.commit()


def test_an_agent_sees_the_report_and_its_photos_and_only_agents_get_photos(
    handoff_stack,
    agent01,
    db,
    photo_dir,
):
    report = db.execute(select(Report).order_by(Report.id)).scalars().first()  # demo data
    photo = Photo(
        report_id=report.id,
        stored_name="handoff-test-photo.jpg",
        content_type="image/jpeg",
        size_bytes=4,
    )
    db.add(photo)
    db.commit()
    (photo_dir / photo.stored_name).write_bytes(b"\xff\xd8\xff\xd9")
    ticket = new_ticket(db, "with-report", customer_id=report.customer_id, report_id=report.id)
    detail = agent01.get(f"/api/tickets/{ticket.id}").json()
    assert detail["customer"]["name"] == report.customer.name
    assert all("*" in plate for plate in detail["customer"]["plates"])
    assert detail["report"]["report_number"] == report.report_number
    assert f"/api/photos/{photo.id}" in [p["url"] for p in detail["photos"]]
    image = agent01.get(f"/api/photos/{photo.id}")
    assert image.status_code == 200 and image.content == b"\xff\xd8\xff\xd9"
    anonymous = requests.get(f"{handoff_stack.console_url}/api/photos/{photo.id}", timeout=30)
    assert anonymous.status_code == 401
    repository.end_ticket(db, ticket.id, "closed", from_statuses=("waiting",))
    db.commit()


def test_agents_are_seeded_with_hashed_passwords_only(db):
    for agent in db.execute(select(Agent)).scalars():
        assert agent.password_hash.startswith("$2") and agent.password_hash not in (
            AGENT_PASSWORDS.values()
        )
