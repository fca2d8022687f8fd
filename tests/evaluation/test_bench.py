"""The pure parts of the benchmark: percentiles, figures, memory parsing, targets and the table."""

from __future__ import annotations

import math
import os
import subprocess

import pytest

from evaluation.bench import (
    Target,
    load_figures,
    parse_vmrss_kib,
    percentile,
    ratio,
    render_table,
    table_rows,
    tree_rss_mib,
    verdict_lines,
)


@pytest.mark.parametrize(
    "values, p, expected",
    [
        ([5.0], 50, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # unsorted input
        ([1.0, 2.0, 3.0, 4.0, 5.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 100, 5.0),
        ([float(n) for n in range(1, 101)], 95, 95.05),
        ([float(n) for n in range(1, 101)], 99, 99.01),
    ],
)
def test_percentile_interpolates_between_ranks(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan():
    assert math.isnan(percentile([], 50))


def test_load_figures():
    figures = load_figures([0.1, 0.2, 0.3, 0.4], {"timeout": 1, "http 500": 2}, empty=1, seconds=2.0, concurrency=8)
    assert figures == {
        "concurrency": 8,
        "seconds": 2.0,
        "messages": 4,
        "errors": 3,
        "error_kinds": {"timeout": 1, "http 500": 2},
        "empty_replies": 1,
        "messages_per_second": 2.0,
        "latency_ms": {"p50": 250.0, "p95": 385.0, "p99": 397.0},
    }


def test_vmrss_from_proc_status():
    status = "Name:\trasa\nVmPeak:\t 2000 kB\nVmRSS:\t  812344 kB\nRssAnon:\t 700000 kB\n"
    assert parse_vmrss_kib(status) == 812344
    assert parse_vmrss_kib("Name:\tzombie\nState:\tZ (zombie)\n") == 0


def test_tree_rss_of_this_process_is_positive():
    assert tree_rss_mib(os.getpid()) > 1


@pytest.mark.parametrize(
    "target, value, verdict",
    [
        (Target("p50 ratio", ">=", 1.0), 1.0, "PASS"),
        (Target("p50 ratio", ">=", 1.0), 0.99, "FAIL"),
        (Target("training", "<=", 180), 180, "PASS"),
        (Target("training", "<=", 180), 181.5, "FAIL"),
        (Target("training", "<=", 180), None, "not measured"),
        (Target("training", "<=", 180), float("nan"), "not measured"),
    ],
)
def test_target_judgement(target, value, verdict):
    assert target.judge(value) == verdict


def test_ratio_without_a_figure_is_none():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None and ratio(3.0, 0) is None and ratio(float("nan"), 1.0) is None


def figures(ours_p50=100.0, starter_p50=50.0, ours_rate=20.0, starter_rate=10.0):
    def load(p50, rate):
        return {"latency_ms": {"p50": p50, "p95": 2 * p50, "p99": 3 * p50}, "messages_per_second": rate, "errors": 0}

    return {
        "ours": {
            "load": {"c1": load(ours_p50, 5.0), "c8": load(ours_p50, ours_rate)},
            "training": {"not_measured": "--skip-training"},
            "make_train_unchanged_s": 0.2,
            "start_s": 40.0,
            "rss_mib": {"rasa": 900.0, "actions": 250.0},
            "action_call_ms": {"p50": 3.0, "p95": 6.0},
        },
        "starter": {
            "load": {"c1": load(starter_p50, 9.0), "c8": load(starter_p50, starter_rate)},
            "training": {"from_scratch_s": 60.0, "unchanged_s": 9.0},
            "start_s": 12.0,
            "rss_mib": {"rasa": 600.0},
        },
        "held_out": {"intent_accuracy": 0.936, "response_selection_accuracy": 0.914},
    }


def test_verdicts_follow_the_issue_targets():
    assert verdict_lines(table_rows(figures())) == [
        "FAIL: latency p50 at c=1 (ms) (starter/ours 0.5 >= 1)",
        "PASS: messages/s at c=8 (ours/starter 2 >= 1)",
        "not measured: training from scratch (s) (- <= 180)",
        "not measured: training, nothing changed, median of 3 (s) (- <= 15)",
        "PASS: make train, nothing changed (s) (0.2 <= 15)",
        "PASS: Rasa server RSS (MiB) (900 <= 1228.8)",
        "FAIL: action server RSS (MiB) (250 <= 200)",
        "PASS: held-out intent accuracy (0.936 >= 0.93)",
        "FAIL: held-out response selection accuracy (0.914 >= 0.93)",
    ]


def test_faster_ours_passes_the_latency_target():
    verdicts = verdict_lines(table_rows(figures(ours_p50=40.0, starter_p50=50.0)))
    assert verdicts[0] == "PASS: latency p50 at c=1 (ms) (starter/ours 1.25 >= 1)"


def test_table_has_aligned_columns_and_dashes_for_missing_figures():
    table = render_table(table_rows(figures())).splitlines()
    assert table[0].split() == ["metric", "ours", "starter", "ratio", "/", "target", "verdict"]
    assert set(table[1].replace(" ", "")) == {"-"}
    row = next(line for line in table if line.startswith("latency p50 at c=1"))
    assert row[table[0].index("ours") :].split()[:2] == ["100", "50"]  # figures start under their headers
    scratch = next(line for line in table if line.startswith("training from scratch"))
    assert scratch.split()[4:6] == ["-", "60"]  # ours not measured, the starter's figure


def test_training_inputs_are_copied_whole(tmp_path):
    from evaluation.bench import ROOT, copy_training_inputs

    copy_training_inputs(tmp_path / "ours")
    assert sorted(p.name for p in (tmp_path / "ours").iterdir()) == ["config.yml", "data", "domain.yml"]
    copied = sorted(p.relative_to(tmp_path / "ours") for p in (tmp_path / "ours" / "data").rglob("*.yml"))
    assert copied == sorted(p.relative_to(ROOT) for p in (ROOT / "data").rglob("*.yml"))


def test_held_out_accuracy_is_read_only_from_an_evaluation_of_the_current_model(tmp_path):
    import json

    from evaluation import bench

    eval_json, model = tmp_path / "eval.json", tmp_path / "model.tar.gz"
    eval_json.write_text(json.dumps({"nlu": {"intents": {"accuracy": 0.94}, "response_selection": {"accuracy": 0.93}}}))
    model.write_text("model")
    os.utime(eval_json, (1_000, 1_000))  # evaluated long before the model was trained
    assert "older" in bench.held_out_accuracy(eval_json, model)["source"]
    assert "intent_accuracy" not in bench.held_out_accuracy(eval_json, model)
    os.utime(model, (500, 500))
    assert bench.held_out_accuracy(eval_json, model)["intent_accuracy"] == 0.94
    assert "missing" in bench.held_out_accuracy(tmp_path / "none.json", model)["source"]


def test_make_train_is_timed_only_when_the_model_is_up_to_date(tmp_path):
    from evaluation.bench import make_train_unchanged

    (tmp_path / "Makefile").write_text("train: model\nmodel: data\n\techo trained >> log; touch model\n")
    (tmp_path / "data").write_text("x")
    assert make_train_unchanged(tmp_path) is None  # stale: make would train
    assert not (tmp_path / "log").exists()  # and it did not
    subprocess.run(["make", "-s", "train"], cwd=tmp_path, check=True)
    assert isinstance(make_train_unchanged(tmp_path), float)
    assert (tmp_path / "log").read_text() == "trained\n"  # the timed make trained nothing


def test_rounds_are_summed_up_by_their_medians():
    from evaluation.bench import median_of_rounds

    rounds = [
        load_figures([0.1] * 10, {}, empty=0, seconds=1.0, concurrency=8),
        load_figures([0.3] * 30, {"timeout": 1}, empty=2, seconds=1.0, concurrency=8),
        load_figures([0.2] * 20, {}, empty=0, seconds=1.0, concurrency=8),
    ]
    summary = median_of_rounds(rounds)
    assert summary["messages_per_second"] == 20 and summary["latency_ms"]["p50"] == 200.0
    assert summary["errors"] == 1 and summary["empty_replies"] == 2 and summary["messages"] == 60
    assert summary["rounds"] == rounds and summary["concurrency"] == 8


def test_training_with_nothing_changed_is_the_median_of_its_runs(tmp_path, monkeypatch):
    import evaluation.bench as bench

    times = iter([14.0, 9.0, 11.0])
    monkeypatch.setattr(bench, "timed_run", lambda *args: next(times))
    assert bench.unchanged_runs(["rasa", "train"], tmp_path, {}, tmp_path / "log") == {
        "unchanged_s": 11.0,
        "unchanged_runs_s": [14.0, 9.0, 11.0],
    }
