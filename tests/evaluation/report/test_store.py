"""Reading the tracker store: the URL endpoints.yml and TRACKER_STORE_URL give, and the events of a
store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Dict, List

import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from evaluation.processes import ROOT
from evaluation.report.store import StoreError, masked, read_events, store_url
from tests.evaluation.report.events import T0, bot, session, user


def rasa_store(path: Path, conversations: Dict[str, List[dict]]) -> str:
    """An SQLite file written by Rasa's SQLTrackerStore, holding `conversations`; its URL."""
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(path))
    for sender, events in conversations.items():
        tracker = DialogueStateTracker.from_events(sender, [Event.from_parameters(e) for e in events], domain.slots)
        asyncio.run(store.save(tracker))
    store.engine.dispose()
    return f"sqlite:///{path}"


def test_the_url_is_tracker_store_url_when_set_else_the_sqlite_file_of_endpoints_yml():
    assert store_url(environ={}) == f"sqlite:///{ROOT / 'tracker.db'}"
    assert store_url(environ={"TRACKER_STORE_URL": " postgresql://rasa:pw@db/rasa "}) == "postgresql://rasa:pw@db/rasa"


def test_a_plain_sql_store_in_endpoints_yml_is_read_too(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: db\n  port: 5432\n  db: rasa\n")
    assert store_url(endpoints, {}) == "postgresql://db:5432/rasa"
    endpoints.write_text("tracker_store:\n  type: redis\n")
    with pytest.raises(StoreError, match="not an SQL store"):
        store_url(endpoints, {})


def test_the_password_is_masked():
    assert masked("postgresql://rasa:s3cret@db:5432/rasa") == "postgresql://rasa:***@db:5432/rasa"
    assert "s3cret" not in masked("postgresql+psycopg2://u:s3cret@h/d")


def test_events_come_per_sender_in_stored_order_and_since_cuts_the_period(tmp_path):
    url = rasa_store(
        tmp_path / "tracker.db",
        {
            "rest:ada": session(T0) + [user("hi", "greet", T0 + 1), bot("utter_greet", T0 + 1.1)],
            "sms:+15550001234": session(T0 + 100) + [user("what is dvc", "ask_tool_info", T0 + 101)],
        },
    )
    events = read_events(url)
    assert set(events) == {"rest:ada", "sms:+15550001234"}
    assert [e["event"] for e in events["rest:ada"]] == ["action", "session_started", "action", "user", "bot"]
    assert events["rest:ada"][3]["text"] == "hi"
    later = read_events(url, since=T0 + 50)
    assert list(later) == ["sms:+15550001234"]


def test_a_missing_store_says_what_to_do_and_is_not_created(tmp_path):
    with pytest.raises(StoreError, match="make run or make serve"):
        read_events(f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()


def test_a_database_without_the_events_table_says_so(tmp_path):
    import sqlite3

    sqlite3.connect(tmp_path / "empty.db").close()
    with pytest.raises(StoreError, match="no events table"):
        read_events(f"sqlite:///{tmp_path / 'empty.db'}")


def test_by_default_it_reads_the_file_the_rasa_server_writes_from_where_make_starts_it(tmp_path, monkeypatch):
    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    shutil.copy(ROOT / "endpoints.yml", tmp_path / "endpoints.yml")
    monkeypatch.chdir(tmp_path)  # make run and make serve start the server in the project's directory
    config = yaml.safe_load((tmp_path / "endpoints.yml").read_text())["tracker_store"]
    server_store = EnvironmentSQLTrackerStore(None, **{k: v for k, v in config.items() if k != "type"})
    written = Path(str(server_store.engine.url.database)).resolve()
    server_store.engine.dispose()
    assert written.exists()
    assert store_url(tmp_path / "endpoints.yml", {}) == f"sqlite:///{written}"
