"""bot/rasa_patches.py: the action server's answers are still validated in full,
but Rasa's response schema is checked against the meta-schema only once."""

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_patches, rasa_server

rasa_patches.install()  # as every Rasa server of ours does first (bot.rasa_server)


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_handoff_watch", EndpointConfig("http://127.0.0.1:1"))


def test_every_rasa_server_installs_the_patches_before_rasas_command_line_runs(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", lambda self, result: True)
    seen = []
    monkeypatch.setattr(
        rasa_server, "rasa_main", lambda: seen.append(RemoteAction._validate_action_result)
    )
    rasa_server.main()
    assert seen == [rasa_patches._validate_action_result]


def test_a_rasa_server_on_another_rasa_version_stops_before_rasa_runs(monkeypatch):
    monkeypatch.setattr(rasa_patches.install, "__defaults__", ("3.7.0",))
    monkeypatch.setattr(rasa_server, "rasa_main", lambda: pytest.fail("Rasa ran"))
    with pytest.raises(RuntimeError, match="written for Rasa 3.6.21, not 3.7.0"):
        rasa_server.main()


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


def test_a_stored_conversation_reads_back_event_for_event_with_classes_looked_up_once(monkeypatch):
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
    from rasa.shared.utils import common

    assert Event.resolve_by_type is rasa_patches._remembered_event_class
    stored = [
        UserUttered("交强险赔多少", {"name": "faq", "confidence": 0.9}).as_dict(),
        ActionExecuted("utter_faq").as_dict(),
        SlotSet("customer_name", "张伟").as_dict(),
    ] * 50
    walks = []
    original = common.all_subclasses
    monkeypatch.setattr(common, "all_subclasses", lambda cls: walks.append(cls) or original(cls))
    rasa_patches._EVENT_CLASSES.clear()
    events = [Event.from_parameters(event) for event in stored]
    assert [event.as_dict() for event in events] == stored
    assert walks.count(Event) == 3  # once per type name, not once per event


def test_an_unknown_event_name_is_still_refused_or_given_its_default():
    from rasa.shared.core.events import Event, UserUttered

    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("user") is UserUttered


def test_a_conversation_in_the_sql_store_reads_back_whole_from_its_event_json_alone(tmp_path):
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_yaml(
        "version: '3.1'\nslots:\n  customer_name:\n    type: text\n    mappings: []\n"
    )
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker("customer-1", domain.slots)
    tracker.update(SessionStarted())
    tracker.update(UserUttered("交强险赔多少", {"name": "faq", "confidence": 0.9}))
    asyncio.run(store.save(tracker))
    tracker.update(SlotSet("customer_name", "张伟"))
    tracker.update(ActionExecuted("utter_faq"))
    asyncio.run(store.save(tracker))  # only the two new events are added

    with store.session_scope() as session:
        query = store._event_query(session, "customer-1", fetch_events_from_all_sessions=False)
        assert [column["name"] for column in query.column_descriptions] == ["data"]
        assert query.count() == 4
    again = asyncio.run(store.retrieve("customer-1"))
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]
    assert again.get_slot("customer_name") == "张伟"


def test_a_reply_in_the_report_form_is_read_against_the_question_before_the_policies():
    import asyncio

    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActiveLoop, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    class Parsed:  # Rasa's own parse, stubbed: the classifier called it off-topic
        async def parse(self, message):
            return {
                "text": "和一辆出租车",
                "intent": {"name": "off_topic", "confidence": 0.8},
                "entities": [],
            }

    processor = MessageProcessor.__new__(MessageProcessor)
    processor.http_interpreter = Parsed()
    processor.domain = Domain.empty()
    processor._check_for_unseen_features = lambda parse_data: None
    tracker = DialogueStateTracker.from_events(
        "t", [ActiveLoop("report_form"), SlotSet("requested_slot", "two_vehicle")]
    )
    message = type("Message", (), {"sender_id": "t"})()
    parsed = asyncio.run(processor.parse_message(message, tracker))
    assert parsed["intent"] == {"name": "inform", "confidence": 1.0}
    empty = DialogueStateTracker.from_events("t", [])
    outside = asyncio.run(processor.parse_message(message, empty))
    assert outside["intent"]["name"] == "off_topic"
