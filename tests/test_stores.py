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
