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
        "FAIL: latency p50 at c=1 (ms) (starter/ours 0.5 >= 1.5)",
        "PASS: messages/s at c=8 (ours/starter 2 >= 1.5)",
        "not measured: latency turn 400 / turn 10 (ours - <= 1.3)",
        "not measured: latency turn 400 / fresh conversations beside it (ours - <= 1.3)",
        "not measured: training from scratch (s) (- <= 180)",
        "not measured: training, nothing changed, median of 3 (s) (- <= 15)",
        "PASS: make train, nothing changed (s) (0.2 <= 15)",
        "PASS: Rasa server RSS (MiB) (900 <= 1228.8)",
        "FAIL: action server RSS (MiB) (250 <= 200)",
        "PASS: held-out intent accuracy (0.936 >= 0.93)",
        "FAIL: held-out response selection accuracy (0.914 >= 0.93)",
    ]


def test_faster_ours_passes_the_latency_target():
    verdicts = verdict_lines(table_rows(figures(ours_p50=30.0, starter_p50=50.0)))
    assert verdicts[0] == "PASS: latency p50 at c=1 (ms) (starter/ours 1.67 >= 1.5)"
    verdicts = verdict_lines(table_rows(figures(ours_p50=40.0, starter_p50=50.0)))
    assert verdicts[0] == "FAIL: latency p50 at c=1 (ms) (starter/ours 1.25 >= 1.5)"


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


def test_a_depth_is_the_median_of_the_turns_near_it():
    from evaluation.bench import depth_figures, depth_point, depth_turns

    latencies = [0.001 * turn for turn in range(1, 21)]  # turn n took n ms
    assert depth_point(latencies, 10, span=2) == 10.0  # turns 8-12
    assert depth_point(latencies, 1, span=2) == 2.0  # turns 1-3: none before the first
    assert depth_point(latencies, 20, span=2) == 19.0  # turns 18-20: none after the last
    failed = latencies[:9] + [math.nan] * 3 + latencies[12:]
    assert math.isnan(depth_point(failed, 11, span=1))  # turns 10-12 all failed
    assert depth_point(failed, 12, span=1) == 13.0  # the failed turns 10-12 left out
    figures = depth_figures(failed, depths=(1, 10, 50))
    assert list(figures["turn_ms"]) == ["1", "10"]  # 50 was never reached
    assert figures["failed_turns"] == 3 and figures["every_turn_ms"][9] is None
    assert depth_turns((1, 400), span=5) == 405


def sweep_figures():
    def depth(at_10, at_400):
        return {"depth": {"turn_ms": {"1": at_10, "10": at_10, "400": at_400}}}

    whole = depth(30.0, 300.0)
    return dict(
        figures(),
        ours={**figures()["ours"], **depth(30.0, 33.0)},
        starter={**figures()["starter"], **depth(20.0, 200.0)},
        ours_whole_session=whole,
    )


def test_the_depth_table_compares_each_bot_with_itself_and_ours_with_the_starter():
    from evaluation.bench import depth_rows, render_rows

    rows = depth_rows(sweep_figures(), depths=(1, 10, 100, 400), base=10)
    assert rows[0] == (
        "turn",
        "ours (ms)",
        "ours_whole_session (ms)",
        "starter (ms)",
        "ours/starter",
        "ours /turn 10",
        "ours_whole_session /turn 10",
        "starter /turn 10",
    )
    assert [row[0] for row in rows[1:]] == ["1", "10", "400"]  # 100 was not measured
    assert rows[-1] == ("400", "33", "300", "200", "0.17", "1.1", "10", "10")
    assert render_rows(rows).splitlines()[1].replace(" ", "").strip("-") == ""


def test_the_turn_400_target_reads_our_depth_sweep():
    verdicts = verdict_lines(table_rows(sweep_figures()))
    assert "PASS: latency turn 400 / turn 10 (ours 1.1 <= 1.3)" in verdicts
    slower = sweep_figures()
    slower["ours"]["depth"]["turn_ms"]["400"] = 40.0
    assert "FAIL: latency turn 400 / turn 10 (ours 1.33 <= 1.3)" in verdict_lines(table_rows(slower))


def test_the_load_table_has_both_bots_and_their_ratios_at_each_concurrency():
    from evaluation.bench import load_rows

    rows = load_rows(figures(), concurrencies=(1, 4, 8))
    assert [row[0] for row in rows] == ["concurrency", "1", "8"]  # 4 not measured
    assert rows[2] == ("8", "100", "50", "2", "20", "10", "2")


def test_the_before_server_reads_whole_sessions():
    import yaml

    from evaluation.bench import ROOT, endpoints_reading_whole_sessions

    text = endpoints_reading_whole_sessions((ROOT / "endpoints.yml").read_text())
    store = yaml.safe_load(text)["tracker_store"]
    assert store["window_turns"] == 0 and store["type"] == "assistant.stores.EnvironmentSQLTrackerStore"
    with pytest.raises(ValueError):
        endpoints_reading_whole_sessions("tracker_store:\n  type: InMemoryTrackerStore\n")


def test_the_rolling_median_leaves_out_failed_turns():
    from evaluation.bench import rolling_median

    assert rolling_median([1.0, None, 3.0, 100.0], span=1) == [1.0, 2.0, 51.5, 51.5]
    assert math.isnan(rolling_median([None], span=1)[0])


def test_the_plots_are_drawn(tmp_path):
    from evaluation.bench import draw_plots

    plots = {"depth": tmp_path / "depth.png", "load": tmp_path / "load.png"}
    figures = sweep_figures()
    for bot in ("ours", "starter", "ours_whole_session"):
        figures[bot]["depth"]["every_turn_ms"] = [10.0, None, 12.0]
    draw_plots(figures, plots)
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in plots.values())


def test_the_deep_conversation_is_compared_with_the_fresh_ones_beside_it():
    from evaluation.bench import depth_figures, depth_rows

    deep = [0.010] * 20 + [0.030] * 20  # turns 21-40 got slower...
    fresh = [0.010] * 20 + [0.025] * 20  # ...and so did the fresh conversations at the same moments
    figures = depth_figures(deep, depths=(10, 30), fresh=fresh)
    assert figures["turn_ms"] == {"10": 10.0, "30": 30.0}
    assert figures["fresh_same_time_ms"] == {"10": 10.0, "30": 25.0}
    assert figures["against_fresh"] == {"10": 1.0, "30": 1.2}
    rows = depth_rows({"ours": {"depth": figures}}, depths=(10, 30), base=10)
    assert rows[0] == ("turn", "ours (ms)", "ours/starter", "ours /turn 10", "ours /fresh")
    assert rows[2] == ("30", "30", "-", "3", "1.2")
