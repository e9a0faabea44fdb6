"""Adjustments to Rasa 3.6 itself, installed once per Rasa server process.

``install()`` runs first in every Rasa server of ours (``bot.rasa_server``,
which the launcher starts), before Rasa's command line; the action server never
imports this module.

- The action server's answer is checked against Rasa's response schema with
  ``jsonschema.validate``, which first checks the *schema itself* against the
  JSON-Schema meta-schema: on every action call. Measured with py-spy on an FAQ
  question (one action call, ``action_handoff_watch``), that was 38 % of the Rasa
  server's time. The schema never changes, so it is checked once and the
  validator reused; the answer is still validated in full, with Rasa's error text.
- ``Event.resolve_by_type`` walks every event class (23, through
  ``inspect.isabstract``) to find the one of a type name, once for each stored
  event each time a conversation is loaded: 22 µs an event, 4.5 ms for a whole
  report's 205 events, more for a long conversation. The class found for a name
  is remembered; a name not found yet is looked up as before (defaults, errors).
- ``SQLTrackerStore`` loads a conversation as ORM objects, every column of
  every event, to read one: ``data``, the event's JSON. For a whole report
  (198 events) that took 6.2 ms, the column alone 2.7 ms. Its event query
  (also counted before each save) selects that column only.
- ``rasa.core.run.configure_app`` is wrapped so that the server is never
  anonymous: Rasa's API token is always set (``bot.internal_auth``; not on the
  command line, where ``ps`` would show it), CORS allows only
  ``BOT_ALLOWED_ORIGINS``, and ``bot.channels.server_gate`` splits the public
  port from the internal API port.
- ``MessageProcessor.parse_message`` is wrapped so that, while the report form
  asks a question, a reply is first read as the answer to that question
  (``bot.dialogue.form_answers.read_in_form``) before the dialogue policies see
  the classifier's intent: "五六千" or "和一辆出租车" go to the form, not to
  "not understood" or the off-topic answer.
"""

from __future__ import annotations

import inspect
import os
from functools import cache
from typing import Any

import rasa
import rasa.core.run
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

from bot.channels import server_gate
from bot.dialogue.form_answers import read_in_form
from bot.internal_auth import RASA_API_TOKEN, secret
from bot.settings import load_settings


@cache
def _action_result_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once per process instead of once per action call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_action_result_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            f"response from the Action endpoint is valid. For more information about the "
            f"format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_EVENT_CLASSES: dict[str, type[Event]] = {}
_resolve_by_type = Event.resolve_by_type  # Rasa's own


def _remembered_event_class(
    type_name: str, default: type[Event] | None = None
) -> type[Event] | None:
    known = _EVENT_CLASSES.get(type_name)
    if known is None:
        known = _resolve_by_type(type_name, default)
        if known is not None and known.type_name == type_name:
            _EVENT_CLASSES[type_name] = known
    return known


_event_query = SQLTrackerStore._event_query  # Rasa's own


def _event_data_query(
    self: SQLTrackerStore, session: Any, sender_id: str, fetch_events_from_all_sessions: bool
) -> Any:
    query = _event_query(self, session, sender_id, fetch_events_from_all_sessions)
    return query.with_entities(self.SQLEvent.data)


def allowed_origins() -> list[str]:
    """BOT_ALLOWED_ORIGINS, comma-separated (e.g. https://www.insurer.cn); none by default."""
    return [o.strip() for o in os.environ.get("BOT_ALLOWED_ORIGINS", "").split(",") if o.strip()]


def _secured(configure_app: Any) -> Any:
    signature = inspect.signature(configure_app)

    def configure_secured_app(*args: Any, **kwargs: Any) -> Any:
        call = signature.bind(*args, **kwargs).arguments
        call["auth_token"] = call.get("auth_token") or secret(RASA_API_TOKEN)
        call["cors"] = allowed_origins()  # never the command line's "*"
        app = configure_app(**call)
        server_gate.protect(app, *server_gate.api_port_from_env())
        return app

    configure_secured_app.secured = True
    return configure_secured_app


def _in_form_context(parse_message: Any) -> Any:
    async def parse_in_form_context(
        self: MessageProcessor, message: Any, tracker: Any = None, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        parse_data = await parse_message(self, message, tracker, *args, **kwargs)
        if tracker is None:
            return parse_data
        return read_in_form(
            parse_data,
            tracker.active_loop_name,
            tracker.get_slot("requested_slot"),
            load_settings().timezone,
        )

    parse_in_form_context.in_form_context = True
    return parse_in_form_context


# The Rasa these patches were written for and checked against (requirements/lock.txt):
# both replace Rasa internals, which another version may have changed.
WRITTEN_FOR = "3.6.21"


def install(version: str = rasa.__version__) -> None:
    if version != WRITTEN_FOR:
        raise RuntimeError(
            f"bot/rasa_patches.py was written for Rasa {WRITTEN_FOR}, not {version}: "
            "check the patched functions against this version, then update WRITTEN_FOR"
        )
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_remembered_event_class)
    SQLTrackerStore._event_query = _event_data_query
    if not getattr(MessageProcessor.parse_message, "in_form_context", False):
        MessageProcessor.parse_message = _in_form_context(MessageProcessor.parse_message)
    if not getattr(rasa.core.run.configure_app, "secured", False):
        rasa.core.run.configure_app = _secured(rasa.core.run.configure_app)
