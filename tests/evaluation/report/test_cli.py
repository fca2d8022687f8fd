"""`python -m evaluation.report` on a store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import argparse
import json

import pytest

from evaluation.report.cli import main, parse_since
from tests.evaluation.report.events import T0, bot, session, slot, user
from tests.evaluation.report.test_store import rasa_store

NOW = 1_800_000_000.0


def test_since_takes_hours_days_weeks_or_a_date():
    assert parse_since(None, NOW) == (None, "everything stored")
    assert parse_since("30d", NOW)[0] == NOW - 30 * 86400
    assert parse_since("12h", NOW)[0] == NOW - 12 * 3600
    assert parse_since("2w", NOW)[0] == NOW - 14 * 86400
    assert parse_since("2026-11-01", NOW) == (1_793_491_200.0, "since 2026-11-01")
    with pytest.raises(argparse.ArgumentTypeError, match="30d"):
        parse_since("last month", NOW)


@pytest.fixture
def store(tmp_path):
    return rasa_store(
        tmp_path / "tracker.db",
        {
            "rest:ada": session(T0)
            + [
                user("what is zorbulator? call +44 20 7946 0958", "ask_tool_info", T0 + 1),
                bot("utter_tool_unknown", T0 + 1.2, query="zorbulator"),
                slot("tools", [], T0 + 1.2),
                user("explain plate tectonics", "nlu_fallback", T0 + 2, confidence=0.4, ranking=[("greet", 0.3)]),
                bot("utter_default", T0 + 2.1),
            ],
        },
    )


def test_it_writes_the_page_the_figures_the_inbox_and_the_candidates(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPORT_KEY", "k")
    assert main(["--store", store, "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["messages"] == 2 and report["outcomes"]["fallback"] == 1
    assert report["source"]["store"] == store and report["source"]["period"] == "everything stored"
    assert "zorbulator\t1\twhat is zorbulator? call <phone>" in (out / "kb-candidates.tsv").read_text()
    assert "  - intent: greet\n    examples: |\n      - explain plate tectonics\n" in (out / "inbox.yml").read_text()
    assert "messages 2," in capsys.readouterr().out


def test_aggregates_only_removes_an_earlier_inbox_and_writes_no_text(store, tmp_path, monkeypatch):
    monkeypatch.delenv("REPORT_KEY", raising=False)
    out = tmp_path / "out"
    assert main(["--store", store, "--out", str(out)]) == 0
    assert main(["--store", store, "--out", str(out), "--aggregates-only"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json"]
    for path in out.iterdir():
        assert "plate tectonics" not in path.read_text() and "7946" not in path.read_text()
    assert "a random key for this run" in (out / "report.html").read_text()


def test_since_after_every_event_gives_an_empty_report_not_an_error(store, tmp_path):
    assert main(["--store", store, "--out", str(tmp_path / "out"), "--since", "2099-01-01"]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["totals"]["messages"] == 0 and report["reply_seconds"]["median"] is None


def test_a_missing_store_exits_2_with_the_reason(tmp_path, capsys):
    assert main(["--store", f"sqlite:///{tmp_path / 'none.db'}", "--out", str(tmp_path / "out")]) == 2
    assert "make run or make serve" in capsys.readouterr().err


def test_a_bad_period_is_refused_by_the_parser(store, tmp_path):
    with pytest.raises(SystemExit) as exit:
        main(["--store", store, "--out", str(tmp_path), "--since", "yesterday"])
    assert exit.value.code == 2
