"""Rasa's SQL tracker store, configured from the environment with an SQLite default."""
from __future__ import annotations

import logging
import os
from typing import Any, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

logger = logging.getLogger(__name__)
URL_VARIABLE = "TRACKER_STORE_URL"


class EnvironmentSQLTrackerStore(SQLTrackerStore):
    """`TRACKER_STORE_URL` (an SQLAlchemy URL) when set, else the SQLite file `db`."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        db: str = "tracker.db",
        **kwargs: Any,
    ) -> None:
        url = os.environ.get(URL_VARIABLE, "").strip()
        if url:
            logger.info("Tracker store: %s", url.split("@")[-1])
            super().__init__(domain, host=url, **kwargs)
        else:
            logger.info("Tracker store: SQLite file %s", db)
            super().__init__(domain, dialect="sqlite", db=db, **kwargs)
