"""Where one turn's time goes, at turn 10 and at turn 400 of one conversation, with the tracker
store reading a window and reading whole sessions (as before the window).

    python -m evaluation.turn_profile                  # 405 turns (~10 minutes)
    python -m evaluation.turn_profile --turns 120 --depths 10 100

Starts the action server on a free port, loads our model twice in this process (Rasa's `Agent`,
each with our SQL tracker store on a throwaway SQLite file: one with `window_turns` 10, one with
0) and sends both the same conversation (the bench's messages in turn), and beside them fresh
conversations of 20 turns to the windowed one, one turn to each in rotation, so all see the same
machine: `window_fresh` at turn n is what a turn 1-20 deep costs while turn n is measured.

Every turn is timed in parts, by wrapping Rasa's own methods: NLU
(`MessageProcessor.parse_message`, the router's share of it apart), the tracker's load and save
(the store's `retrieve` and `save`), the policies (`MessageProcessor._predict_next_with_tracker`),
the action-server calls (`RemoteAction.run`, round trip), the action server's own CPU time (from
/proc; the mean, as it counts 10 ms ticks), and the rest of the turn. Each part at a depth is the
median of the turns within 5 of it, in ms. Figures taken while other jobs share the CPU are only
comparable within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from evaluation.bench import DEPTH_MESSAGES, DEPTH_SPAN, FRESH_LENGTH
from evaluation.processes import MODEL, ROOT, ActionServer

PARTS = ("nlu", "router", "tracker_load", "tracker_save", "policies", "action_calls", "action_server_cpu")
MODES = {"window": 10, "whole_session": 0}  # name -> window_turns
FRESH = "window_fresh"
DEPTHS = (10, 400)


class Timings:
    """Seconds spent in each part during the current turn (a part timed inside another counts in both)."""

    def __init__(self) -> None:
        self.turn: Dict[str, float] = {}

    def add(self, part: str, seconds: float) -> None:
        self.turn[part] = self.turn.get(part, 0.0) + seconds


TIMINGS = Timings()


def timed(part: str, function: Callable) -> Callable:
    """`function` (sync or async), its time added to `part` of the current turn."""
    if asyncio.iscoroutinefunction(function):

        @functools.wraps(function)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                TIMINGS.add(part, time.perf_counter() - started)

        return async_wrapper

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            TIMINGS.add(part, time.perf_counter() - started)

    return wrapper


def instrument() -> None:
    """Wraps the methods each part is made of, for every agent in this process."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    from assistant.nlu.tool_router import ToolRouter
    from assistant.stores import EnvironmentSQLTrackerStore

    for owner, name, part in (
        (MessageProcessor, "parse_message", "nlu"),
        (MessageProcessor, "_predict_next_with_tracker", "policies"),
        (ToolRouter, "process", "router"),
        (EnvironmentSQLTrackerStore, "retrieve", "tracker_load"),
        (EnvironmentSQLTrackerStore, "save", "tracker_save"),
        (RemoteAction, "run", "action_calls"),
    ):
        setattr(owner, name, timed(part, getattr(owner, name)))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def part_figures(turns: Sequence[Dict[str, float]], depth: int, span: int = DEPTH_SPAN) -> Dict[str, float]:
    """Each part's median (ms) over the turns within `span` of `depth` (turn 1 is turns[0]), and the
    rest of the turn: the total less NLU, tracker load and save, policies and action calls."""
    chosen = turns[max(depth - span, 1) - 1 : depth + span]
    if not chosen:
        return {}
    figures = {part: round(1000 * statistics.median(t.get(part, 0.0) for t in chosen), 2) for part in (*PARTS, "total")}
    rest = [
        t["total"] - sum(t.get(p, 0.0) for p in ("nlu", "tracker_load", "tracker_save", "policies", "action_calls"))
        for t in chosen
    ]
    figures["rest"] = round(1000 * statistics.median(rest), 2)
    # CPU time comes in clock ticks (10 ms): the mean, not the median
    figures["action_server_cpu"] = round(1000 * statistics.mean(t.get("action_server_cpu", 0.0) for t in chosen), 2)
    figures["events_loaded"] = statistics.median(t.get("events_loaded", 0.0) for t in chosen)
    return figures


def render(figures: Dict[str, Dict[str, Dict[str, float]]], depths: Sequence[int]) -> str:
    """A table: one row a part, one column a mode and depth."""
    columns = [(mode, str(depth)) for mode in figures for depth in depths if str(depth) in figures[mode]]
    header = ["part (ms, median)", *(f"{mode} t{depth}" for mode, depth in columns)]
    rows = [header]
    for part in (*PARTS, "rest", "total", "events_loaded"):
        rows.append([part, *(f"{figures[mode][depth].get(part, math.nan):g}" for mode, depth in columns)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


async def run(turns: int, depths: Sequence[int], tmp: Path) -> Dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from assistant import runtime
    from assistant.stores import EnvironmentSQLTrackerStore

    configure_logging_and_warnings(logging.WARNING)  # as `rasa run` logs: debug logging costs more than a turn
    configure_structlog(logging.WARNING)
    runtime.apply()
    instrument()
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_STORE_URL", "LOCK_STORE_URL")}
    actions = ActionServer(dict(env, RASA_TELEMETRY_ENABLED="false"), tmp).start()
    try:
        assert actions.process is not None
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{actions.port}/webhook", enable_selective_domain=True)
        agents = {}
        for mode, window in MODES.items():
            agent = Agent.load(str(MODEL), action_endpoint=endpoint, lock_store=InMemoryLockStore())
            store = EnvironmentSQLTrackerStore(agent.domain, db=str(tmp / f"{mode}.db"), window_turns=window)
            agent.tracker_store = agent.processor.tracker_store = store
            agents[mode] = agent
        # each mode's deep conversation, and beside the window's, fresh ones of FRESH_LENGTH turns that
        # get the same messages at the same moments (what turn ~10 costs while turn n is measured)
        senders = [(mode, mode) for mode in agents] + [(FRESH, "window")]
        measured: Dict[str, List[Dict[str, float]]] = {name: [] for name, _ in senders}
        for warm_up in ("hi", "what is mlflow?", "is it open source?"):
            for agent in agents.values():
                await agent.handle_text(warm_up, sender_id="warm-up")
        for turn in range(turns):
            text = DEPTH_MESSAGES[turn % len(DEPTH_MESSAGES)]
            for name, mode in senders if turn % 2 == 0 else senders[::-1]:
                sender = f"profile-{name}" + (f"-{turn // FRESH_LENGTH}" if name == FRESH else "")
                TIMINGS.turn = {}
                cpu = cpu_seconds(actions.process.pid)
                started = time.perf_counter()
                await agents[mode].handle_text(text, sender_id=sender)
                TIMINGS.add("total", time.perf_counter() - started)
                TIMINGS.add("action_server_cpu", cpu_seconds(actions.process.pid) - cpu)
                measured[name].append(TIMINGS.turn)
                TIMINGS.turn = {}  # what the next turn will load, outside its time
                tracker = await agents[mode].tracker_store.retrieve(sender)
                measured[name][-1]["events_loaded"] = float(len(tracker.events)) if tracker else 0.0
            if (turn + 1) % 50 == 0:
                print(f"turn {turn + 1} of {turns}", file=sys.stderr)
    finally:
        actions.stop()
    return {
        "turns": turns,
        "span": DEPTH_SPAN,
        "modes": MODES,
        "parts_ms": {mode: {str(d): part_figures(measured[mode], d) for d in depths} for mode in measured},
        "every_turn": measured,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.turn_profile", description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=max(DEPTHS) + DEPTH_SPAN, help="turns of the conversation")
    parser.add_argument("--depths", type=int, nargs="+", default=list(DEPTHS), help="turns to report")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "turn-profile.json", help="figures")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"{MODEL} is missing: run make train", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="mlops-assistant-profile-") as tmp:
        figures = asyncio.run(run(args.turns, args.depths, Path(tmp)))
    print(render(figures["parts_ms"], args.depths))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=1) + "\n")
    print(f"\nFigures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
