"""The schema and the loader: a valid base loads; each kind of mistake is reported with its place."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from core.loader import DEFAULT_DIRECTORY, InvalidKnowledgeBase, load_knowledge_base

GOOD_TOOL: Dict[str, Any] = {
    "name": "Trackly",
    "aliases": ["track ly"],
    "category": "experiment-tracking",
    "secondary_categories": ["model-registry"],
    "summary": "A made-up experiment tracker used by the tests.",
    "description": "It logs parameters and metrics of runs.",
    "best_for": "Tests.",
    "open_source": True,
    "license": "MIT",
    "url": "https://trackly.example.org",
    "language": "Python",
    "offering": "library",
    "popularity": 3,
    "practices": ["experiment_tracking"],
    "alternatives": ["Loggly"],
    "seed_mentions": [],
    "checked": "2026-11",
    "status": "active",
}
OTHER_TOOL = {**GOOD_TOOL, "name": "Loggly", "aliases": [], "alternatives": ["Trackly"]}


def make_base(tmp_path: Path, tools: List[Dict[str, Any]], file: str = "experiment-tracking.yml") -> Path:
    (tmp_path / "tools").mkdir()
    shutil.copy(DEFAULT_DIRECTORY / "categories.yml", tmp_path / "categories.yml")
    (tmp_path / "tools" / file).write_text(yaml.safe_dump({"tools": tools}))
    return tmp_path


def problems(tmp_path: Path, tools: List[Dict[str, Any]], **kwargs: Any) -> List[str]:
    with pytest.raises(InvalidKnowledgeBase) as raised:
        load_knowledge_base(make_base(tmp_path, tools, **kwargs))
    return [str(p) for p in raised.value.problems]


def test_the_project_base_is_valid_and_large_enough():
    kb = load_knowledge_base()
    assert len(kb.tools) >= 250
    assert len({t.category for t in kb.tools}) >= 18


def test_a_valid_base_loads(tmp_path):
    kb = load_knowledge_base(make_base(tmp_path, [GOOD_TOOL, OTHER_TOOL]))
    assert [t.name for t in kb.tools] == ["Trackly", "Loggly"]
    assert kb.find("TRACK-LY").name == "Trackly"


def with_change(**changes: Any) -> Dict[str, Any]:
    tool = copy.deepcopy(GOOD_TOOL)
    tool.update(changes)
    return tool


@pytest.mark.parametrize(
    "tool, reason",
    [
        (with_change(colour="blue"), "colour: extra fields not permitted"),
        (with_change(summary=""), "summary: ensure this value has at least 1 characters"),
        (with_change(summary="x" * 161), "summary: ensure this value has at most 160 characters"),
        (with_change(description="x" * 601), "description: ensure this value has at most 600 characters"),
        (with_change(url="not a url"), "url: invalid or missing URL scheme"),
        (with_change(license="Apache 2"), "license: 'Apache 2' is not a known SPDX id"),
        (with_change(license="MIT OR LicenseRef-"), "license: 'MIT OR LicenseRef-' is not a known SPDX id"),
        (with_change(license="proprietary"), "open_source is true but license is 'proprietary'"),
        (with_change(popularity=9), "popularity: ensure this value is less than or equal to 5"),
        (with_change(offering="cloudy"), "offering: unexpected value"),
        (with_change(alternatives=["Nowhere"]), "alternative 'Nowhere' is not in the knowledge base"),
        (with_change(secondary_categories=["astrology"]), "unknown category 'astrology'"),
        (with_change(category="monitoring"), "category 'monitoring' belongs in monitoring.yml"),
        (with_change(aliases=["loggly"]), "is already used by 'Trackly'"),
        (with_change(checked="2026-13"), "checked: string does not match regex"),
        (with_change(checked="last year"), "checked: string does not match regex"),
        (with_change(checked="2999-01"), "checked: '2999-01' is in the future"),
        (with_change(status="dormant"), "status: unexpected value"),
        ({k: v for k, v in GOOD_TOOL.items() if k != "checked"}, "checked: field required"),
        ({k: v for k, v in GOOD_TOOL.items() if k != "status"}, "status: field required"),
    ],
)
def test_each_mistake_is_reported_with_file_entry_and_reason(tmp_path, tool, reason):
    reported = problems(tmp_path, [tool, OTHER_TOOL])
    assert any(reason in p for p in reported), reported
    assert all("experiment-tracking.yml" in p for p in reported)


def test_an_spdx_expression_may_offer_a_licence_by_reference(tmp_path):
    choice = with_change(license="AGPL-3.0-only OR SSPL-1.0 OR LicenseRef-RSALv2")
    kb = load_knowledge_base(make_base(tmp_path, [choice, OTHER_TOOL]))
    assert kb.find("Trackly").license == "AGPL-3.0-only OR SSPL-1.0 OR LicenseRef-RSALv2"


def test_duplicate_names_differing_in_case_and_spacing_are_caught(tmp_path):
    twin = {**OTHER_TOOL, "name": "TRACK LY"}
    assert any("already used by" in p for p in problems(tmp_path, [GOOD_TOOL, twin]))


def test_broken_yaml_names_the_file(tmp_path):
    base = make_base(tmp_path, [GOOD_TOOL])
    (base / "tools" / "experiment-tracking.yml").write_text("tools: [\n  - name: x")
    with pytest.raises(InvalidKnowledgeBase) as raised:
        load_knowledge_base(base)
    assert "experiment-tracking.yml: -: cannot be read as YAML" in str(raised.value)


def test_every_problem_is_reported_at_once(tmp_path):
    reported = problems(tmp_path, [with_change(summary="", url="nope"), {**OTHER_TOOL, "alternatives": ["Ghost"]}])
    assert len(reported) == 3, reported


# -- categories and their lists -----------------------------------------------------------------
def tool(name: str, category: str, popularity: int, secondary: List[str] = ()) -> Dict[str, Any]:
    return {
        **GOOD_TOOL,
        "name": name,
        "aliases": [],
        "alternatives": [],
        "category": category,
        "secondary_categories": list(secondary),
        "popularity": popularity,
    }


def test_a_category_lists_best_known_first_and_side_jobs_one_step_lower(tmp_path):
    (tmp_path / "tools").mkdir()
    shutil.copy(DEFAULT_DIRECTORY / "categories.yml", tmp_path / "categories.yml")
    files = {
        "model-registry": [tool("Niche Registry", "model-registry", 2), tool("Known Registry", "model-registry", 4)],
        "experiment-tracking": [tool("Famous Tracker", "experiment-tracking", 5, ["model-registry"])],
        "ml-platform": [
            tool("Big Cloud", "ml-platform", 5, ["model-registry", "monitoring", "notebooks"]),
            tool("Small Cloud", "ml-platform", 4, ["model-registry"]),
        ],
    }
    for category, tools in files.items():
        (tmp_path / "tools" / f"{category}.yml").write_text(yaml.safe_dump({"tools": tools}))
    kb = load_knowledge_base(tmp_path)
    ranked = [t.name for t in kb.tools_in("model-registry")]
    # a famous tool doing the job on the side beats an obscure specialist, but not an equally known
    # one; among side jobs, the specialist comes before the all-in-one platform
    assert ranked == ["Known Registry", "Famous Tracker", "Big Cloud", "Small Cloud", "Niche Registry"]


def test_archived_and_discontinued_tools_come_last_however_well_known(tmp_path):
    tools = [
        {**tool("Old Famous", "model-registry", 5), "status": "archived"},
        {**tool("Gone Service", "model-registry", 5), "status": "discontinued"},
        {**tool("Quiet One", "model-registry", 3), "status": "maintenance"},
        tool("Small Living", "model-registry", 2),
    ]
    kb = load_knowledge_base(make_base(tmp_path, tools, file="model-registry.yml"))
    assert [t.name for t in kb.tools_in("model-registry")] == [
        "Quiet One",
        "Small Living",
        "Gone Service",
        "Old Famous",
    ]


def test_every_category_has_tools_of_its_own_and_a_first_page():
    kb = load_knowledge_base()
    primary = {t.category for t in kb.tools}
    for category in kb.categories:
        assert category.id in primary, f"{category.id} is nobody's primary category"
        assert len(kb.tools_in(category.id)) >= 5, category.id


def test_the_model_registry_list_leads_with_registries_not_file_formats():
    kb = load_knowledge_base()
    first_page = [t.name for t in kb.tools_in("model-registry")[:5]]
    assert {"MLflow", "Weights & Biases"} <= set(first_page), first_page
    assert not any(kb.find(name).category == "model-formats" for name in first_page), first_page
    formats = [t.name for t in kb.tools_in("model-formats")[:5]]
    assert {"ONNX", "Safetensors", "pickle"} <= set(formats), formats


def test_a_phrase_names_one_category_only():
    from core.text import compact

    owners: Dict[str, str] = {}
    for category in load_knowledge_base().categories:
        for phrase in [category.id.replace("-", " "), *category.phrases]:
            owner = owners.setdefault(compact(phrase), category.id)
            assert owner == category.id, f"'{phrase}' is a phrase of {owner} and {category.id}"


def test_phrases_are_never_one_ordinary_word():
    ordinary = {
        "data",
        "model",
        "models",
        "tool",
        "tools",
        "pipeline",
        "pipelines",
        "drift",
        "flow",
        "train",
        "deploy",
        "test",
        "version",
        "track",
        "store",
        "serve",
        "platform",
        "lineage",
        "python",
    }
    for category in load_knowledge_base().categories:
        assert not ordinary & {p.lower() for p in category.phrases}, category.id


def test_a_practice_topic_claimed_by_two_categories_is_reported(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "categories.yml").write_text(
        "categories:\n"
        "  - {id: monitoring, label: Monitoring, phrases: [model monitoring], practices: [data_drift]}\n"
        "  - {id: evaluation, label: Evaluation, phrases: [model evaluation], practices: [data_drift]}\n"
    )
    with pytest.raises(InvalidKnowledgeBase) as raised:
        load_knowledge_base(tmp_path)
    assert "practice 'data_drift' is already monitoring's" in str(raised.value)
    assert "evaluation" in str(raised.value)
