"""Picking a tool by what the asker says of it (core/description.py)."""

from __future__ import annotations

import pytest

from core.description import described_tool, describing_words, pick
from core.message import described_one, naming_the_described
from core.resolver import default_resolver


@pytest.fixture(scope="module")
def kb():
    return default_resolver().kb


@pytest.mark.parametrize(
    "text, description",
    [
        ("and the pipelines one?", "pipelines"),
        ("which one is the git-for-a-SQL-database one?", "git-for-a-sql-database"),
        ("and the one Meta makes for the same job?", "meta makes for the same job"),
        ("is the microsoft one free?", "microsoft"),
        ("the second one", None),  # a place in a list
        ("and the other one", None),  # the one not answered about
        ("the old one was slow", None),
        ("the one you mentioned", None),
    ],
)
def test_a_tool_described_instead_of_named(text, description):
    assert described_one(text) == description


def test_the_described_tool_is_called_by_its_name():
    assert naming_the_described("and the pipelines one?", "Kubeflow Pipelines") == "and Kubeflow Pipelines?"
    assert naming_the_described("what is kubeflow", "Kubeflow Pipelines") == "what is kubeflow"


@pytest.mark.parametrize(
    "description, held, expected",
    [
        ("pipelines", ["Kubeflow", "Kubeflow Pipelines"], "Kubeflow Pipelines"),  # a word of its name
        ("git-for-a-sql-database", ["lakeFS", "Dolt"], "Dolt"),  # words of its summary
        ("open source", ["Weights & Biases", "MLflow"], "MLflow"),  # its licence
        ("meta makes for the same job", ["NeMo Guardrails"], "Llama Guard"),  # its maker, among its alternatives
    ],
)
def test_the_tool_the_description_fits_among_those_the_conversation_holds(kb, description, held, expected):
    assert pick(kb, description, held).name == expected


def test_a_description_that_fits_none_better_than_another_picks_none(kb):
    assert pick(kb, "open source", ["MLflow", "DVC"]) is None  # both are
    assert pick(kb, "you mentioned", ["MLflow", "DVC"]) is None  # says nothing of either
    assert pick(kb, "pipelines", []) is None  # nothing held
    assert described_tool(kb, "the one", [kb.find("MLflow")]) is None


def test_describing_words_are_singular_and_leave_the_pointing_out():
    assert describing_words("the git-for-a-SQL-database one") == {"git", "sql", "database"}
    assert describing_words("Meta's pipelines") == {"meta", "pipeline"}
