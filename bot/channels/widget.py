"""The website chat widget's files, served by the Rasa server itself: GET /widget/<file>.

Serving them here puts the demo page, socket.io and the photo upload on one
origin. The files are built from ``widget/`` into ``widget/dist/`` by
``scripts/build-widget.sh``; only the names below are served, so no path from
a request ever reaches the file system.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import NotFound
from sanic.request import Request

DIST = Path(__file__).resolve().parents[2] / "widget" / "dist"
CONTENT_TYPES = {
    "chat-widget.js": "application/javascript; charset=utf-8",
    "chat-widget.css": "text/css; charset=utf-8",
    "demo.html": "text/html; charset=utf-8",
}


class WidgetAssets(InputChannel):
    """Not a conversation channel: the widget talks over Rasa's ``socketio`` channel."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    def url_prefix(self) -> str:
        # An absolute prefix: Rasa joins it onto /webhooks/, which keeps it as /widget.
        return "/widget"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        assets = Blueprint("widget_assets", __name__)

        @assets.route("/", methods=["GET"])
        async def index(_: Request) -> response.HTTPResponse:
            return response.redirect("/widget/demo.html")

        @assets.route("/<name>", methods=["GET"])
        async def asset(_: Request, name: str) -> response.HTTPResponse:
            if name not in CONTENT_TYPES:
                raise NotFound("no such widget file")
            path = DIST / name
            if not path.is_file():
                return response.text(
                    "chat widget not built: run scripts/build-widget.sh", status=503
                )
            return await response.file(
                path, mime_type=CONTENT_TYPES[name], headers={"Cache-Control": "no-cache"}
            )

        return assets
