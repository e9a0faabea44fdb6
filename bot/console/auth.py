"""Agent sessions of the console: random cookie tokens stored hashed, CSRF tokens.

The cookie holds a random token; the database holds only its SHA-256, so a
leaked database cannot be replayed as a login. Every state-changing request
carries the session's CSRF token in the X-CSRF-Token header, which a page of
another site cannot read or set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import wraps

from sanic import response

from bot.db import repository
from bot.db.session import claims_session

COOKIE = "console_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LIFETIME = timedelta(hours=12)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class AgentIdentity:
    agent_id: int
    username: str
    display_name: str
    csrf_token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_session(agent) -> tuple[str, str]:  # noqa: ANN001 - a bot.db.models.Agent
    """Store a session for `agent`; returns (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with claims_session() as session:
        repository.create_agent_session(
            session,
            agent,
            token_hash(token),
            csrf,
            expires_at=datetime.now(timezone.utc) + SESSION_LIFETIME,
        )
    return token, csrf


def current_agent(request) -> AgentIdentity | None:  # noqa: ANN001 - a Sanic request
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    with claims_session() as session:
        row = repository.agent_session_by_token_hash(session, token_hash(token))
        if row is None:
            return None
        return AgentIdentity(
            row.agent.id, row.agent.username, row.agent.display_name, row.csrf_token
        )


def end_session(request) -> None:  # noqa: ANN001
    token = request.cookies.get(COOKIE)
    if token:
        with claims_session() as session:
            repository.delete_agent_session(session, token_hash(token))


def set_session_cookie(resp, token: str) -> None:  # noqa: ANN001 - a Sanic response
    resp.cookies[COOKIE] = token
    resp.cookies[COOKIE]["httponly"] = True
    resp.cookies[COOKIE]["samesite"] = "Lax"
    resp.cookies[COOKIE]["path"] = "/"
    resp.cookies[COOKIE]["max-age"] = int(SESSION_LIFETIME.total_seconds())


def clear_session_cookie(resp) -> None:  # noqa: ANN001
    set_session_cookie(resp, "")
    resp.cookies[COOKIE]["max-age"] = 0


def _csrf_ok(request, agent: AgentIdentity) -> bool:  # noqa: ANN001
    sent = request.headers.get(CSRF_HEADER) or ""
    return hmac.compare_digest(sent.encode("utf-8"), agent.csrf_token.encode("utf-8"))


def api_login_required(handler):  # noqa: ANN001, ANN201 - a Sanic handler decorator
    """401 without a session, 403 for a state-changing request without the CSRF token."""

    @wraps(handler)
    async def checked(request, *args, **kwargs):  # noqa: ANN001, ANN202
        agent = current_agent(request)
        if agent is None:
            return response.json({"error": "请先登录"}, status=401)
        if request.method not in SAFE_METHODS and not _csrf_ok(request, agent):
            return response.json({"error": "请求校验失败，请刷新页面后重试"}, status=403)
        request.ctx.agent = agent
        return await handler(request, *args, **kwargs)

    return checked


def page_login_required(handler):  # noqa: ANN001, ANN201
    """Pages redirect to the login page without a session."""

    @wraps(handler)
    async def checked(request, *args, **kwargs):  # noqa: ANN001, ANN202
        if current_agent(request) is None:
            return response.redirect("/login")
        return await handler(request, *args, **kwargs)

    return checked
