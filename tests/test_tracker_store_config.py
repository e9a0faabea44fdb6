"""Where the Rasa server keeps the conversations: endpoints.yml's SQL tracker store on
TRACKER_DB_URL, by default its own SQLite file under var/ (bot.launcher)."""

import asyncio

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.launcher import ROOT, tracker_db_url
from bot.settings import DEFAULT_DB_URL


def test_by_default_the_conversations_have_a_file_of_their_own_under_var():
    assert tracker_db_url({}) == f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    assert tracker_db_url({}) != DEFAULT_DB_URL  # `bot.db.seed --reset` recreates that one


def test_tracker_db_url_from_the_environment_wins_and_its_directory_is_made(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'dir' / 'tracker.db'}"
    assert tracker_db_url({"TRACKER_DB_URL": url}) == url
    assert (tmp_path / "new" / "dir").is_dir()
    postgres = "postgresql+psycopg2://bot@127.0.0.1:55433/tracker"
    assert tracker_db_url({"TRACKER_DB_URL": postgres}) == postgres


def test_endpoints_yml_keeps_conversations_in_the_sql_store_it_creates(tmp_path, monkeypatch):
    database = tmp_path / "tracker.db"
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{database}")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "not-used-here")
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    domain = Domain.load(str(ROOT / "domain.yml"))

    store = TrackerStore.create(config, domain)
    assert isinstance(store, SQLTrackerStore)
    assert database.is_file()
    tracker = DialogueStateTracker("someone", domain.slots)
    tracker.update(UserUttered("交强险赔多少"))
    asyncio.run(store.save(tracker))

    # A store created afresh (a restarted server) reads the same conversation back.
    again = TrackerStore.create(config, domain)
    restored = asyncio.run(again.retrieve("someone"))
    assert restored.latest_message.text == "交强险赔多少"
