"""The pure parts of the turn profile and the scale-out measurement."""

from __future__ import annotations

import pytest

from evaluation.turn_profile import part_figures, render


def turn(total: float, **parts: float):
    return {"total": total, **parts}


def test_each_part_is_the_median_of_the_turns_near_the_depth_and_the_rest_is_what_no_part_took():
    turns = [turn(0.100, nlu=0.030, tracker_load=0.010, action_server_cpu=0.0, events_loaded=50)] * 9
    turns += [turn(0.500, nlu=0.030, tracker_load=0.400, action_server_cpu=0.010, events_loaded=900)] * 9
    early, late = part_figures(turns, 3, span=2), part_figures(turns, 16, span=2)
    assert early["total"] == 100.0 and early["tracker_load"] == 10.0 and early["rest"] == 60.0
    assert late["tracker_load"] == 400.0 and late["events_loaded"] == 900
    assert late["action_server_cpu"] == 10.0  # the mean: it comes in whole clock ticks
    assert part_figures(turns, 40, span=2) == {}  # no turn that deep


def test_the_table_has_a_row_a_part_and_a_column_a_mode_and_depth():
    figures = {"window": {"10": {"total": 90.0}, "400": {"total": 95.0}}, "whole_session": {"10": {"total": 88.0}}}
    lines = render(figures, [10, 400]).splitlines()
    assert lines[0].split() == ["part", "(ms,", "median)", "window", "t10", "window", "t400", "whole_session", "t10"]
    assert next(line for line in lines if line.startswith("total")).split()[1:] == ["90", "95", "88"]


def test_scale_out_rows_give_two_servers_against_one():
    from evaluation.scale_out import rows

    def load(rate: float, p50: float):
        return {"messages_per_second": rate, "latency_ms": {"p50": p50}}

    figures = {"one": {"c8": load(10.0, 800.0)}, "two": {"c8": load(15.0, 500.0)}}
    lines = rows(figures, concurrencies=(8, 16))
    assert len(lines) == 2  # 16 not measured
    assert lines[1].split() == ["8", "10", "15", "1.5", "800", "500", "0.62"]


@pytest.mark.parametrize("depth, median", [(1, 20.0), (2, 25.0), (5, 40.0)])
def test_the_first_and_last_turns_take_the_turns_there_are(depth, median):
    turns = [turn(0.010 * n) for n in range(1, 6)]  # 10, 20, 30, 40, 50 ms
    assert part_figures(turns, depth, span=2)["total"] == median
