"""Which paths of a Rasa server answer on which port.

A Rasa server of ours listens on two ports:

- the **public** port (``rasa run --port``, 5005 with ``make run``; nginx's
  public server proxies to it in the cluster): only what customers need —
  the channels' webhooks (REST, photo upload, WeChat), socket.io and the
  widget's files. Everything else answers 404 there, token or not.
- the **internal** port (``RASA_API_PORT``, 5006 with ``make run``, always on
  127.0.0.1 unless ``RASA_API_INTERFACE`` says otherwise): Rasa's HTTP API
  for the agent console and the action server, every request with the API
  token (``bot.internal_auth``); without it 401.

Both are one Sanic application in one process, so a conversation is the same
whichever port a request came in on. The internal listener is opened once the
public one runs (Sanic 21.12 serves a second socket with ``create_server``).
"""

from __future__ import annotations

import logging
import os

from sanic import Sanic, response
from sanic.request import Request

from bot.internal_auth import RASA_API_TOKEN, matches, secret

logger = logging.getLogger(__name__)

PUBLIC_PREFIXES = ("/webhooks/", "/socket.io/", "/widget/")
PUBLIC_EXACT = frozenset({"/widget", "/socket.io"})
NOT_FOUND = {"error": "未找到您要访问的地址。"}
UNAUTHORISED = {"error": "需要内部接口令牌。"}
MAX_REQUEST_BYTES = 12 * 1024 * 1024


def is_public_path(path: str) -> bool:
    return path in PUBLIC_EXACT or path.startswith(PUBLIC_PREFIXES)


def _given_token(request: Request) -> str | None:
    # Rasa's own check reads ?token= too (a Bearer header it takes for a JWT).
    return request.args.get("token")


def protect(app: Sanic, api_port: int | None, api_interface: str = "127.0.0.1") -> None:
    """Close everything but the public paths on the public port; open the API port.

    Without `api_port` there is no internal port and Rasa's API answers nowhere.
    """
    token = secret(RASA_API_TOKEN)
    # Photos are at most 10 MB (bot/photo_store.py); Sanic's default is 100 MB,
    # which a single request could spend seconds parsing.
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

    @app.middleware("request")
    async def gate(request: Request) -> response.HTTPResponse | None:
        internal = api_port is not None and request.conn_info.server_port == api_port
        if not internal:
            if is_public_path(request.path):
                return None
            return response.json(NOT_FOUND, status=404)
        if not matches(_given_token(request), token):
            logger.warning("internal API: request without a valid token refused")
            return response.json(UNAUTHORISED, status=401)
        return None

    if api_port is None:
        logger.warning("RASA_API_PORT unset: Rasa's HTTP API is not served")
        return
    servers = []

    @app.after_server_start
    async def open_api_port(app: Sanic, _loop: object) -> None:
        server = await app.create_server(
            host=api_interface, port=api_port, return_asyncio_server=True
        )
        servers.append(server)
        logger.info("internal API on %s:%s", api_interface, api_port)

    @app.before_server_stop
    async def close_api_port(app: Sanic, _loop: object) -> None:
        for server in servers:
            server.close()
            await server.wait_closed()


def api_port_from_env() -> tuple[int | None, str]:
    port = os.environ.get("RASA_API_PORT")
    return (int(port) if port else None), os.environ.get("RASA_API_INTERFACE") or "127.0.0.1"
