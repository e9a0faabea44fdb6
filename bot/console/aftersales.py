"""The console's after-sales page data (保全, domain.md §7): open requests, and marking
one done once staff have carried it out. Same sessions and CSRF check as every
other console API (bot/console/auth.py).
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic, response
from sanic.request import Request

from bot.console import auth
from bot.db import repository
from bot.db.models import AftersalesRequest, Agent
from bot.db.session import claims_session
from bot.handoff.display import mask_plate

# What staff read in the list; the customer-facing words are in domain.yml.
KIND_LABELS = {"phone": "修改手机号", "address": "修改联系地址", "policy_copy": "申请保单副本"}


def request_summary(request: AftersalesRequest) -> dict[str, Any]:
    customer = request.customer
    return {
        "id": request.id,
        "request_number": request.request_number,
        "kind": request.kind,
        "kind_label": KIND_LABELS.get(request.kind, request.kind),
        "detail": request.detail,
        "customer_name": customer.name,
        "plates": [mask_plate(v.plate) for v in customer.vehicles],
        "created_at": request.created_at.isoformat(),
    }


def register(app: Sanic) -> None:
    """Add the after-sales routes to the console app."""

    @app.get("/api/aftersales")
    @auth.api_login_required
    async def open_requests(request: Request) -> response.HTTPResponse:
        with claims_session() as session:
            found = repository.open_aftersales_requests(session)
            return response.json({"open": [request_summary(r) for r in found]})

    @app.post("/api/aftersales/<request_id:int>/done")
    @auth.api_login_required
    async def mark_done(request: Request, request_id: int) -> response.HTTPResponse:
        with claims_session() as session:
            agent = session.get(Agent, request.ctx.agent.agent_id)
            if not repository.complete_aftersales_request(session, request_id, agent):
                return response.json({"error": "这条申请不存在或已经办结"}, status=409)
        return response.json({"ok": True})
