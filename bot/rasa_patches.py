"""Adjustments to Rasa 3.6 itself, installed once per Rasa server process.

``install()`` runs when the server imports our REST channel
(``bot.channels.rest``), which every Rasa server of ours opens (credentials.yml)
and the action server never imports.

- The action server's answer is checked against Rasa's response schema with
  ``jsonschema.validate``, which first checks the *schema itself* against the
  JSON-Schema meta-schema: on every action call. Measured with py-spy on an FAQ
  question (one action call, ``action_handoff_watch``), that was 38 % of the Rasa
  server's time. The schema never changes, so it is checked once and the
  validator reused; the answer is still validated in full, with Rasa's error text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


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


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
