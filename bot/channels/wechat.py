"""WeChat Official Account (微信公众号) channel: /webhooks/wechat/webhook.

- GET with signature/timestamp/nonce/echostr: WeChat checking the URL; the
  echostr goes back when the signature is right.
- POST: a message as XML, plain or encrypted (``encrypt_type=aes`` with
  ``msg_signature``). Every POST's signature is checked; a forged one gets
  403 and a WARNING in the log.

Every signature carries WeChat's timestamp; one more than 5 minutes off the
server clock is refused the same way (wechatpy accepts any), so a captured
request cannot be replayed later.

WeChat waits 5 seconds and then retries, three times. So the request is
answered at once with "success", the message is processed in the background,
and the bot's replies go out through the customer-service message API. Each
message is remembered in the claims database under a UNIQUE key (its MsgId;
openid + CreateTime for events) for longer than a signature is accepted, so a
retry or a replay — even one that reaches another server — is processed once.
The conversation id is the customer's openid.

Signatures, XML, AES and the API calls are wechatpy's; what a message means
for the conversation is decided in ``wechat_messages.py``.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from xml.parsers.expat import ExpatError

import requests
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException, WeChatException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from bot.channels.guard import guarded
from bot.channels.rewind import Rewinder
from bot.channels.wechat_api import WeChatApiClient, session_storage
from bot.channels.wechat_messages import (
    CHOICE,
    MESSAGE_MEMORY,
    SIGNATURE_WINDOW,
    ChannelReply,
    PhotoToStore,
    ToBot,
    chosen_payload,
    inbound,
    message_key,
    numbered_options,
    signed_recently,
    split_for_wechat,
)
from bot.concepts.channels import WECHAT_CHANNEL
from bot.db import repository
from bot.db.session import claims_session
from bot.photo_store import PhotoRejected, receive_photo
from bot.settings import load_settings
from bot.texts import response_text

logger = logging.getLogger(__name__)

IMAGE_DOWNLOAD_TIMEOUT = 10  # seconds, for an image a bot response links to
SIGNATURE_PARAMS = ("signature", "timestamp", "nonce")
# What a broken or tampered POST body can raise while it is decrypted and parsed.
UNREADABLE_BODY = (WeChatException, ValueError, KeyError, TypeError, ExpatError)


class WeChatOutput(OutputChannel):
    """Sends the bot's messages to one WeChat user through the customer-service API."""

    def __init__(self, client: WeChatApiClient):
        self.client = client

    @classmethod
    def name(cls) -> str:
        return WECHAT_CHANNEL

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_for_wechat(text):
            await self._call(self.client.message.send_text, recipient_id, part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, numbered_options(text, buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        media_id = await asyncio.to_thread(self._upload_image, image)
        if media_id:
            await self._call(self.client.message.send_image, recipient_id, media_id)
        else:
            await self.send_text_message(recipient_id, image)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        logger.info("custom JSON is not sent to WeChat users: %s", json_message)

    def _upload_image(self, url: str) -> str | None:
        """WeChat sends only images it holds: fetch the picture and upload it as media."""
        try:
            picture = requests.get(url, timeout=IMAGE_DOWNLOAD_TIMEOUT)
            picture.raise_for_status()
            name = url.rsplit("/", 1)[-1] or "image.jpg"
            uploaded = self.client.media.upload("image", (name, io.BytesIO(picture.content)))
            return uploaded["media_id"]
        except (requests.RequestException, WeChatException, KeyError, TypeError):
            logger.warning(
                "could not upload the image %s to WeChat; sending its link", url, exc_info=True
            )
            return None

    @staticmethod
    async def _call(method: Callable[..., Any], recipient_id: str, content: str) -> None:
        try:
            await asyncio.to_thread(method, recipient_id, content)
        except (WeChatException, requests.RequestException):
            # e.g. 45015: the user has not written for 48 hours. Nothing to retry.
            logger.warning("WeChat did not deliver a message to %s", recipient_id, exc_info=True)


class WeChatInput(InputChannel):
    """The 公众号's server URL. Credentials come from credentials.yml (environment)."""

    @classmethod
    def name(cls) -> str:
        return WECHAT_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        credentials = credentials or {}
        return cls(
            app_id=str(credentials.get("app_id") or ""),
            app_secret=str(credentials.get("app_secret") or ""),
            token=str(credentials.get("token") or ""),
            aes_key=str(credentials.get("aes_key") or ""),
        )

    def __init__(self, app_id: str, app_secret: str, token: str, aes_key: str = ""):
        settings = load_settings()
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None
        self.client = WeChatApiClient(
            app_id, app_secret, settings.wechat_api_base_url, session_storage(settings.redis_url)
        )
        self._tasks: set[asyncio.Task] = set()
        if not (app_id and app_secret and token):
            logger.warning(
                "WeChat channel not configured (WECHAT_APP_ID, WECHAT_APP_SECRET, "
                "WECHAT_TOKEN): every WeChat request will be refused"
            )

    def get_output_channel(self) -> OutputChannel:
        """For messages outside a customer's turn, e.g. a human agent's answer."""
        return WeChatOutput(self.client)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rewinder = Rewinder()
        on_new_message = rewinder.around(on_new_message)
        wechat = rewinder.attach(Blueprint("wechat_webhook", __name__))

        @wechat.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @wechat.route("/webhook", methods=["GET"])
        async def verify_url(request: Request) -> response.HTTPResponse:
            if refused := self._refused(request):
                return refused
            return response.text(request.args.get("echostr", ""))

        @wechat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            if refused := self._refused(request):
                return refused
            try:
                message = parse_message(self._plain_xml(request))
            except InvalidSignatureException:
                return _forged(request)
            except UNREADABLE_BODY:
                logger.warning("WeChat webhook: unreadable message body", exc_info=True)
                return response.text("bad request", status=400)
            if message is None:
                return response.text("bad request", status=400)
            key = message_key(message)
            if await asyncio.to_thread(_first_delivery, key):
                self._in_background(self._handle(message, key, on_new_message, request.app))
            else:
                logger.info("WeChat retried %s; it is already being handled", key)
            return response.text("success")

        return wechat

    def _refused(self, request: Request) -> response.HTTPResponse | None:
        """403 unless WeChat signed the request with our token, and recently."""
        if not self._signed(request):
            return _forged(request)
        timestamp = request.args.get("timestamp")
        if not signed_recently(timestamp, time.time()):
            logger.warning(
                "WeChat webhook: refused a request signed at %s, more than %d s off the "
                "server clock (a replay, or a wrong clock), from %s",
                timestamp,
                SIGNATURE_WINDOW.total_seconds(),
                request.ip,
            )
            return response.text("forbidden", status=403)
        return None

    def _signed(self, request: Request) -> bool:
        values = [request.args.get(name) for name in SIGNATURE_PARAMS]
        if not self.token or not all(values):
            return False
        try:
            check_signature(self.token, *values)
        except InvalidSignatureException:
            return False
        return True

    def _plain_xml(self, request: Request) -> str:
        body = request.body.decode("utf-8")
        if request.args.get("encrypt_type") != "aes":
            return body
        if self.crypto is None:
            raise ValueError("encrypted message but WECHAT_AES_KEY is not set")
        return self.crypto.decrypt_message(
            body,
            request.args.get("msg_signature"),
            request.args.get("timestamp"),
            request.args.get("nonce"),
        )

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)  # a task nobody references may be collected mid-way
        task.add_done_callback(self._tasks.discard)

    async def _handle(
        self,
        message: BaseMessage,
        key: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        app: Any,
    ) -> None:
        openid = message.source
        output = WeChatOutput(self.client)
        try:
            action = inbound(message)
            if isinstance(action, ChannelReply):
                await output.send_text_message(openid, response_text(action.response))
            elif isinstance(action, PhotoToStore):
                if await self._store_photo(openid, action.media_id, output):
                    await on_new_message(
                        self._user_message("/photo_uploaded", output, openid, f"{key}:photo")
                    )
            elif isinstance(action, ToBot):
                text = await _button_choice(app, openid, action.text)
                message = self._user_message(text, output, openid, key)
                message.metadata = {"client": f"wechat:{openid}"}  # per-client limits
                await (guarded(on_new_message) if action.typed else on_new_message)(message)
        except Exception:
            logger.exception("WeChat message %s from %s could not be handled", key, openid)

    def _user_message(self, text: str, output: OutputChannel, openid: str, key: str) -> UserMessage:
        return UserMessage(text, output, openid, input_channel=self.name(), message_id=key)

    async def _store_photo(self, openid: str, media_id: str, output: WeChatOutput) -> bool:
        """Fetch the photo from WeChat and attach it to the sender's report (or handoff
        ticket); False if not."""
        try:
            data = await asyncio.to_thread(self._download, media_id)
        except (WeChatException, requests.RequestException, ValueError):
            logger.warning("could not download WeChat media %s", media_id, exc_info=True)
            await output.send_text_message(openid, response_text("utter_wechat_photo_not_received"))
            return False
        try:
            stored = await receive_photo(load_settings().photo_dir, openid, data)
        except PhotoRejected as rejected:
            await output.send_text_message(openid, response_text(rejected.reason))
            return False
        if stored.for_agent:  # the bot is silent during a handoff: say the agent has it
            await output.send_text_message(openid, response_text("utter_photo_to_agent"))
        return True

    def _download(self, media_id: str) -> bytes:
        downloaded = self.client.media.download(media_id)
        if not isinstance(downloaded, requests.Response):
            raise ValueError(f"WeChat answered with JSON instead of the media: {downloaded}")
        return downloaded.content


def _forged(request: Request) -> response.HTTPResponse:
    logger.warning(
        "WeChat webhook: refused a request with a missing or wrong signature from %s", request.ip
    )
    return response.text("forbidden", status=403)


def _first_delivery(key: str) -> bool:
    with claims_session() as session:
        return repository.first_delivery_of_wechat_message(session, key, MESSAGE_MEMORY)


async def _button_choice(app: Any, openid: str, text: str) -> str:
    """ "2" after numbered options means the second option's payload."""
    agent = getattr(app.ctx, "agent", None)
    if not CHOICE.match(text) or agent is None:
        return text
    tracker = await agent.tracker_store.retrieve(openid)
    return chosen_payload(text, _latest_buttons(tracker.events if tracker else [])) or text


def _latest_buttons(events: Any) -> list[dict[str, Any]]:
    """The buttons the bot offered since the customer last spoke."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            return event.data["buttons"]
    return []
