"""bot/rasa_patches.py: the action server's answers are still validated in full,
but Rasa's response schema is checked against the meta-schema only once."""

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot.channels.rest  # noqa: F401 - installs the patches, as a Rasa server does
from bot import rasa_patches


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_handoff_watch", EndpointConfig("http://127.0.0.1:1"))


def test_the_patch_is_installed_by_the_rest_channel_every_rasa_server_opens():
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result


def test_a_valid_answer_passes(action):
    answer = {
        "events": [{"event": "slot", "name": "handoff_ticket_id", "value": None}],
        "responses": [{"text": "好的"}],
    }
    assert action._validate_action_result(answer) is True


@pytest.mark.parametrize(
    "answer", [{"events": "not a list"}, {"responses": [5]}, {"events": [{"no": "event name"}]}]
)
def test_an_invalid_answer_is_refused_with_rasas_explanation(action, answer):
    with pytest.raises(ValidationError) as refused:
        action._validate_action_result(answer)
    assert "Failed to validate Action server response" in refused.value.message


def test_the_schema_itself_is_checked_once_not_per_call(action, monkeypatch):
    schema_class = validator_for(RemoteAction.action_response_format_spec())
    checks = []
    original = schema_class.check_schema
    monkeypatch.setattr(
        schema_class,
        "check_schema",
        classmethod(lambda cls, schema: checks.append(1) or original(schema)),
    )
    rasa_patches._action_result_validator.cache_clear()
    for _ in range(20):
        action._validate_action_result({"events": [], "responses": []})
    assert len(checks) == 1


def test_the_patches_refuse_a_rasa_they_were_not_written_for():
    with pytest.raises(RuntimeError, match="written for Rasa 3.6.21, not 3.7.0"):
        rasa_patches.install("3.7.0")


def test_the_server_is_never_anonymous_once_patched():
    import rasa.core.run

    assert getattr(rasa.core.run.configure_app, "secured", False)
