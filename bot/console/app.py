"""The agent console (客服坐席): log in, see the queue, take a conversation, answer
the customer on their own channel, hand the conversation back to the bot.

State lives in the claims database (tickets, sessions, heartbeats, replies);
the transcript is the Rasa tracker, read and written through Rasa's HTTP API.
Any number of consoles can run side by side.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request

from bot.concepts.tickets import CloseReason, TicketStatus
from bot.console import aftersales, auth, unanswered
from bot.console.views import queue_snapshot, ticket_detail
from bot.db import repository
from bot.db.models import Agent, HandoffTicket, Photo
from bot.db.session import claims_session
from bot.handoff.display import AGENT_METADATA_KEY, NOT_FOR_REPLIES, output_channel, transcript
from bot.handoff.rasa_api import RasaApi, RasaApiError
from bot.rules.lockout import CONSOLE_USER
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_REPLY_CHARS = 2000
THROTTLE_SECONDS = int(CONSOLE_USER.window.total_seconds())
THROTTLED_MESSAGE = f"登录失败次数过多，请 {THROTTLE_SECONDS // 60} 分钟后再试。"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _error(message: str, status: int) -> response.HTTPResponse:
    return response.json({"error": message}, status=status)


def create_app(settings: Settings | None = None) -> Sanic:
    settings = settings or load_settings()
    rasa = RasaApi(settings.rasa_url, settings.rasa_api_token)
    app = Sanic("agent-console")

    def _secure(request: Request) -> bool:
        return settings.console_secure_cookies or auth.over_https(request)

    app.static("/static", str(STATIC))
    aftersales.register(app)  # 保全: open after-sales requests, marked done by staff
    unanswered.register(app)  # 未能回答的问题: grouped for staff, CSV export

    @app.get("/health")
    async def health(request: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/login")
    async def login_page(request: Request) -> response.HTTPResponse:
        return await response.file(STATIC / "login.html")

    @app.get("/")
    @auth.page_login_required
    async def console_page(request: Request) -> response.HTTPResponse:
        return await response.file(STATIC / "console.html")

    @app.post("/api/login")
    async def login(request: Request) -> response.HTTPResponse:
        # JSON only: a form on another site cannot send it without CORS (login CSRF).
        body = request.json if request.content_type == "application/json" else None
        if not isinstance(body, dict):
            return _error("请求格式不正确", 400)
        username, password = str(body.get("username") or ""), str(body.get("password") or "")
        client, shown = auth.client_address(request), username[:64]
        result = await auth.check_login(username, password, client)
        if result.outcome is auth.LoginOutcome.THROTTLED:
            logger.warning("console login throttled: user %r from %s", shown, client)
            resp = _error(THROTTLED_MESSAGE, 429)
            resp.headers["Retry-After"] = str(THROTTLE_SECONDS)
            return resp
        if result.outcome is auth.LoginOutcome.REFUSED:
            logger.warning("console login failed: user %r from %s", shown, client)
            if result.now_throttled:
                logger.warning("console logins throttled from now: user %r from %s", shown, client)
            return _error("用户名或密码不正确", 401)
        logger.info("console login: user %r from %s", shown, client)
        token, csrf = auth.new_session(result.agent)
        resp = response.json({"display_name": result.agent.display_name, "csrf_token": csrf})
        auth.set_session_cookie(resp, token, secure=_secure(request))
        return resp

    @app.get("/api/me")
    @auth.api_login_required
    async def me(request: Request) -> response.HTTPResponse:
        agent = request.ctx.agent
        return response.json(
            {
                "username": agent.username,
                "display_name": agent.display_name,
                "csrf_token": agent.csrf_token,
            }
        )

    @app.post("/api/logout")
    @auth.api_login_required
    async def logout(request: Request) -> response.HTTPResponse:
        auth.end_session(request)
        logger.info(
            "console logout: user %r from %s",
            request.ctx.agent.username,
            auth.client_address(request),
        )
        resp = response.json({"ok": True})
        auth.clear_session_cookie(resp, secure=_secure(request))
        return resp

    @app.post("/api/heartbeat")
    @auth.api_login_required
    async def heartbeat(request: Request) -> response.HTTPResponse:
        with claims_session() as session:
            agent = session.get(Agent, request.ctx.agent.agent_id)
            repository.agent_heartbeat(session, agent)
        return response.json({"ok": True})

    @app.get("/api/queue")
    @auth.api_login_required
    async def queue(request: Request) -> response.HTTPResponse:
        now = _now()
        with claims_session() as session:
            online = repository.agents_online(
                session, timedelta(seconds=settings.agent_online_seconds), now
            )
            return response.json(queue_snapshot(session, request.ctx.agent.agent_id, now, online))

    @app.post("/api/tickets/<ticket_id:int>/accept")
    @auth.api_login_required
    async def accept(request: Request, ticket_id: int) -> response.HTTPResponse:
        with claims_session() as session:
            agent = session.get(Agent, request.ctx.agent.agent_id)
            ticket = repository.accept_ticket(session, ticket_id, agent)
            if ticket is None:
                return _error("该会话已被其他客服接入，或客户已取消等待", 409)
            return response.json({"id": ticket.id, "status": ticket.status})

    @app.get("/api/tickets/<ticket_id:int>")
    @auth.api_login_required
    async def ticket(request: Request, ticket_id: int) -> response.HTTPResponse:
        with claims_session() as session:
            found = session.get(HandoffTicket, ticket_id)
            if found is None:
                return _error("没有这个会话", 404)
            detail = ticket_detail(session, found, _now())
            sender_id = found.sender_id
        try:
            tracker = await rasa.tracker(sender_id)
            detail["transcript"] = transcript(tracker.get("events") or [])
            detail["paused"] = bool(tracker.get("paused"))
        except RasaApiError:
            logger.exception("could not read the conversation of ticket %s", ticket_id)
            detail["transcript"], detail["transcript_error"] = [], "暂时无法读取对话记录"
        return response.json(detail)

    def _my_live_ticket(session, request: Request, ticket_id: int):  # noqa: ANN001, ANN202
        found = session.get(HandoffTicket, ticket_id)
        if found is None:
            return None, _error("没有这个会话", 404)
        if found.status != TicketStatus.ACCEPTED or found.agent_id != request.ctx.agent.agent_id:
            return None, _error("只有接入这个会话的客服才能操作", 409)
        return found, None

    async def _channel(sender_id: str) -> str | None:
        tracker = await rasa.tracker(sender_id)
        return output_channel(tracker.get("events") or [], NOT_FOR_REPLIES) or tracker.get(
            "latest_input_channel"
        )

    @app.post("/api/tickets/<ticket_id:int>/reply")
    @auth.api_login_required
    async def reply(request: Request, ticket_id: int) -> response.HTTPResponse:
        body = request.json if request.content_type == "application/json" else None
        text = str((body or {}).get("text") or "").strip() if isinstance(body, dict) else ""
        if not text or len(text) > MAX_REPLY_CHARS:
            return _error(f"回复不能为空，也不能超过 {MAX_REPLY_CHARS} 字", 400)
        with claims_session() as session:
            found, refused = _my_live_ticket(session, request, ticket_id)
            if refused:
                return refused
            agent = session.get(Agent, request.ctx.agent.agent_id)
            repository.add_handoff_message(session, found, agent, text)
            sender_id = found.sender_id
        try:
            await rasa.say(
                sender_id,
                text,
                await _channel(sender_id),
                {AGENT_METADATA_KEY: request.ctx.agent.display_name},
            )
        except RasaApiError:
            logger.exception("reply of ticket %s stored but not delivered", ticket_id)
            return _error("回复已保存，但暂时没能发送给客户，请稍后重试", 502)
        return response.json({"ok": True})

    async def _end(
        request: Request, ticket_id: int, close_reason: CloseReason, intent: str
    ) -> response.HTTPResponse:
        with claims_session() as session:
            found, refused = _my_live_ticket(session, request, ticket_id)
            if refused:
                return refused
            if not repository.end_ticket(
                session,
                ticket_id,
                close_reason,
                from_statuses=(TicketStatus.ACCEPTED,),
                agent_id=request.ctx.agent.agent_id,
            ):
                return _error("这个会话已经结束", 409)
            sender_id = found.sender_id
        try:
            channel = await _channel(sender_id)
            await rasa.resume(sender_id)
            await rasa.trigger_intent(sender_id, intent, channel)
        except RasaApiError:
            logger.exception("ticket %s closed but the conversation was not resumed", ticket_id)
            return _error("会话已结束，但机器人暂时没能接回对话", 502)
        return response.json({"ok": True})

    @app.post("/api/tickets/<ticket_id:int>/handback")
    @auth.api_login_required
    async def handback(request: Request, ticket_id: int) -> response.HTTPResponse:
        return await _end(request, ticket_id, CloseReason.HANDED_BACK, "handoff_returned")

    @app.post("/api/tickets/<ticket_id:int>/close")
    @auth.api_login_required
    async def close(request: Request, ticket_id: int) -> response.HTTPResponse:
        return await _end(request, ticket_id, CloseReason.CLOSED, "handoff_closed")

    @app.post("/api/tickets/<ticket_id:int>/callback-done")
    @auth.api_login_required
    async def callback_done(request: Request, ticket_id: int) -> response.HTTPResponse:
        with claims_session() as session:
            if not repository.end_ticket(
                session, ticket_id, CloseReason.CLOSED, from_statuses=(TicketStatus.CALLBACK,)
            ):
                return _error("这个回电已经处理过了", 409)
        return response.json({"ok": True})

    @app.get("/api/photos/<photo_id:int>")
    @auth.api_login_required
    async def photo(request: Request, photo_id: int) -> response.HTTPResponse:
        with claims_session() as session:
            found = session.get(Photo, photo_id)
        if found is None:
            return _error("没有这张照片", 404)
        path = settings.photo_dir / found.stored_name
        if not path.is_file():
            return _error("照片文件不存在", 404)
        return await response.file(
            path,
            mime_type=found.content_type,
            headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
        )

    @app.middleware("response")
    async def security_headers(request: Request, resp: response.HTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'",
        )

    return app
