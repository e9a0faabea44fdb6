"""Agent sessions of the console: random cookie tokens stored hashed, CSRF tokens.

The cookie holds a random token; the database holds only its SHA-256, so a
leaked database cannot be replayed as a login. Every state-changing request
carries the session's CSRF token in the X-CSRF-Token header, which a page of
another site cannot read or set. The cookie is `Secure` when the console is
reached over HTTPS (directly or through a proxy that says so) or when
CONSOLE_SECURE_COOKIES=1.

Logins are throttled per user name and per client address (bot/rules/lockout.py,
counted in the claims database), and an unknown user name costs one bcrypt
check like a known one, so the answer's timing does not tell which names exist.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import wraps

from sanic import response

from bot.db import repository
from bot.db.models import Agent
from bot.db.passwords import login_password_matches
from bot.db.session import claims_session
from bot.rules import lockout

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


class LoginOutcome(Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"  # unknown user name or wrong password: the same answer
    THROTTLED = "throttled"  # too many failures of this name or from this address


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    agent: Agent | None = None
    now_throttled: bool = False  # this failure reached a limit


async def check_login(username: str, password: str, client: str) -> LoginResult:
    """Check a login within the lockout limits; a throttled one is refused unchecked."""
    with claims_session() as session:
        attempt = repository.start_attempt(session, lockout.console_keys(username, client))
        agent = None if attempt.refused else repository.agent_by_username(session, username)
    if attempt.refused:
        return LoginResult(LoginOutcome.THROTTLED)
    stored_hash = agent.password_hash if agent is not None else None
    if not await asyncio.to_thread(login_password_matches, password, stored_hash):
        locked = attempt.tally.after_failure().locked
        return LoginResult(LoginOutcome.REFUSED, now_throttled=locked)
    with claims_session() as session:
        repository.withdraw_attempt(session, attempt)
    return LoginResult(LoginOutcome.ACCEPTED, agent)


def client_address(request) -> str:  # noqa: ANN001 - a Sanic request
    """The caller's address: the proxy's forwarded one when Sanic is told to trust a
    proxy (SANIC_PROXIES_COUNT, SANIC_REAL_IP_HEADER or SANIC_FORWARDED_SECRET), else the peer."""
    return request.remote_addr or request.ip


def over_https(request) -> bool:  # noqa: ANN001
    """HTTPS to the console, or to the proxy in front of it (X-Forwarded-Proto)."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.scheme == "https" or forwarded == "https"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_session(agent: Agent) -> tuple[str, str]:
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


def set_session_cookie(resp, token: str, secure: bool) -> None:  # noqa: ANN001 - a Sanic response
    resp.cookies[COOKIE] = token
    resp.cookies[COOKIE]["httponly"] = True
    resp.cookies[COOKIE]["secure"] = secure
    resp.cookies[COOKIE]["samesite"] = "Lax"
    resp.cookies[COOKIE]["path"] = "/"
    resp.cookies[COOKIE]["max-age"] = int(SESSION_LIFETIME.total_seconds())


def clear_session_cookie(resp, secure: bool) -> None:  # noqa: ANN001
    set_session_cookie(resp, "", secure)
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
