"""Rasa's own tracker and lock stores, chosen by environment variables that `endpoints.yml` names.

- `TRACKER_STORE_URL`: an SQLAlchemy URL (e.g. `postgresql://rasa:PASSWORD@db:5432/rasa`) for
  Rasa's `SQLTrackerStore`; unset, conversations go to the SQLite file named by `db`.
- `LOCK_STORE_URL`: a Redis URL (e.g. `redis://:PASSWORD@redis:6379/1`) for Rasa's
  `RedisLockStore` (made atomic, see `AtomicRedisLockStore`), which several Rasa servers (or Sanic
  workers) need to share; unset, Rasa's in-memory lock store, right for a single server.

Retention (`prune`, `python -m assistant.stores prune [--days N]`, `make prune`): conversations
idle for more than N days (`CONVERSATION_RETENTION_DAYS`, else 90) are deleted, every event of
them; of the conversations still going, the events of sessions that ended more than N days ago
are deleted too (Rasa reads only the latest session). The store is the one endpoints.yml names:
`TRACKER_STORE_URL`, or its SQLite file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
TRACKER_URL_VARIABLE = "TRACKER_STORE_URL"
LOCK_URL_VARIABLE = "LOCK_STORE_URL"
REDIS_SCHEMES = {"redis": False, "rediss": True}  # scheme -> TLS


class TrackerStoreUnavailable(BaseException):
    """The tracker store's database did not answer.

    A `BaseException` on purpose: Rasa wraps every tracker store in `FailSafeTrackerStore`, which
    turns any `Exception` from `retrieve` into "no conversation yet" (the bot then answers without
    the conversation's context) and any from `save` into an in-memory copy other servers never see.
    This one passes through, and the channel guard answers with an apology instead.
    """


UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def engine_options(url: sa.engine.URL) -> Dict[str, Any]:
    """Rasa's engine options, and for an SQLite file a pool that keeps its connections, as
    SQLAlchemy 2 does by default; SQLAlchemy 1.4 opens a new SQLite connection for every session
    (`NullPool`). The gain measured inside the noise (docs/performance.md)."""
    options = dict(create_engine_kwargs(url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        options.update(
            poolclass=sa.pool.QueuePool, connect_args={**options.get("connect_args", {}), "check_same_thread": False}
        )
    return options


def event_row(sender_id: str, event: Event) -> Dict[str, Any]:
    """The `events` row Rasa's `SQLTrackerStore.save` writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def _without_password(url: str) -> str:
    return url.split("@")[-1]


class EnvironmentSQLTrackerStore(SQLTrackerStore):
    """`TRACKER_STORE_URL` (an SQLAlchemy URL) when set, else the SQLite file `db`.

    Connections are checked before use (`pool_pre_ping`), so after the database restarts the next
    message reconnects instead of failing on a connection the database has closed.

    Rasa's table, rows and queries, sent as SQLAlchemy Core statements instead of through the ORM:
    reading only the `data` column, counting with one statement, inserting a turn's events in one
    `executemany`. Rasa's ORM path took 8-9 ms a turn, a third of the Rasa server's time at
    concurrency 1; this takes 3.5-4.4 ms (docs/performance.md); `tests/assistant/test_stores.py` checks that
    Rasa's own store and this one read and write the same rows.
    """

    engine: sa.engine.Engine  # set by SQLTrackerStore, replaced below

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        db: str = "tracker.db",
        **kwargs: Any,
    ) -> None:
        url = os.environ.get(TRACKER_URL_VARIABLE, "").strip()
        if url:
            logger.info("Tracker store: %s", _without_password(url))
            super().__init__(domain, host=url, **kwargs)
        else:
            logger.info("Tracker store: SQLite file %s", db)
            super().__init__(domain, dialect="sqlite", db=db, **kwargs)
        engine_url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(engine_url, pool_pre_ping=True, **engine_options(engine_url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _events_statement(self, columns: List[Any], sender_id: str, all_sessions: bool) -> Any:
        """Rasa's `_event_query` as a Core statement: the sender's events, only those of the latest
        session (from its last `session_started` on, or all when it has none) unless `all_sessions`."""
        events = self.SQLEvent.__table__
        statement = sa.select(*columns).where(events.c.sender_id == sender_id)
        if not all_sessions:
            session_start = (
                sa.select(sa.func.max(events.c.timestamp))
                .where(events.c.sender_id == sender_id, events.c.type_name == SessionStarted.type_name)
                .scalar_subquery()
            )
            statement = statement.where(sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))
        return statement

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        events = self.SQLEvent.__table__
        statement = self._events_statement([events.c.data], sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = session.execute(statement.order_by(events.c.id)).scalars().all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows], self.domain.slots)

    def _save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `save` after the event broker: the events not stored yet, in one statement."""
        events = self.SQLEvent.__table__
        count = self._events_statement([sa.func.count()], tracker.sender_id, all_sessions=False)
        with self.session_scope() as session:
            stored = session.execute(count).scalar_one()
            rows = [event_row(tracker.sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
            if rows:
                session.execute(events.insert(), rows)
            session.commit()

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve(sender_id)
        except UNAVAILABLE as error:
            raise TrackerStoreUnavailable(str(error)) from error

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except UNAVAILABLE as error:
            raise TrackerStoreUnavailable(str(error)) from error

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self.stream_events(tracker)
            self._save(tracker)
        except UNAVAILABLE as error:
            raise TrackerStoreUnavailable(str(error)) from error


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's `RedisLockStore`, with its read-modify-write steps made atomic.

    Rasa reads a conversation's ticket lock from Redis, changes it and writes it back. Two servers
    doing that at the same moment can both take the same ticket and handle one conversation at
    once, and then one turn's events are lost (seen in `tests/scale/test_scale.py`: 1 conversation
    in 20). Here each of those steps holds a short Redis mutex (redis-py's `Lock`) for the
    conversation.
    """

    MUTEX_SECONDS = 5.0

    def _mutex(self, conversation_id: str) -> Any:
        return self.red.lock(
            f"{self.key_prefix}mutex:{conversation_id}", timeout=self.MUTEX_SECONDS, blocking_timeout=self.MUTEX_SECONDS
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self._mutex(conversation_id):
                return super().issue_ticket(conversation_id, lock_lifetime)
        except RedisError as error:
            raise LockError(f"Could not issue a ticket for {conversation_id}: {error}") from error

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)


def redis_lock_store(url: str) -> RedisLockStore:
    """Rasa's `RedisLockStore` for a `redis://[[user]:password@]host[:port][/db]` URL."""
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES or not parts.hostname:
        raise ValueError(f"{LOCK_URL_VARIABLE} must look like redis://[:password@]host[:port][/db], not {url!r}")
    database = parts.path.strip("/") or "1"
    if not database.isdigit():
        raise ValueError(f"{LOCK_URL_VARIABLE}: the database after the host must be a number, not {database!r}")
    return AtomicRedisLockStore(
        host=parts.hostname,
        port=parts.port or 6379,
        db=int(database),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=REDIS_SCHEMES[parts.scheme],
    )


class EnvironmentLockStore:
    """Builds Rasa's `RedisLockStore` when `LOCK_STORE_URL` is set, else its `InMemoryLockStore`.

    Rasa creates a custom lock store as `cls(endpoint_config=...)`; this returns one of Rasa's own.
    """

    def __new__(cls, endpoint_config: Optional[EndpointConfig] = None) -> LockStore:
        url = os.environ.get(LOCK_URL_VARIABLE, "").strip()
        if not url:
            logger.info("Lock store: in memory (one Rasa server; set %s to share locks)", LOCK_URL_VARIABLE)
            return InMemoryLockStore()
        logger.info("Lock store: Redis at %s", _without_password(url))
        return redis_lock_store(url)


# --- retention ---------------------------------------------------------------------------------

RETENTION_VARIABLE = "CONVERSATION_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90.0
DAY_SECONDS = 86_400
DELETE_BATCH = 500


@dataclass(frozen=True)
class Pruned:
    conversations: int  # conversations idle longer than the retention, deleted whole
    events: int  # events deleted: theirs, and earlier sessions' of conversations still going


def prune(engine: sa.engine.Engine, days: float, now: Optional[float] = None) -> Pruned:
    """Deletes what is older than `days` from Rasa's `events` table (see the module's docstring)."""
    if days <= 0:
        raise ValueError("the retention must be a positive number of days")
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    events = SQLTrackerStore.SQLEvent.__table__
    later = events.alias("later")
    deleted = 0
    with engine.begin() as connection:
        last = sa.select(events.c.sender_id, sa.func.max(events.c.timestamp).label("last")).group_by(events.c.sender_id)
        idle = [row.sender_id for row in connection.execute(last.subquery().select()) if row.last < cutoff]
        for start in range(0, len(idle), DELETE_BATCH):
            batch = idle[start : start + DELETE_BATCH]
            deleted += connection.execute(sa.delete(events).where(events.c.sender_id.in_(batch))).rowcount
        latest_session = (
            sa.select(sa.func.max(later.c.timestamp))
            .where(later.c.sender_id == events.c.sender_id, later.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        deleted += connection.execute(
            sa.delete(events).where(events.c.timestamp < cutoff, events.c.timestamp < latest_session)
        ).rowcount
    return Pruned(conversations=len(idle), events=deleted)


def configured_store(endpoints: Path) -> EnvironmentSQLTrackerStore:
    """The tracker store `endpoints` configures (ours: `TRACKER_STORE_URL`, or its SQLite file)."""
    import yaml

    config = (yaml.safe_load(endpoints.read_text()) or {}).get("tracker_store") or {}
    kind = config.get("type", "")
    if not kind.endswith("EnvironmentSQLTrackerStore"):
        raise ValueError(
            f"{endpoints}: tracker_store must be assistant.stores.EnvironmentSQLTrackerStore, not {kind!r}"
        )
    return EnvironmentSQLTrackerStore(db=config.get("db", "tracker.db"))


def retention_days(environ: Dict[str, str]) -> float:
    value = environ.get(RETENTION_VARIABLE, "").strip()
    try:
        return float(value) if value else DEFAULT_RETENTION_DAYS
    except ValueError:
        raise ValueError(f"{RETENTION_VARIABLE} must be a number of days, not {value!r}") from None


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.stores", description="The tracker store's upkeep.")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("prune", help="delete conversations older than the retention")
    command.add_argument("--days", type=float, help=f"retention in days (default: ${RETENTION_VARIABLE}, else 90)")
    command.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    args = parser.parse_args(argv)
    try:
        days = args.days if args.days is not None else retention_days(dict(os.environ))
        store = configured_store(args.endpoints)
        pruned = prune(store.engine, days)
    except (ValueError, OSError) as error:
        print(f"not pruned: {error}", file=sys.stderr)
        return 2
    print(
        f"Deleted {pruned.conversations} conversations idle for more than {days:g} days and "
        f"{pruned.events} events in all ({store.engine.url.render_as_string(hide_password=True)})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
