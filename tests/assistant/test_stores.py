"""assistant.stores: what can be checked without a database or Redis (the rest: tests/scale)."""

import pytest
from rasa.core.lock_store import InMemoryLockStore

from assistant.stores import AtomicRedisLockStore, EnvironmentLockStore, redis_lock_store


def test_a_malformed_lock_store_url_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        redis_lock_store("http://localhost:6379")
    with pytest.raises(ValueError, match="number"):
        redis_lock_store("redis://localhost:6379/locks")


@pytest.mark.parametrize("url", ["redis//:s3cret-pw@localhost:6379/1", "http://:s3cret-pw@localhost:6379"])
def test_a_malformed_lock_store_url_is_refused_without_its_password(url):
    with pytest.raises(ValueError) as refused:
        redis_lock_store(url)
    assert "s3cret-pw" not in str(refused.value)


def test_the_lock_store_follows_the_environment(monkeypatch):
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    assert isinstance(EnvironmentLockStore(endpoint_config=None), InMemoryLockStore)
    monkeypatch.setenv("LOCK_STORE_URL", "redis://:secret@127.0.0.1:6399/3")
    store = EnvironmentLockStore(endpoint_config=None)  # redis-py connects lazily
    assert isinstance(store, AtomicRedisLockStore)
    assert store.red.connection_pool.connection_kwargs["db"] == 3
    assert store.red.connection_pool.connection_kwargs["password"] == "secret"


def test_an_sqlite_file_keeps_its_connections_and_other_databases_keep_rasas_options():
    import sqlalchemy as sa
    from rasa.core.tracker_store import create_engine_kwargs

    from assistant.stores import engine_options

    options = engine_options(sa.engine.make_url("sqlite:///tracker.db"))
    assert options["poolclass"] is sa.pool.QueuePool and options["connect_args"]["check_same_thread"] is False
    assert "poolclass" not in engine_options(sa.engine.make_url("sqlite://"))
    postgres = sa.engine.make_url("postgresql://rasa@localhost/rasa")
    assert engine_options(postgres) == create_engine_kwargs(postgres)


def test_conversations_survive_in_an_sqlite_file_through_the_pool(tmp_path, monkeypatch):
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    domain = Domain.from_yaml("version: '3.1'\nintents: [greet]")
    store = EnvironmentSQLTrackerStore(domain, db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    for text in ("hi", "hello again"):
        tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
        asyncio.run(store.save(tracker))
        tracker = asyncio.run(store.retrieve("someone"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hi", "hello again"]
    again = EnvironmentSQLTrackerStore(domain, db=str(tmp_path / "tracker.db"))  # a restart
    assert len(asyncio.run(again.retrieve("someone")).events) == len(tracker.events)


def test_an_sqlite_file_commits_to_a_write_ahead_log_synced_at_checkpoints(tmp_path, monkeypatch):
    import sqlalchemy as sa
    from rasa.shared.core.domain import Domain

    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    store = EnvironmentSQLTrackerStore(Domain.from_yaml("version: '3.1'"), db=str(tmp_path / "tracker.db"))
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def _two_session_conversation(domain):
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("someone", domain.slots)
    for session, text in enumerate(("what is mlflow", "and kubeflow?")):
        for event in (
            ActionExecuted("action_session_start", timestamp=100.0 * session + 1),
            SessionStarted(timestamp=100.0 * session + 2),
            ActionExecuted("action_listen", timestamp=100.0 * session + 3),
            UserUttered(
                text,
                {"name": "tool_info", "confidence": 0.9},
                [{"entity": "tool", "value": "MLflow"}],
                timestamp=100.0 * session + 4,
            ),
            ActionExecuted("action_tool_info", timestamp=100.0 * session + 5),
            BotUttered("MLflow is…", timestamp=100.0 * session + 6),
            SlotSet("tool", "MLflow", timestamp=100.0 * session + 7),
            ActionExecuted("action_listen", timestamp=100.0 * session + 8),
        ):
            tracker.update(event)
    return tracker


def test_our_store_reads_and_writes_the_rows_rasas_store_does(tmp_path, monkeypatch):
    """Rasa's `SQLTrackerStore` and ours on the same conversation: the same rows, saved in two
    steps as the server saves them, and the same trackers read back by either store from either
    file."""
    import asyncio

    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    domain = Domain.from_yaml(
        "version: '3.1'\nintents: [tool_info]\nentities: [tool]\n"
        "slots:\n  tool:\n    type: text\n    mappings: [{type: custom}]"
    )
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    ours = EnvironmentSQLTrackerStore(domain, db=str(tmp_path / "ours.db"))
    whole = _two_session_conversation(domain)
    half = DialogueStateTracker.from_events("someone", list(whole.events)[:6], domain.slots)
    for store in (rasas, ours):  # as the server does: save, read back, add the next turns, save
        asyncio.run(store.save(half))
        tracker = asyncio.run(store.retrieve("someone"))
        for event in list(whole.events)[6:]:
            tracker.update(event)
        asyncio.run(store.save(tracker))

    def rows(store):
        with store.engine.connect() as connection:
            return connection.execute(
                sa.text(
                    "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
                )
            ).all()

    assert rows(ours) == rows(rasas) and len(rows(ours)) == len(whole.events)
    for reader in (rasas, ours):
        for written_by in (rasas, ours):
            reader.engine, reader.sessionmaker = written_by.engine, written_by.sessionmaker
            latest = asyncio.run(reader.retrieve("someone"))
            full = asyncio.run(reader.retrieve_full_tracker("someone"))
            # the latest session starts at its `session_started` (Rasa leaves out the action before it)
            assert [e.as_dict() for e in latest.events] == [e.as_dict() for e in list(whole.events)[9:]]
            assert [e.as_dict() for e in full.events] == [e.as_dict() for e in whole.events]
            assert latest.get_slot("tool") == "MLflow"
            assert asyncio.run(reader.retrieve("nobody")) is None


def test_a_conversation_without_a_session_start_is_read_whole(tmp_path, monkeypatch):
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    domain = Domain.from_yaml("version: '3.1'\nintents: [greet]")
    store = EnvironmentSQLTrackerStore(domain, db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker.from_events(
        "old", [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"})], domain.slots
    )
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # nothing new: nothing written twice
    assert len(asyncio.run(store.retrieve("old")).events) == 2


# --- retention ---------------------------------------------------------------------------------

DAY = 86_400.0
NOW = 1_700_000_000.0  # November 2023


def _session(tracker, start: float, text: str) -> None:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    for event in (
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start + 1),
        ActionExecuted("action_listen", timestamp=start + 2),
        UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=start + 3),
        BotUttered("hello", timestamp=start + 4),
    ):
        tracker.update(event)


def _store_with_conversations(path, monkeypatch):
    """An SQLite store with an old idle conversation, a recent one, and one still going whose first
    session is old."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    domain = Domain.from_yaml("version: '3.1'\nintents: [greet]")
    store = EnvironmentSQLTrackerStore(domain, db=str(path))
    for sender, sessions in {
        "sms:+15550000001": [(NOW - 100 * DAY, "old and idle")],
        "rest:recent": [(NOW - 2 * DAY, "recent")],
        "webchat:going": [(NOW - 200 * DAY, "first session, long ago"), (NOW - 1 * DAY, "this week")],
    }.items():
        tracker = DialogueStateTracker(sender, domain.slots)
        for start, text in sessions:
            _session(tracker, start, text)
        asyncio.run(store.save(tracker))
    return store


def _user_texts(store, sender: str, all_sessions: bool = True):
    import asyncio

    from rasa.shared.core.events import UserUttered

    tracker = asyncio.run(store.retrieve_full_tracker(sender) if all_sessions else store.retrieve(sender))
    return [] if tracker is None else [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_prune_deletes_idle_conversations_and_old_sessions_and_keeps_the_rest(tmp_path, monkeypatch):
    from assistant.stores import prune

    store = _store_with_conversations(tmp_path / "tracker.db", monkeypatch)
    pruned = prune(store.engine, days=30, now=NOW)
    assert pruned.conversations == 1 and pruned.events == 5 + 5
    assert _user_texts(store, "sms:+15550000001") == []
    assert _user_texts(store, "rest:recent") == ["recent"]
    assert _user_texts(store, "webchat:going") == ["this week"]  # the earlier session is gone
    assert _user_texts(store, "webchat:going", all_sessions=False) == ["this week"]  # what Rasa reads: unchanged
    assert prune(store.engine, days=30, now=NOW).events == 0  # nothing more to do
    assert prune(store.engine, days=1.5, now=NOW).conversations == 1  # rest:recent, 2 days idle


def test_prune_refuses_a_retention_that_is_not_positive(tmp_path, monkeypatch):
    from assistant.stores import prune

    store = _store_with_conversations(tmp_path / "tracker.db", monkeypatch)
    with pytest.raises(ValueError, match="positive"):
        prune(store.engine, days=0, now=NOW)


def test_python_m_assistant_stores_prune_uses_the_store_endpoints_yml_names(tmp_path, monkeypatch):
    """The command `make prune` runs, on a real SQLite file, with the retention from the environment."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from assistant.stores import EnvironmentSQLTrackerStore

    database = tmp_path / "tracker.db"
    _store_with_conversations(database, monkeypatch)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: assistant.stores.EnvironmentSQLTrackerStore\n  db: {database}\n")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_STORE_URL"}
    command = [sys.executable, "-m", "assistant.stores", "prune", "--endpoints", str(endpoints)]
    done = subprocess.run(
        command,
        cwd=root,
        env={**env, "CONVERSATION_RETENTION_DAYS": "3650"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Deleted 0 conversations idle for more than 3650 days" in done.stdout
    done = subprocess.run([*command, "--days", "30"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Deleted 3 conversations" in done.stdout, done.stderr  # today, all are old
    assert _user_texts(EnvironmentSQLTrackerStore(db=str(database)), "sms:+15550000001") == []
    bad = subprocess.run(
        command,
        cwd=root,
        env={**env, "CONVERSATION_RETENTION_DAYS": "a month"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "CONVERSATION_RETENTION_DAYS must be a number of days" in bad.stderr


def _turn(number: int):
    """One turn: the user's message, an action that sets slots (some turns), the bot's answer."""
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered

    events = [
        UserUttered(f"message {number}", {"name": "tool_info", "confidence": 1.0}, message_id=f"m{number}"),
        ActionExecuted("action_tool_info"),
        BotUttered(f"answer {number}"),
    ]
    if number % 3 == 0:
        events.append(SlotSet("tool", f"tool {number}"))
    if number == 4:
        events.append(SlotSet("shown", ["a", "b"]))
    if number == 7:  # a form starts long before the window and is still active
        events += [ActiveLoop("some_form"), SlotSet("requested_slot", "tool")]
    return [*events, ActionExecuted("action_listen")]


def _domain_with_slots():
    from rasa.shared.core.domain import Domain

    return Domain.from_yaml(
        "version: '3.1'\nintents: [tool_info]\nforms:\n  some_form:\n    required_slots: [tool]\n"
        "slots:\n  tool:\n    type: text\n    mappings: [{type: custom}]\n"
        "  shown:\n    type: list\n    mappings: [{type: custom}]"
    )


def test_a_long_conversation_is_read_through_a_window_and_stored_whole(tmp_path, monkeypatch):
    """Turn after turn as the server does (read, add a turn, save): every turn reads at most the
    window, with the slots and the form the whole conversation would give; every event is stored
    once, in order, and the full tracker has them all."""
    import asyncio

    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.stores import EnvironmentSQLTrackerStore, WindowedTracker

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    domain = _domain_with_slots()
    store = EnvironmentSQLTrackerStore(domain, db=str(tmp_path / "tracker.db"), window_turns=3)
    whole = DialogueStateTracker("long", domain.slots)
    start = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("long", start, domain.slots)
    for event in start:
        whole.update(event)
    asyncio.run(store.save(tracker))
    sizes = []
    for number in range(1, 31):
        tracker = asyncio.run(store.retrieve("long"))
        sizes.append(len(tracker.events))
        assert tracker.current_slot_values() == whole.current_slot_values(), number
        assert tracker.active_loop_name == whole.active_loop_name, number
        assert tracker.past_states(domain)[-6:] == whole.past_states(domain)[-6:], number
        for event in _turn(number):
            tracker.update(event)
            whole.update(event)
        asyncio.run(store.save(tracker))
    assert isinstance(tracker, WindowedTracker) and tracker.counted_after is not None
    assert max(sizes[10:]) <= min(sizes[10:]) + 2  # bounded: from turn 11 on, whichever events the window holds
    assert max(sizes) < len(whole.events) / 5
    full = asyncio.run(store.retrieve_full_tracker("long"))
    assert [e.as_dict() for e in full.events] == [e.as_dict() for e in whole.events]
    latest = asyncio.run(store.retrieve("long"))
    users = [e.message_id for e in latest.events if isinstance(e, UserUttered)]
    assert users == ["m28", "m29", "m30"]  # the window: the last three user messages and what followed
    assert latest.get_slot("tool") == "tool 30" and latest.get_slot("shown") == ["a", "b"]
    assert latest.active_loop_name == "some_form"
    again = EnvironmentSQLTrackerStore(domain, db=str(tmp_path / "tracker.db"), window_turns=0)
    assert len(asyncio.run(again.retrieve("long")).events) == len(whole.events) - 1  # Rasa's own: the session


def test_a_restart_before_the_window_clears_the_state_it_came_after(tmp_path, monkeypatch):
    import asyncio

    from rasa.shared.core.events import ActionExecuted, Restarted, SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    domain = _domain_with_slots()
    store = EnvironmentSQLTrackerStore(domain, db=str(tmp_path / "tracker.db"), window_turns=2)
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for number in range(1, 5):
        events += _turn(number)
    events += [Restarted(), ActionExecuted("action_listen")]
    for number in range(5, 10):
        events += _turn(number)
    whole = DialogueStateTracker.from_events("restarted", events, domain.slots)
    asyncio.run(store.save(whole))
    latest = asyncio.run(store.retrieve("restarted"))
    assert latest.current_slot_values() == whole.current_slot_values()
    assert latest.get_slot("shown") is None and latest.get_slot("tool") == "tool 9"
    assert latest.active_loop_name == whole.active_loop_name == "some_form"


def test_the_window_must_be_a_whole_number(tmp_path, monkeypatch):
    from assistant.stores import EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    with pytest.raises(ValueError, match="window_turns"):
        EnvironmentSQLTrackerStore(_domain_with_slots(), db=str(tmp_path / "t.db"), window_turns=-1)


def test_the_window_s_indexes_are_added_once_and_rasas_table_is_left_as_it_was(tmp_path, monkeypatch, caplog):
    import logging

    import sqlalchemy as sa

    from assistant.stores import WINDOW_INDEXES, EnvironmentSQLTrackerStore

    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    with caplog.at_level(logging.WARNING):
        for _ in range(2):  # a restart: the indexes are there already
            store = EnvironmentSQLTrackerStore(_domain_with_slots(), db=str(tmp_path / "tracker.db"))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "index" in r.getMessage().lower()]
    inspector = sa.inspect(store.engine)
    indexes = {index["name"]: tuple(index["column_names"]) for index in inspector.get_indexes("events")}
    assert {name: indexes.get(name) for name in WINDOW_INDEXES} == WINDOW_INDEXES
    assert {c["name"] for c in inspector.get_columns("events")} == {
        "id",
        "sender_id",
        "type_name",
        "timestamp",
        "intent_name",
        "action_name",
        "data",
    }
