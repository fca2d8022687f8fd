"""Retention on PostgreSQL, the scaled set-up's store: `python -m assistant.stores prune` (what
`make prune` runs) deletes conversations idle for longer than the retention and keeps the others,
which the servers go on answering."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.stores import EnvironmentSQLTrackerStore
from evaluation.processes import ROOT
from tests.assistant.test_stores import _session
from tests.scale.conftest import say_now, texts

pytestmark = pytest.mark.scale
DAY = 86_400.0


def test_prune_on_postgresql_deletes_old_conversations_and_keeps_the_others(stack, monkeypatch):
    one, two = stack.servers
    assert "DVC" in texts(say_now(one, "retention-recent", "what is dvc?"))
    monkeypatch.setenv("TRACKER_STORE_URL", stack.postgres.url)
    store = EnvironmentSQLTrackerStore(Domain.from_yaml("version: '3.1'\nintents: [greet]"))
    old = DialogueStateTracker("sms:+15550007777", [])
    _session(old, time.time() - 120 * DAY, "a question months ago")
    asyncio.run(store.save(old))
    assert stack.events("sms:+15550007777")

    env = {**os.environ, "TRACKER_STORE_URL": stack.postgres.url, "CONVERSATION_RETENTION_DAYS": "90"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.stores", "prune"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "idle for more than 90 days" in done.stdout and "postgresql" in done.stdout
    assert "PASSWORD" not in done.stdout
    assert stack.events("sms:+15550007777") == []
    assert stack.events("rest:retention-recent")
    assert "DVC" in texts(say_now(two, "retention-recent", "is it open source?"))  # its context is intact
