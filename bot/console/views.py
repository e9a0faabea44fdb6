"""What the console's JSON API returns about tickets, customers and reports.

Customer texts are returned as plain data; the page puts them in the DOM with
textContent, so nothing a customer types is ever interpreted as HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db import repository
from bot.db.models import HandoffTicket, Report
from bot.dialogue.account_text import cover_lines, status_text
from bot.handoff.display import mask_phone, mask_plate
from bot.handoff.queue import REASONS
from bot.settings import load_settings


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def ticket_summary(
    ticket: HandoffTicket, now: datetime, position: int | None = None
) -> dict[str, Any]:
    customer = ticket.customer
    summary = {
        "id": ticket.id,
        "status": ticket.status,
        "reason": ticket.reason,
        "reason_label": REASONS.get(ticket.reason, ticket.reason),
        "priority": ticket.priority,
        "created_at": _iso(ticket.created_at),
        "waiting_seconds": int((now - ticket.created_at).total_seconds()),
        "customer_name": customer.name if customer else None,
        "verified": customer is not None,
        "agent": ticket.agent.display_name if ticket.agent else None,
        "report_number": ticket.report.report_number if ticket.report else None,
    }
    if position is not None:
        summary["position"] = position
    if ticket.callback is not None:
        summary["callback"] = {
            "phone": ticket.callback.phone,
            "preferred_time": ticket.callback.preferred_time,
        }
    return summary


def queue_snapshot(session: Session, agent_id: int, now: datetime, online: int) -> dict[str, Any]:
    waiting = repository.waiting_tickets(session)  # in queue order
    return {
        "waiting": [ticket_summary(t, now, place) for place, t in enumerate(waiting, start=1)],
        "mine": [ticket_summary(t, now) for t in repository.tickets_of_agent(session, agent_id)],
        "callbacks": [ticket_summary(t, now) for t in repository.callback_tickets(session)],
        "agents_online": online,
    }


def _report(report: Report) -> dict[str, Any]:
    return {
        "report_number": report.report_number,
        "status": status_text(report.status),
        "accident_at": _iso(report.accident_at),
        "location": report.location,
        "two_vehicle": report.two_vehicle,
        "anyone_injured": report.anyone_injured,
        "drivable": report.drivable,
        "own_loss": None if report.own_loss is None else str(report.own_loss),
        "third_party_loss": None
        if report.third_party_loss is None
        else str(report.third_party_loss),
        "description": report.description,
        "fast_track_outcome": report.fast_track_outcome,
        "fast_track_reasons": report.fast_track_reasons,
    }


def _photos(ticket: HandoffTicket) -> list[dict[str, Any]]:
    """The report's photos, then those sent to the agent before any report was filed."""
    photos = (list(ticket.report.photos) if ticket.report else []) + list(ticket.photos)
    return [
        {
            "id": p.id,
            "url": f"/api/photos/{p.id}",
            "checklist_item": p.checklist_item,
            "at": _iso(p.created_at),
        }
        for p in photos
    ]


def ticket_detail(session: Session, ticket: HandoffTicket, now: datetime) -> dict[str, Any]:
    detail = ticket_summary(ticket, now)
    customer = ticket.customer
    detail["customer"] = (
        None
        if customer is None
        else {
            "name": customer.name,
            "kind": "公司客户" if customer.is_company else "个人客户",
            "phone": mask_phone(customer.phone),
            "plates": [mask_plate(v.plate) for v in customer.vehicles],
        }
    )
    detail["report"] = _report(ticket.report) if ticket.report else None
    detail["photos"] = _photos(ticket)
    policy = None
    if customer is not None:
        today = now.astimezone(load_settings().timezone).date()
        policy = repository.active_policy(session, customer.id, today)
    detail["policy"] = (
        None
        if policy is None
        else {
            "policy_number": policy.policy_number,
            "plate": mask_plate(policy.vehicle.plate),
            "period": f"{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}",
            "cover": cover_lines(policy),
        }
    )
    detail["agent_messages"] = [
        {"text": m.text, "at": _iso(m.created_at)}
        for m in repository.handoff_messages(session, ticket.id)
    ]
    return detail
