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
import functools
import itertools
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActiveLoop,
    AllSlotsReset,
    ConversationPaused,
    ConversationResumed,
    Event,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
TRACKER_URL_VARIABLE = "TRACKER_STORE_URL"
LOCK_URL_VARIABLE = "LOCK_STORE_URL"
REDIS_SCHEMES = {"redis": False, "rediss": True}  # scheme -> TLS
# The user messages a turn reads back (endpoints.yml's `window_turns`): the policies look 5 states
# back, the actions at most to the last answer and the last few tools (docs/architecture.md).
WINDOW_TURNS = 10
RESET_EVENTS = (Restarted.type_name, AllSlotsReset.type_name)
# Added to Rasa's `events` table, so that each query of the window reads index entries in
# proportion to the window, not to the conversation: the newest event of a type, the newest value of
# a slot, a sender's events after an id (SQLite appends the id to every index; PostgreSQL needs it named).
WINDOW_INDEXES = {
    "ix_events_sender_type_id": ("sender_id", "type_name", "id"),
    "ix_events_sender_type_action_id": ("sender_id", "type_name", "action_name", "id"),
    "ix_events_sender_id_id": ("sender_id", "id"),
}
# The events whose last one before the window still holds: the active form, its interruption, a pause.
STATE_EVENTS = (
    ActiveLoop.type_name,
    LoopInterrupted.type_name,
    ConversationPaused.type_name,
    ConversationResumed.type_name,
)


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


def write_ahead_log(connection: Any, _record: Any) -> None:
    """An SQLite connection's journal: a write-ahead log, synced to disk at checkpoints rather than at
    every commit. A commit then costs about 0.05 ms instead of 1 ms idle (8-26 ms when the disk is
    busy), and Rasa's event loop waits for it on every turn. A crash of the server loses nothing; a
    power cut may lose the last turns, never the file's consistency. PostgreSQL is for what must
    survive that (docs/deploy.md)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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


@functools.lru_cache(maxsize=None)
def _event_classes() -> Dict[str, Type[Event]]:
    """Rasa's event classes by type name, the first of `all_subclasses(Event)` for each, as
    `Event.resolve_by_type` finds them: it walks every subclass again for every event (0.3-0.5 ms
    an event, 20-30 ms a turn's tracker)."""
    classes: Dict[str, Type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def events_from_dicts(dicts: Sequence[Dict[str, Any]]) -> List[Event]:
    """`rasa.shared.core.events.deserialise_events`, with the event classes looked up in a table."""
    classes = _event_classes()
    events: List[Optional[Event]] = []
    for data in dicts:
        cls = classes.get(data.get("event", ""))
        events.append(cls._from_parameters(data) if cls else None)
    if None in events:  # an event the table does not know or cannot read: Rasa's own way, warnings and all
        return deserialise_events(list(dicts))
    return [event for event in events if event is not None]


class WindowedTracker(DialogueStateTracker):
    """A tracker read through the store's window. It holds every stored event of the session with an
    id after `counted_after`, and `loaded_up_to` events from before (the ones that set the state the
    events it leaves out left)."""

    counted_after: Optional[int] = None
    loaded_up_to = 0


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
        window_turns: int = WINDOW_TURNS,
        **kwargs: Any,
    ) -> None:
        if not isinstance(window_turns, int) or window_turns < 0:
            raise ValueError(
                f"tracker_store window_turns must be a whole number, 0 for no window, not {window_turns!r}"
            )
        self.window_turns = window_turns
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
        if engine_url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", write_ahead_log)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        if self.window_turns:
            self._create_indexes()

    def _create_indexes(self) -> None:
        """The indexes the window's queries probe (WINDOW_INDEXES), added to Rasa's table if missing.
        Without them the window still works, each query reading all of the sender's rows."""
        table = self.SQLEvent.__tablename__
        for name, columns in WINDOW_INDEXES.items():
            # DDL text, not an sa.Index: that would join Rasa's shared metadata, which creates it again
            statement = f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})"
            try:
                with self.engine.begin() as connection:
                    connection.execute(sa.text(statement))
            except sa.exc.SQLAlchemyError as error:  # e.g. another server creating it at the same moment
                logger.warning("Tracker store: index %s not created: %s", name, error)

    def _events_statement(self, columns: List[Any], sender_id: str, all_sessions: bool) -> Any:
        """Rasa's `_event_query` as a Core statement: the sender's events, only those of the latest
        session (from its last `session_started` on, or all when it has none) unless `all_sessions`."""
        return sa.select(*columns).where(self._in_session(sender_id, all_sessions))

    def _in_session(self, sender_id: str, all_sessions: bool = False) -> Any:
        """The condition for the sender's rows (of its latest session unless `all_sessions`)."""
        events = self.SQLEvent.__table__
        condition = events.c.sender_id == sender_id
        if all_sessions:
            return condition
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender_id, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return sa.and_(condition, sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))

    def _latest_id(self, types: Sequence[str], above: Any = None, up_to: Any = None, slot: str = "") -> Any:
        """The id of the sender's newest event of one of `types` (after `above`, up to `up_to`; only
        those that set `slot`), as a scalar subquery: one probe of an index (WINDOW_INDEXES)."""
        events = self.SQLEvent.__table__
        statement = sa.select(sa.func.max(events.c.id)).where(
            events.c.sender_id == sa.bindparam("sender"), events.c.type_name.in_(list(types))
        )
        if slot:  # a slot event's action_name is the slot's name (`event_row`, as Rasa stores it)
            statement = statement.where(events.c.action_name == slot)
        if above is not None:
            statement = statement.where(events.c.id > above)
        if up_to is not None:
            statement = statement.where(events.c.id <= up_to)
        return statement.scalar_subquery()

    @functools.cached_property
    def _window_statements(self) -> Tuple[Any, Any, Any, Any]:
        """The window's statements, built once; their parameters are `sender`, `before_start` (the id
        before the latest session's `session_started`, 0 for none), `cut` and `after`:
        - the latest session's start;
        - the cut: the id of the session's user message `window_turns + 1` back (none when the
          session has no more user messages than the window);
        - the events after `after` (the cut, or the session's start when there is no cut);
        - those, and the events that hold the state the session's events up to the cut left: the
          session's start, the last restart or reset of all slots, after that the last event that
          set each slot of the domain and the last of each of STATE_EVENTS."""
        events = self.SQLEvent.__table__
        start = sa.select(self._latest_id([SessionStarted.type_name]))
        cut = (
            sa.select(events.c.id)
            .where(
                events.c.sender_id == sa.bindparam("sender"),
                events.c.type_name == UserUttered.type_name,
                events.c.id > sa.bindparam("before_start"),
            )
            .order_by(events.c.id.desc())
            .limit(1)
            .offset(self.window_turns)
        )
        window = sa.select(events.c.id, events.c.data).where(
            events.c.sender_id == sa.bindparam("sender"), events.c.id > sa.bindparam("after")
        )
        before_start, up_to = sa.bindparam("before_start"), sa.bindparam("cut")
        reset = self._latest_id(RESET_EVENTS, above=before_start, up_to=up_to)
        since = sa.func.coalesce(reset, before_start)  # what came before a restart or reset is gone
        state = [
            self._latest_id([SessionStarted.type_name], above=before_start, up_to=up_to),
            reset,
            *(
                self._latest_id([SlotSet.type_name], above=since, up_to=up_to, slot=slot.name)
                for slot in (self.domain.slots if self.domain else [])
            ),
            *(self._latest_id([name], above=since, up_to=up_to) for name in STATE_EVENTS),
        ]
        with_state = sa.union_all(
            sa.select(events.c.id, events.c.data).where(events.c.id.in_(state)), window
        ).subquery()
        return start, cut, window.order_by(events.c.id), sa.select(with_state).order_by(with_state.c.id)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions or not self.window_turns:
            return await self._retrieve_whole(sender_id, fetch_events_from_all_sessions)
        start, cut_statement, window, with_state = self._window_statements
        with self.session_scope() as session:
            started = session.execute(start, {"sender": sender_id}).scalar()
            before_start = started - 1 if started is not None else 0
            cut = session.execute(cut_statement, {"sender": sender_id, "before_start": before_start}).scalar()
            after = cut if cut is not None else before_start
            parameters = {"sender": sender_id, "before_start": before_start, "cut": cut, "after": after}
            read = session.execute(window if cut is None else with_state, parameters).all()
        if not self.domain or not read:
            return None
        events_read = events_from_dicts([json.loads(data) for _, data in read])
        tracker = WindowedTracker.from_events(sender_id, events_read, self.domain.slots)
        tracker.counted_after = after
        tracker.loaded_up_to = sum(1 for row_id, _ in read if row_id <= after)
        return tracker

    async def _retrieve_whole(self, sender_id: str, all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's query: every event of the latest session (of every session when `all_sessions`)."""
        events = self.SQLEvent.__table__
        statement = self._events_statement([events.c.data], sender_id, all_sessions)
        with self.session_scope() as session:
            rows = session.execute(statement.order_by(events.c.id)).scalars().all()
        if not self.domain or not rows:
            return None
        # Rasa's reading of the events, as before the window: `window_turns: 0` is the store as it was
        return DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows], self.domain.slots)

    def _save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `save` after the event broker: the events not stored yet, in one statement.

        Rasa counts the session's stored events and writes the tracker's events after that many. A
        tracker read through the window counts only the events stored after the window's start,
        of which it holds all, after the `loaded_up_to` it holds from before."""
        events = self.SQLEvent.__table__
        if isinstance(tracker, WindowedTracker) and tracker.counted_after is not None:
            count = sa.select(sa.func.count()).where(
                events.c.sender_id == tracker.sender_id, events.c.id > tracker.counted_after
            )
            skip = tracker.loaded_up_to
        else:
            count, skip = self._events_statement([sa.func.count()], tracker.sender_id, all_sessions=False), 0
        with self.session_scope() as session:
            stored = session.execute(count).scalar_one()
            new = itertools.islice(tracker.events, skip + stored, None)
            rows = [event_row(tracker.sender_id, event) for event in new]
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
        shown = _without_password(url)  # a malformed URL may still hold the password: never in a log
        raise ValueError(f"{LOCK_URL_VARIABLE} must look like redis://[:password@]host[:port][/db], not {shown!r}")
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
