"""Reads the events of the tracker store `endpoints.yml` configures, straight from its database.

No Rasa server and no Rasa import: the store is Rasa's `SQLTrackerStore` table `events` (one row an
event, its JSON in `data`), read with SQLAlchemy. The URL is the one the Rasa server uses
(`assistant.stores.EnvironmentSQLTrackerStore`): `TRACKER_STORE_URL` when set, else the SQLite
file `db` of `endpoints.yml`, relative to the project's directory (where `make run` and `make serve`
start the server).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import sqlalchemy as sa
import yaml

from evaluation.processes import ROOT

TRACKER_URL_VARIABLE = "TRACKER_STORE_URL"  # the variable assistant/stores.py reads
ENVIRONMENT_STORE = "assistant.stores.EnvironmentSQLTrackerStore"


class StoreError(Exception):
    """The store cannot be read; the message says why and what to do."""


def store_url(endpoints: Path = ROOT / "endpoints.yml", environ: Mapping[str, str] = os.environ) -> str:
    """The SQLAlchemy URL of the tracker store the Rasa server would use with `endpoints`."""
    config = (yaml.safe_load(endpoints.read_text()) or {}).get("tracker_store") or {}
    kind = str(config.get("type") or "")
    if kind == ENVIRONMENT_STORE and environ.get(TRACKER_URL_VARIABLE, "").strip():
        return environ[TRACKER_URL_VARIABLE].strip()
    if kind in (ENVIRONMENT_STORE, "sql", "SQL"):
        dialect = str(config.get("dialect") or "sqlite")
        database = str(config.get("db") or "rasa.db")
        if dialect == "sqlite" and not config.get("url"):
            path = Path(database)
            return f"sqlite:///{path if path.is_absolute() else endpoints.parent / path}"
        url = sa.engine.URL.create(
            dialect,
            username=config.get("username"),
            password=config.get("password"),
            host=config.get("url"),
            port=config.get("port"),
            database=database,
        )
        return url.render_as_string(hide_password=False)
    raise StoreError(f"{endpoints}: tracker_store type {kind!r} is not an SQL store; pass --store URL")


def masked(url: str) -> str:
    """The URL with its password replaced by ***."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def read_events(url: str, since: Optional[float] = None) -> Dict[str, List[Dict[str, Any]]]:
    """Every sender's events in stored order (`since`: only events at or after this Unix time)."""
    parsed = sa.engine.make_url(url)
    local = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    if local and not Path(str(parsed.database)).exists():
        raise StoreError(
            f"No tracker store at {parsed.database}: talk to the assistant first (make run or make serve), "
            "or name the store with --store URL"
        )
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                raise StoreError(f"{masked(url)} has no events table: no conversation has been stored there")
            statement = "select sender_id, data from events"
            parameters: Dict[str, Any] = {}
            if since is not None:
                statement += " where timestamp >= :since"
                parameters["since"] = since
            rows = connection.execute(sa.text(statement + " order by id"), parameters)
            events: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
            for sender_id, data in rows:
                events[sender_id].append(json.loads(data))
    except sa.exc.OperationalError as error:
        raise StoreError(f"Cannot read {masked(url)}: {error.orig}") from error
    finally:
        engine.dispose()
    return dict(events)
