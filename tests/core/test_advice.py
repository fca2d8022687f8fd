"""Ranking alternatives and recommendations over the real knowledge base."""

import pytest

from core.advice import alternatives, best_known, is_open_source, recommend
from core.message import Constraints, Hosting
from core.resolver import default_resolver


@pytest.fixture(scope="module")
def kb():
    return default_resolver().kb


def test_listed_alternatives_come_first_and_the_tool_itself_never(kb):
    airflow = kb.find("airflow")
    ranked = [t.name for t in alternatives(kb, airflow)]
    listed = [kb.find(n).name for n in airflow.alternatives if not kb.find(n).retired]
    assert ranked[: len(listed)] == listed
    assert airflow.name not in ranked


def test_constraints_filter_alternatives(kb):
    ranked = alternatives(kb, kb.find("sagemaker"), Constraints(open_source=True))
    assert ranked and all(is_open_source(t) for t in ranked)
    managed = alternatives(kb, kb.find("mlflow"), Constraints(hosting=Hosting.MANAGED))
    assert managed and all(t.offering in ("managed", "self-hosted-and-managed") for t in managed)


def test_simpler_puts_tools_with_nothing_to_operate_first(kb):
    ranked = alternatives(kb, kb.find("airflow"), Constraints(simpler=True))
    simple = [t.offering != "self-hosted" for t in ranked]
    assert simple == sorted(simple, reverse=True)


def test_recommendation_is_best_known_first_and_fits(kb):
    ranked = recommend(kb, "experiment-tracking", Constraints(open_source=True, hosting=Hosting.SELF_HOSTED))
    assert ranked and all(is_open_source(t) and t.offering != "managed" for t in ranked)
    primary = [t for t in ranked if t.category == "experiment-tracking"]
    assert [t.popularity for t in primary] == sorted((t.popularity for t in primary), reverse=True)


def test_impossible_requirements_recommend_nothing(kb):
    assert recommend(kb, "no-such-category") == []


def test_best_known_needs_a_clear_winner(kb):
    assert best_known([kb.find("mlflow"), kb.find("aim")]).name == "MLflow"
    assert best_known([kb.find("mlflow"), kb.find("mlflow")]) is None
    assert best_known([]) is None
