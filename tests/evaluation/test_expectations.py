"""The end-to-end judge: each expectation passes on the answer it names and fails on the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.e2e.expectations import BotMessage, Context, judge, options_after
from evaluation.e2e.run import GROUPINGS, Case, Outcome, load_cases, rates

PERSONAS_SETS = ["personas"] + [f"personas{n}" for n in range(2, 16)]

MLFLOW = BotMessage("utter_tool_summary_open", {"name": "MLflow"})
DRIFT = BotMessage("utter_faq/data_drift")
LABELS = {"monitoring": "Model monitoring and ML observability"}
MONITORING_LIST = BotMessage("utter_tool_list", {"category": LABELS["monitoring"]}, buttons=("Evidently", "WhyLabs"))


@pytest.mark.parametrize(
    "expect, reply",
    [
        ({"tool": "MLflow"}, [MLFLOW]),
        ({"tool": "mlflow"}, [MLFLOW]),
        ({"practice": ["monitoring", "data_drift"]}, [DRIFT]),
        ({"more_practice": "data_drift"}, [BotMessage("utter_more_data_drift")]),
        (
            {"attribute": {"tool": "DVC", "asks": "open_source"}},
            [BotMessage("utter_tool_is_open_source", {"name": "DVC"})],
        ),
        ({"list": ["monitoring"]}, [MONITORING_LIST]),
        (
            {"list_open_source": ["monitoring"]},
            [BotMessage("utter_tool_list_open_source", {"category": LABELS["monitoring"]})],
        ),
        ({"list_open_source": ["monitoring"]}, [BotMessage("utter_tool_list_open_source_of_those")]),
        (
            {"compare": ["MLflow", "DVC"]},
            [
                MLFLOW,
                BotMessage("utter_compare_tool_open", {"name": "MLflow"}),
                BotMessage("utter_compare_tool_open", {"name": "DVC"}),
            ],
        ),
        ({"unknown": "zorbulator"}, [BotMessage("utter_tool_unknown", {"query": "Zorbulator"})]),
        (
            {"did_you_mean": ["Dask"]},
            [BotMessage("utter_tool_did_you_mean", {"query": "dasj"}, buttons=("Dask", "Dash"))],
        ),
        ({"smalltalk": ["thanks", "decline"]}, [BotMessage("utter_default")]),
        ({"out_of_scope": True}, [BotMessage("utter_out_of_scope")]),
        ({"any": [{"tool": "DVC"}, {"tool": "MLflow"}]}, [MLFLOW]),
        (
            {"all": [{"tool": "MLflow"}, {"attribute": {"tool": "MLflow", "asks": "hosting"}}]},
            [MLFLOW, BotMessage("utter_tool_hosting_both", {"name": "MLflow"})],
        ),
        ({"alternatives": "LangSmith"}, [BotMessage("utter_tool_alternatives", {"name": "LangSmith"})]),
        (
            {"alternatives": "LangSmith"},
            [BotMessage("utter_tool_is_closed_with_open_alternatives", {"name": "LangSmith"})],
        ),
    ],
)
def test_an_expectation_passes_on_its_answer(expect, reply):
    assert judge(expect, reply, Context((), LABELS)).passed


@pytest.mark.parametrize(
    "expect, reply",
    [
        ({"tool": "MLflow"}, []),
        ({"tool": "DVC"}, [MLFLOW]),
        ({"practice": ["monitoring"]}, [DRIFT]),
        ({"attribute": {"tool": "DVC", "asks": "licence"}}, [BotMessage("utter_tool_is_open_source", {"name": "DVC"})]),
        ({"list": ["feature-store"]}, [MONITORING_LIST]),
        (
            {"list_open_source": ["feature-store"]},
            [BotMessage("utter_tool_list_open_source", {"category": LABELS["monitoring"]})],
        ),
        ({"compare": ["MLflow", "DVC"]}, [BotMessage("utter_compare_tool_open", {"name": "MLflow"})]),
        ({"unknown": "zorbulator"}, [BotMessage("utter_tool_unknown", {"query": "zorbulator"}), MLFLOW]),
        ({"unknown": "zorbulator"}, [BotMessage("utter_ask_which_tool")]),
        ({"smalltalk": ["thanks"]}, [BotMessage("utter_faq/labeling_data")]),
        ({"out_of_scope": True}, [BotMessage("utter_default"), DRIFT]),
        ({"any": [{"tool": "DVC"}, {"practice": ["x"]}]}, [MLFLOW]),
        ({"all": [{"tool": "MLflow"}, {"attribute": {"tool": "MLflow", "asks": "hosting"}}]}, [MLFLOW]),
        ({"alternatives": "LangSmith"}, [BotMessage("utter_tool_is_closed", {"name": "LangSmith"})]),
    ],
)
def test_an_expectation_fails_on_another_answer(expect, reply):
    verdict = judge(expect, reply, Context((), LABELS))
    assert not verdict.passed and verdict.reason


def test_a_pick_is_judged_against_the_options_shown_before():
    options = options_after([MONITORING_LIST], ())
    assert options == ("Evidently", "WhyLabs")
    assert judge(
        {"tool_from_list": 2}, [BotMessage("utter_tool_summary_closed", {"name": "WhyLabs"})], Context(options)
    ).passed
    assert not judge({"tool_from_list": 3}, [MLFLOW], Context(options)).passed


def test_an_unknown_expectation_is_an_error_not_a_failure():
    with pytest.raises(ValueError):
        judge({"vibes": True}, [MLFLOW])


@pytest.mark.parametrize(
    "folder, at_least",
    [("first", 400), ("fresh", 144), ("unseen", 192)] + [(folder, 216) for folder in PERSONAS_SETS],
)
def test_the_committed_cases_are_well_formed_and_cover_every_kind(folder, at_least):
    cases = load_cases(Path(__file__).resolve().parents[2] / "tests" / "data" / "e2e" / folder)
    assert len(cases) >= at_least
    kinds = {c.kind for c in cases}
    assert kinds == {
        "practice",
        "tool_info",
        "typos",
        "attributes",
        "category_lists",
        "compare",
        "alternatives",
        "unknown_tools",
        "follow_ups",
        "small_talk",
        "out_of_scope",
        "sms",
    }
    assert len({c.id for c in cases}) == len(cases)


@pytest.mark.parametrize("folder", PERSONAS_SETS)
def test_the_personas_sets_name_a_persona_for_every_case_and_a_quarter_run_3_turns_or_more(folder):
    cases = load_cases(Path(__file__).resolve().parents[2] / "tests" / "data" / "e2e" / folder)
    assert {c.persona for c in cases} == {
        "manager",
        "student",
        "non_native",
        "voice",
        "frustrated",
        "long_context",
        "multi_turn",
        "terse",
    }
    assert sum(c.multi_turn for c in cases) >= len(cases) / 4


def test_rates_group_by_persona_and_leave_out_cases_without_one():
    first = Case("tool_info", "a", [{"say": "x", "expect": {"tool": "DVC"}}], persona="voice")
    second = Case("tool_info", "b", [{"say": "x", "expect": {"tool": "DVC"}}] * 3)
    outcomes = [Outcome(first, "rest"), Outcome(second, "rest", failures=[(1, "x", {}, "no")])]
    assert rates(outcomes, GROUPINGS["persona"]) == {"voice": {"rest": {"passed": 1, "cases": 1, "rate": 1.0}}}
    assert rates(outcomes, GROUPINGS["turns"])["3-5 turns"]["rest"]["passed"] == 0
