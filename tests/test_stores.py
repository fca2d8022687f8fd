"""assistant.stores: what can be checked without a database or Redis (the rest: tests/scale)."""
import pytest

from assistant.stores import AtomicRedisLockStore, EnvironmentLockStore, redis_lock_store
from rasa.core.lock_store import InMemoryLockStore


def test_a_malformed_lock_store_url_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="LOCK_STORE_URL"):
        redis_lock_store("http://localhost:6379")
    with pytest.raises(ValueError, match="number"):
        redis_lock_store("redis://localhost:6379/locks")


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
