"""The agent console's agents and their login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Agent, AgentSession, utcnow


def agent_by_username(session: Session, username: str) -> Agent | None:
    return session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()


def agent_heartbeat(session: Session, agent: Agent, now: datetime | None = None) -> None:
    agent.last_seen_at = now or utcnow()
    session.flush()


def create_agent_session(
    session: Session, agent: Agent, token_hash: str, csrf_token: str, expires_at: datetime
) -> AgentSession:
    row = AgentSession(
        agent_id=agent.id, token_hash=token_hash, csrf_token=csrf_token, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return row


def agent_session_by_token_hash(
    session: Session, token_hash: str, now: datetime | None = None
) -> AgentSession | None:
    """The unexpired console session with this token hash, if any."""
    query = select(AgentSession).where(
        AgentSession.token_hash == token_hash, AgentSession.expires_at > (now or utcnow())
    )
    return session.execute(query).scalar_one_or_none()


def delete_agent_session(session: Session, token_hash: str) -> None:
    row = session.execute(
        select(AgentSession).where(AgentSession.token_hash == token_hash)
    ).scalar_one_or_none()
    if row is not None:
        session.delete(row)
        session.flush()
