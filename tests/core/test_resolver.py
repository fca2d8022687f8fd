"""The resolver's contract table (tests/data/resolver_cases.txt), plus its structural promises."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from core.resolver import Resolver, common_words, default_resolver, plausible_typo, rare_words
from evaluation.resolver_cases import load_cases

CASES = load_cases()


def _ids(section: str):
    return [f"L{c.line}:{c.text}" for c in CASES[section]]


def _tools_and_unknown(case) -> Tuple[List[str], Optional[str]]:
    """An [unknown] row: `text => Name; ? name` (tools, then the unknown name as typed); a row
    with no `=>` finds neither."""
    unknown = [n[1:].strip() for n in case.expected if n.startswith("?")]
    assert len(unknown) <= 1, f"line {case.line}: one unknown name a row"
    return [n for n in case.expected if not n.startswith("?")], (unknown[0] if unknown else None)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return default_resolver()


def test_the_table_is_large_enough():
    assert sum(len(cases) for cases in CASES.values()) >= 200


@pytest.mark.parametrize("case", CASES["tools"], ids=_ids("tools"))
def test_finds_the_tools_in_order_of_mention(resolver, case):
    assert resolver.resolve(case.text).tools == case.expected


@pytest.mark.parametrize("case", CASES["negatives"], ids=_ids("negatives"))
def test_never_matches_ordinary_words_or_unknown_names(resolver, case):
    assert resolver.resolve(case.text).tools == []


@pytest.mark.parametrize("case", CASES["candidates"], ids=_ids("candidates"))
def test_ambiguous_input_gives_candidates_not_a_guess(resolver, case):
    resolution = resolver.resolve(case.text)
    assert resolution.tools == []
    assert set(case.expected) <= set(resolution.candidates)


@pytest.mark.parametrize("case", CASES["unknown"], ids=_ids("unknown"))
def test_reports_the_name_it_does_not_know(resolver, case):
    tools, unknown = _tools_and_unknown(case)
    resolution = resolver.resolve(case.text)
    assert (resolution.tools, resolution.unknown) == (tools, unknown)


@pytest.mark.parametrize("case", CASES["categories"], ids=_ids("categories"))
def test_finds_the_category(resolver, case):
    expected = None if case.expected == ["-"] else case.expected[0]
    assert resolver.resolve(case.text).category == expected


def test_unknown_name_close_to_a_tool_is_a_suggestion_not_a_match(resolver):
    resolution = resolver.resolve("mlfluu")
    assert resolution.tools == []
    assert "MLflow" in resolution.candidates


@pytest.mark.parametrize(
    "typed, name",
    [
        ("mlfow", "mlflow"),  # a letter left out
        ("kubefloww", "kubeflow"),  # one added
        ("zenlm", "zenml"),  # neighbours swapped
        ("mlflpw", "mlflow"),  # the key next to it
        ("langfuze", "langfuse"),  # sounds the same
        ("prefekt", "prefect"),
        ("weightsandbiasis", "weightsandbiases"),
        ("argilaa", "argilla"),  # the wrong letter doubled
        ("terraf", "terraform"),  # a beginning
    ],
)
def test_slips_of_finger_or_ear_are_typos(typed, name):
    assert plausible_typo(typed, name)


@pytest.mark.parametrize(
    "typed, name",
    [
        ("tecson", "tecton"),  # t and s: far apart, and they sound different
        ("metaflox", "metaflow"),
        ("brindlehub", "binderhub"),
        ("qlflow", "mlflow"),
    ],
)
def test_other_letters_make_another_name(typed, name):
    assert not plausible_typo(typed, name)


def test_a_near_name_with_another_letter_is_offered_not_matched(resolver):
    resolution = resolver.resolve("tecson feature store - worth it?")
    assert resolution.tools == []
    assert "Tecton" in resolution.candidates
    assert resolution.unknown == "tecson"


def test_json_shape(resolver):
    assert resolver.resolve("mlflow or wandb?").as_json() == {
        "query": "mlflow or wandb?",
        "tools": ["MLflow", "Weights & Biases"],
        "candidates": [],
        "category": None,
        "unknown": None,
    }
    assert resolver.resolve("is flurbo's licence mit?").as_json()["unknown"] == "flurbo"


@pytest.mark.parametrize("text", ["", "   ", "???", "\u200d\u200d", "🙂🙂", "\x00mlflow", "a" * 100_000])
def test_odd_input_is_answered(resolver, text):
    resolution = resolver.resolve(text)
    assert isinstance(resolution.tools, list)
    assert resolution.unknown is None or isinstance(resolution.unknown, str)


def test_the_rare_words_are_read_apart_from_the_ordinary_ones():
    assert "docket" in rare_words() and "docket" not in common_words()
    assert "perfect" in common_words() and "perfect" not in rare_words()
    assert "[rare]" not in common_words() | rare_words()


def test_a_word_capitalised_inside_a_sentence_is_a_name_though_one_letter_from_english():
    resolver = default_resolver()
    assert resolver.resolve("A consultant told us to move everything to Pipelinr instead.").unknown == "Pipelinr"
    assert resolver.resolve("Pipelinr is down again").unknown is None  # the sentence's first word: maybe a slip


def test_a_licence_the_base_names_is_never_an_unknown_tool():
    assert default_resolver().resolve("hm, busl. alternatives?").unknown is None


def test_the_resolution_keeps_each_run_of_naming_words_as_typed():
    assert default_resolver().resolve("compare mlfow and Kube Flow").naming_phrases == ("mlfow", "Kube Flow")


@pytest.mark.parametrize(
    "text, places",
    [
        ("we serve our models with Seldon Core on our k8s cluster. what is it?", ("Kubernetes",)),
        ("set up Kubeflow on a managed Kubernetes cluster last year", ("Kubernetes",)),
        ("can that one be self-hosted, or does it only run on Google Cloud?", ("Google Cloud",)),
        ("what is kubernetes", ()),  # the subject
        ("we moved to Docker last year", ()),  # where they went, not where something runs
        ("run it on spark", ()),  # a compute engine, not a platform category
    ],
)
def test_a_platform_named_where_something_runs_is_a_place(resolver, text, places):
    assert resolver.resolve(text).places == places


def test_a_platform_is_a_platform_wherever_it_is_named(resolver):
    found = resolver.resolve("we have a kubernetes cluster and use MLflow")
    assert found.platforms == ("Kubernetes",) and found.places == ()


def test_the_resolution_names_the_kinds_of_the_tools_found(resolver):
    kinds = resolver.resolve("Can you tell me something about Marquez?").kinds
    assert kinds and kinds[0] == resolver.kb.find("Marquez").category
    assert resolver.resolve("how do I tune my guitar?").kinds == ()
