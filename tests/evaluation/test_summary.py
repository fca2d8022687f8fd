"""The evaluation summary over a small results directory written the way `rasa test` writes it."""

from __future__ import annotations

import json

from evaluation.summary import E2E_SETS, read_classifier_report, render_summary, summarise, weakest


def label(f1: float, support: int) -> dict:
    return {"precision": f1, "recall": f1, "f1-score": f1, "support": support, "confused_with": {}}


INTENTS = {
    "greet": label(1.0, 10),
    "thanks": label(0.9, 8),
    "compare_tools": label(0.7, 12),
    "inform": label(0.7, 5),
    "deny": label(0.95, 4),
    "list_tools": label(0.6, 9),
    "skip": label(0.8, 3),
    "accuracy": 0.91234,
    "macro avg": {"precision": 0.8, "recall": 0.8, "f1-score": 0.80714, "support": 51},
    "weighted avg": {"precision": 0.8, "recall": 0.8, "f1-score": 0.8, "support": 51},
}
FAQ = {
    "faq/data_drift": label(0.5, 4),
    "faq/version_data": label(1.0, 4),
    "accuracy": 0.75,
    "macro avg": {"precision": 0.75, "recall": 0.75, "f1-score": 0.75, "support": 8},
    "weighted avg": {"precision": 0.75, "recall": 0.75, "f1-score": 0.75, "support": 8},
}
STORIES = {
    "accuracy": 0.98,
    "conversation_accuracy": {"accuracy": 0.9, "correct": 9, "with_warnings": 0, "total": 10},
    "action_listen": label(1.0, 40),
}
RESOLVER = {
    "tools_in_base": 347,
    "positives": 221,
    "top1_accuracy": 1.0,
    "negatives": 62,
    "wrong_match_rate": 0.0,
    "latency_ms": {"p50": 0.109, "p95": 0.356, "p99": 0.603, "max": 4.2},
    "generated_typos": {"typos": 441, "top1": 0.9864, "did_you_mean": 0.0091, "wrong_tool": 0.0023},
}


def results_dir(tmp_path, stories=True):
    (tmp_path / "nlu").mkdir()
    (tmp_path / "nlu" / "intent_report.json").write_text(json.dumps(INTENTS))
    (tmp_path / "nlu" / "response_selection_report.json").write_text(json.dumps(FAQ))
    if stories:
        (tmp_path / "core").mkdir()
        (tmp_path / "core" / "story_report.json").write_text(json.dumps(STORIES))
    return tmp_path


def test_weakest_labels_by_f1_then_fewer_examples():
    assert [w["label"] for w in weakest(INTENTS)] == ["list_tools", "inform", "compare_tools", "skip", "thanks"]
    assert weakest(INTENTS)[0] == {"label": "list_tools", "f1": 0.6, "support": 9}


def test_classifier_report(tmp_path):
    report = read_classifier_report(results_dir(tmp_path) / "nlu" / "intent_report.json")
    assert report["accuracy"] == 0.9123 and report["macro_f1"] == 0.8071 and report["labels"] == 7
    assert read_classifier_report(tmp_path / "missing.json") is None


def test_summary_of_a_results_directory(tmp_path):
    summary = summarise(results_dir(tmp_path), RESOLVER)
    assert summary["nlu"]["response_selection"]["weakest"][0] == {"label": "faq/data_drift", "f1": 0.5, "support": 4}
    assert summary["stories"] == {
        "correct": 9,
        "total": 10,
        "action_accuracy": 0.98,
        "failed_stories": str(tmp_path / "core" / "failed_test_stories.yml"),
    }
    assert summary["resolver"] is RESOLVER
    json.dumps(summary)  # results/eval.json


def test_rendered_summary(tmp_path):
    text = render_summary(summarise(results_dir(tmp_path), RESOLVER))
    assert text.splitlines() == [
        "Intents: accuracy 0.912, macro F1 0.807 over 7 labels",
        "  weakest F1 (examples): list_tools 0.60 (9), inform 0.70 (5), compare_tools 0.70 (12), skip 0.80 (3), "
        "thanks 0.90 (8)",
        "Response selection (faq): accuracy 0.750, macro F1 0.750 over 2 labels",
        "  weakest F1 (examples): faq/data_drift 0.50 (4), faq/version_data 1.00 (4)",
        f"Stories: 9/10 right, action accuracy 0.980; failed: {tmp_path / 'core' / 'failed_test_stories.yml'}",
        "Resolver: top-1 1.000 on 221 cases, wrong matches 0.000 on 62 negatives, p50 0.109 ms, p99 0.603 ms",
        "  generated typos: top-1 0.986 of 441, wrong tool 0.002",
        *[f"End-to-end ({name}): not run" for name, _ in E2E_SETS],  # each set, in make eval's order
    ]
    assert [name for name, _ in E2E_SETS][:3] == ["e2e", "e2e-fresh", "e2e-unseen"]


def test_summary_says_what_did_not_run(tmp_path):
    text = render_summary(summarise(results_dir(tmp_path, stories=False), None))
    assert "Stories: no report (rasa test core did not run)" in text
    assert "Resolver: not run" in text


def test_end_to_end_rates_and_the_kinds_below_target(tmp_path):
    (tmp_path / "e2e.json").write_text(
        json.dumps(
            {
                "set": "tests/data/e2e/first",
                "cases": 3,
                "channels": ["rest", "sms"],
                "rates": {
                    "typos": {
                        "rest": {"passed": 2, "cases": 2, "rate": 1.0},
                        "sms": {"passed": 1, "cases": 2, "rate": 0.5},
                    },
                    "compare": {
                        "rest": {"passed": 1, "cases": 1, "rate": 1.0},
                        "sms": {"passed": 1, "cases": 1, "rate": 1.0},
                    },
                },
            }
        )
    )
    text = render_summary(summarise(results_dir(tmp_path), RESOLVER)).splitlines()
    assert "End-to-end (tests/data/e2e/first, 3 conversations): rest 3/3 (100.0%), sms 2/3 (66.7%)" in text
    assert "  kinds below 95%: typos (sms) 50.0%" in text
    assert "End-to-end (e2e-fresh): not run" in text
