"""Photo upload for an open accident report: POST /webhooks/photos/upload.

multipart/form-data with ``sender`` (the conversation id the customer chats
with) and ``photo`` (the file). The photo is decoded, re-encoded and stored by
``bot.photo_store`` in a worker thread (decoding is CPU work); the conversation
then hears ``/photo_uploaded`` so the bot reports progress ("已收到 3/5 张") in
the chat itself, and the HTTP answer carries the same messages. During a handoff the bot is silent and the photo
goes to the agent (on the report, or on the ticket when there is no report);
the answer then says so. Refusals answer 4xx with a Chinese message.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.concepts.channels import PHOTO_CHANNEL
from bot.photo_store import PhotoRejected, receive_photo
from bot.settings import load_settings
from bot.texts import response_text

STATUS_FOR = {
    "utter_photo_too_large": 413,
    "utter_photo_too_many_pixels": 413,
    "utter_photo_wrong_type": 415,
    "utter_photo_no_report": 409,
    "utter_photo_limit": 409,
}


class PhotoUploadInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return PHOTO_CHANNEL

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        photos = Blueprint("photo_upload", __name__)

        @photos.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @photos.route("/upload", methods=["POST"])
        async def upload(request: Request) -> response.HTTPResponse:
            sender = (request.form or {}).get("sender")
            photo = (request.files or {}).get("photo")
            if not sender or photo is None:
                return _refusal("utter_photo_bad_request", 400)
            try:
                stored = await receive_photo(load_settings().photo_dir, sender, photo.body)
            except PhotoRejected as rejected:
                return _refusal(rejected.reason, STATUS_FOR.get(rejected.reason, 400))
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage("/photo_uploaded", collector, sender, input_channel=self.name())
            )
            messages = [m.get("text") for m in collector.messages if m.get("text")]
            if stored.for_agent and not messages:  # the bot is silent while an agent talks
                messages = [response_text("utter_photo_to_agent")]
            progress = stored.progress
            return response.json(
                {
                    "ok": True,
                    "report_number": progress.report_number if progress else None,
                    "received": progress.received if progress else None,
                    "expected": progress.expected if progress else None,
                    "messages": messages,
                }
            )

        return photos


def _refusal(reason: str, status: int) -> response.HTTPResponse:
    return response.json({"ok": False, "message": response_text(reason)}, status=status)
