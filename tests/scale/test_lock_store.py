"""AtomicRedisLockStore on a real Redis: tickets for one conversation stay unique across servers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.stores import AtomicRedisLockStore, redis_lock_store

pytestmark = pytest.mark.scale


def test_tickets_issued_at_once_by_several_servers_are_all_different(stack):
    servers = [redis_lock_store(stack.redis.url) for _ in range(4)]  # one store per Rasa server
    assert all(isinstance(s, AtomicRedisLockStore) for s in servers)
    with ThreadPoolExecutor(max_workers=16) as pool:
        tickets = list(pool.map(lambda n: servers[n % 4].issue_ticket("lock-race"), range(64)))
    assert sorted(tickets) == list(range(64))
    for n, ticket in enumerate(tickets):
        servers[n % 4].cleanup("lock-race", ticket)
    assert servers[0].get_lock("lock-race") is None
