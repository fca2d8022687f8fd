"""`make report` on the scaled-out set-up's PostgreSQL store, which two Rasa servers wrote to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from evaluation.processes import ROOT
from tests.assistant.channels.test_twilio_sms import messages, new_sender, sms
from tests.scale.conftest import say_now

pytestmark = pytest.mark.scale


def test_the_report_reads_postgresql_and_counts_what_both_servers_stored(stack, tmp_path):
    name = "zorb" + "".join("abcdefghijklmnop"[int(c, 16)] for c in uuid.uuid4().hex[:8])  # a name no one knows
    rest_sender, phone = f"report-{uuid.uuid4().hex[:8]}", new_sender()
    assert say_now(stack.servers[0], rest_sender, f"what is {name}?")
    assert say_now(stack.servers[1], rest_sender, "what is data drift?")
    assert messages(sms(stack.servers[1], f"is {name} open source?", phone))

    out = tmp_path / "out"
    # The throwaway cluster trusts every login, so a password in the URL is accepted and must not be shown.
    url = stack.postgres.url.replace("rasa@", "rasa:not-for-the-report@")
    env = {**os.environ, "TRACKER_STORE_URL": url, "REPORT_KEY": "scale"}
    subprocess.run(
        [sys.executable, "-m", "evaluation.report", "--out", str(out)], cwd=ROOT, env=env, check=True, timeout=300
    )
    report = json.loads((out / "report.json").read_text())
    assert report["source"]["store"] == stack.postgres.url.replace("rasa@", "rasa:***@")
    assert "not-for-the-report" not in (out / "report.html").read_text()

    with stack.database.connect() as connection:
        messages_stored = connection.execute(sa.text("select count(*) from events where type_name = 'user'")).scalar()
        senders = connection.execute(
            sa.text("select count(distinct sender_id) from events where type_name = 'user'")
        ).scalar()
        rest = connection.execute(
            sa.text("select count(*) from events where type_name = 'user' and sender_id like 'rest:%'")
        ).scalar()
    assert report["totals"]["messages"] == messages_stored
    assert report["totals"]["users"] == senders
    assert report["channels"]["rest"]["messages"] == rest
    assert report["totals"]["conversations"] >= senders
    assert {"name": name, "count": 2} == {k: v for k, v in _unknown(report, name).items() if k != "example"}
    assert sum(report["outcomes"].values()) == messages_stored
    assert report["practice_topics"].get("data_drift", 0) >= 1
    assert f"{name}\t2\t" in (out / "kb-candidates.tsv").read_text()
    assert (out / "report.html").stat().st_size > 10_000


def _unknown(report, name):
    return next(u for u in report["unknown_tools"] if u["name"].lower() == name)
