"""The action server: rasa_sdk's, answering only the Rasa servers.

    python -m bot.action_server --port 5055 [--interface 127.0.0.1]

rasa_sdk alone listens on every interface and runs any action for anyone
who posts a tracker, so a hand-made tracker saying "verified, customer 4"
would read that customer's policy. Here:

- it listens on 127.0.0.1 unless ``--interface`` (``ACTION_INTERFACE``) says
  otherwise (the cluster's action servers are behind nginx on loopback too);
- every request but ``/health`` must carry ``ACTION_SERVER_TOKEN``
  (``bot.internal_auth``) in the ``X-Action-Token`` header, which the Rasa
  servers send (endpoints.yml); otherwise 401, and the attempt is logged;
- an action call that is not shaped like Rasa's (no tracker, no sender…)
  answers 400, and no error ever echoes the request body.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from bot.internal_auth import ACTION_SERVER_TOKEN, ACTION_TOKEN_HEADER, matches, secret

logger = logging.getLogger(__name__)
ACTIONS_PACKAGE = "bot.actions"
BAD_CALL = {"error": "malformed action call"}


def well_formed(call: Any) -> bool:
    """The parts of Rasa's action call that rasa_sdk reads without checking."""
    if not isinstance(call, dict) or not isinstance(call.get("next_action"), str):
        return False
    tracker = call.get("tracker")
    return (
        isinstance(tracker, dict)
        and isinstance(tracker.get("sender_id"), str)
        and isinstance(tracker.get("slots", {}), dict)
        and isinstance(tracker.get("events", []), list)
        and isinstance(tracker.get("latest_message", {}), dict)
        and isinstance(call.get("domain", {}), dict)
    )


def secure(app: Sanic, token: str) -> Sanic:
    @app.middleware("request")
    async def only_rasa(request: Request) -> response.HTTPResponse | None:
        if request.path == "/health":
            return None
        if not matches(request.headers.get(ACTION_TOKEN_HEADER), token):
            logger.warning("action server: call without a valid token refused (%s)", request.ip)
            return response.json({"error": "unauthorised"}, status=401)
        if request.path.rstrip("/") == "/webhook" and request.method == "POST":
            try:
                call = request.json
            except Exception:  # noqa: BLE001 - Sanic raises on unparsable JSON
                call = None
            if not well_formed(call):
                return response.json(BAD_CALL, status=400)
        return None

    async def no_echo(request: Request, exception: Exception) -> response.HTTPResponse:
        # rasa_sdk's own handler answers with the request body in the error.
        if isinstance(exception, SanicException):  # 404, 405…: the caller's mistake
            return response.json({"error": "bad request"}, status=exception.status_code)
        logger.error("action server error on %s", request.path, exc_info=exception)
        return response.json({"error": "internal error"}, status=500)

    app.error_handler.add(Exception, no_echo)
    return app


def main() -> None:
    parser = create_argument_parser()
    parser.add_argument(
        "--interface",
        default=os.environ.get("ACTION_INTERFACE") or "127.0.0.1",
        help="address to listen on (default 127.0.0.1)",
    )
    args = parser.parse_args()
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = secure(create_app(ACTIONS_PACKAGE, cors_origins=None), secret(ACTION_SERVER_TOKEN))
    logger.info("action server on %s:%s", args.interface, args.port)
    app.run(args.interface, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
