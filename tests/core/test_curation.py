"""Keeping the base honest: checked dates, retired tools, and alternatives that point both ways."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core import curation
from core.advice import alternatives, best_known, recommend
from core.answers import comparison, status_note, summary
from core.loader import DEFAULT_DIRECTORY, load_knowledge_base
from tests.core.test_loader import GOOD_TOOL, make_base, tool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


# -- checked dates -------------------------------------------------------------------------------
def test_months_between():
    assert curation.months_between("2025-11", "2026-02") == 3
    assert curation.months_between("2026-02", "2026-02") == 0
    assert curation.months_between("2026-03", "2026-02") == -1


def test_stale_lists_entries_checked_long_enough_ago_oldest_first(tmp_path):
    tools = [
        {**tool("Fresh", "model-registry", 3), "checked": "2026-10"},
        {**tool("Older", "model-registry", 3), "checked": "2026-03"},
        {**tool("Oldest", "model-registry", 3), "checked": "2025-01"},
    ]
    kb = load_knowledge_base(make_base(tmp_path, tools, file="model-registry.yml"))
    assert [t.name for t in curation.stale(kb, 6, today="2026-11")] == ["Oldest", "Older"]
    assert [t.name for t in curation.stale(kb, 0, today="2026-11")] == ["Oldest", "Older", "Fresh"]
    age = curation.age(kb, today="2026-11")
    assert age["oldest_check"] == "2025-01" and age["newest_check"] == "2026-10"
    assert age["median_age_months"] == 8
    assert age["status"]["active"] == 3


def test_every_project_entry_has_a_check_date_and_a_status(kb):
    assert all(t.checked <= curation.this_month() for t in kb.tools)
    assert {t.status for t in kb.tools} <= set(curation.STATUSES)


def test_the_stale_command_lists_what_is_due_and_stats_reports_the_age():
    due = cli("stale", "--months", "0")
    assert due.returncode == 0
    assert len(due.stdout.splitlines()) == len(load_knowledge_base().tools)
    assert cli("stale", "--months", "1200").stdout == ""
    stats = json.loads(cli("stats").stdout)
    assert stats["age"]["oldest_check"] <= stats["age"]["newest_check"]
    assert sum(stats["age"]["status"].values()) == stats["tools"]


# -- retired tools -------------------------------------------------------------------------------
def test_retired_tools_are_not_recommended_nor_offered_as_alternatives(kb):
    retired = [t for t in kb.tools if t.retired]
    assert retired, "the base records archived or discontinued projects"
    for gone in retired:
        assert gone not in recommend(kb, gone.category)
        for other in kb.tools_in(gone.category):
            if other is not gone:
                assert gone not in alternatives(kb, other)
        listed = kb.tools_in(gone.category)
        assert all(t.retired for t in listed[listed.index(gone) :]), f"{gone.name} is listed before a living tool"


def test_a_retired_tool_is_named_as_such_after_its_summary(kb):
    for gone in (t for t in kb.tools if t.retired):
        notes = status_note(gone)
        assert [n.response for n in notes] == [f"utter_tool_status_{gone.status}"]
        assert notes[0].variables == {"name": gone.name}
        assert summary(gone, kb).response.startswith("utter_tool_summary")
    active = next(t for t in kb.tools if t.status == "active")
    assert status_note(active) == []


def test_a_comparison_says_which_tool_is_retired_and_never_crowns_it(kb):
    gone = next(t for t in kb.tools if t.retired and t.popularity >= 3)
    living = next(t for t in kb.tools_in(gone.category) if not t.retired and t.popularity < gone.popularity)
    responses = [r.response for r in comparison([gone, living], kb)]
    assert f"utter_tool_status_{gone.status}" in responses
    assert best_known([gone, living]) is living


def test_the_status_responses_exist_in_the_domain():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for status in ("maintenance", "archived", "discontinued"):
        texts = [v["text"] for v in domain["responses"][f"utter_tool_status_{status}"]]
        assert texts and all("{name}" in t for t in texts)


# -- alternatives both ways ----------------------------------------------------------------------
def test_one_way_links_are_found(tmp_path):
    tools = [
        {**tool("Alpha", "model-registry", 3), "alternatives": ["Beta"]},
        {**tool("Beta", "model-registry", 3), "alternatives": []},
        {**tool("Gamma", "model-registry", 3), "alternatives": ["Alpha"]},
    ]
    kb = load_knowledge_base(make_base(tmp_path, tools, file="model-registry.yml"))
    assert [str(link) for link in curation.one_way_links(kb)] == ["Alpha -> Beta", "Gamma -> Alpha"]
    recorded = {("Alpha", "Beta"): "Beta does more", ("Beta", "Gamma"): "gone"}
    assert [str(x) for x in curation.unrecorded_one_way(kb, recorded)] == ["Gamma -> Alpha"]
    assert curation.obsolete_records(kb, recorded) == [("Beta", "Gamma")]


def test_a_recorded_exception_needs_a_reason(tmp_path):
    (tmp_path / curation.ONE_WAY_FILE).write_text("one_way:\n  - {tool: A, alternative: B, reason: ''}\n")
    with pytest.raises(ValueError, match="no reason given"):
        curation.recorded_one_way(tmp_path)


def test_the_project_base_has_no_unexplained_one_way_alternative(kb):
    recorded = curation.recorded_one_way(DEFAULT_DIRECTORY)
    assert [str(x) for x in curation.unrecorded_one_way(kb, recorded)] == []
    assert curation.obsolete_records(kb, recorded) == []
    assert cli("links").returncode == 0


def test_the_good_tool_fixture_carries_the_new_fields():
    assert GOOD_TOOL["checked"] and GOOD_TOOL["status"] == "active"


# -- facts once wrong, checked and fixed -----------------------------------------------------------
def test_a_feature_store_heads_the_feature_store_list(kb):
    first = kb.tools_in("feature-store")[0]
    assert first.category == "feature-store", first.name
    assert kb.find("Redis").category == "databases"


def test_licences_say_what_the_text_says(kb):
    redis = kb.find("Redis")
    assert redis.license.split(" OR ") == ["AGPL-3.0-only", "SSPL-1.0", "LicenseRef-RSALv2"]
    assert all(name in redis.description for name in ("AGPLv3", "SSPLv1", "RSALv2"))
    deepnote = kb.find("Deepnote")
    assert not deepnote.open_source and deepnote.license == "proprietary"
    assert kb.find("Valkey").license == "BSD-3-Clause"


def test_aliases_that_named_other_projects_are_gone(kb):
    assert kb.find("tf") is None  # TensorFlow to some, Terraform to others
    assert kb.find("singularityce") is None  # Sylabs' fork, not Apptainer
    assert kb.find("dynamo-triton").name == "NVIDIA Triton Inference Server"


def test_no_catch_all_category_for_messaging_apis(kb):
    for name in ("Twilio", "Vonage", "Amazon SNS", "Rasa"):
        assert kb.find(name).category == "conversational", name
    assert kb.find("Google Cloud AI APIs").category == "ml-platform"
