"""Benchmark: our assistant beside the `rasa init` starter bot, over the REST channel.

    python -m evaluation.bench                         # everything (make bench)
    python -m evaluation.bench --skip-training         # without our training from scratch
    python -m evaluation.bench --quick                 # a quick look: 1 round of 5 s, depth to turn 100
    python -m evaluation.bench --seconds 10 --json /tmp/bench.json

In one run: trains the starter bot in a temporary directory (from scratch, then three times with
nothing changed, reporting the median), optionally does the same for a copy of our training inputs,
starts our Rasa server and action server (free ports, a temporary endpoints file and SQLite tracker
store), the same Rasa server reading whole sessions (`window_turns: 0`, the tracker store as it was
before the window) and the starter's server, then measures:
- the depth sweep: one conversation per bot sent turn after turn to turn 405 (the bench's messages
  in turn), every bot getting turn n before any gets turn n + 1, and beside each deep conversation
  fresh ones of 20 turns that get the same messages at the same moments. Latency at turns 1, 10,
  50, 100, 200 and 400 (the median of the turns within 5 of it), against turn 10 and against the
  fresh conversations, which cancels the machine's drift over the sweep;
- the load sweep: latency p50/p95/p99 and messages per second at concurrency 1, 4, 8 and 16
  (closed loop: each simulated user sends its next message as soon as the reply arrives; every
  conversation is new, under sender ids no earlier round used). Each is measured `--rounds` times
  (3), the bots taking turns and swapping who goes first each round, and the medians are reported:
  one pass could not tell a 5 % gap from the ±20 % the starter itself moves between runs.
Also: server start time, resident memory after the load, and our action server's time per call.
Prints one table with the targets as PASS/FAIL lines (a report, never an exit status), the two
sweeps with their ratios, writes the figures as JSON and draws both sweeps as PNGs in results/.
Held-out accuracy comes from `make eval` (results/eval.json) when present.

Never binds 5005 or 5055. Figures taken while other jobs share the CPU are not comparable across
runs; within a run, the bots are measured interleaved.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from assistant.channels.inbound import conversation_id
from evaluation.processes import MODEL, RASA, ROOT, ActionServer, RasaServer, free_port, stop, wait_for

# Each list is one simulated user's conversation, sent in order; the users cycle through them.
CONVERSATIONS: List[List[str]] = [
    ["hi", "wat is mlfow", "is it open source?", "tell me more", "thanks"],
    ["tell me about kube flow", "what about airflow?", "is it open source?"],
    ["W&B vs neptune", "tell me more", "thanks"],
    ["how do I version data?", "what is data drift?", "tell me more"],
    ["which experiment trackers are there?", "the second one", "is it open source?", "bye"],
    ["hello", "what is dvc", "alternatives to it", "the second one"],
    ["how do i monitor a model in production?", "feast vs tecton", "thanks"],
    ["what is kubeflw", "how do I deploy a model?", "hi"],
]
WARM_UP = ["hi", "what is mlflow?", "how do I version data?", "thanks"]
CONCURRENCIES = (1, 4, 8, 16)
# The depth sweep: one conversation per bot, the mix's messages in turn, to the last depth and a
# little beyond; a depth's figure is the median latency of the turns within DEPTH_SPAN of it.
DEPTHS = (1, 10, 50, 100, 200, 400)
DEPTH_SPAN = 5
DEPTH_MESSAGES = [text for conversation in CONVERSATIONS for text in conversation]
DEPTH_BASE = 10  # the turn the others are compared with
# Fresh conversations of this many turns (depth 1-20, 10.5 on average) run beside the deep one and
# get the same messages at the same moments: the deep turn against them is free of the machine's drift.
FRESH_LENGTH = 20
# Our Rasa server reading whole sessions (window_turns: 0), as before the window: the "before".
WHOLE_SESSION = "ours_whole_session"
PLOTS = {"depth": ROOT / "results" / "bench-depth.png", "load": ROOT / "results" / "bench-load.png"}
REQUEST_TIMEOUT = 30.0
# Our action server, called straight: (what the user says first, the action to time).
ACTION_PROBES: List[Tuple[str, str]] = [
    ("what is mlflow?", "action_tool_info"),
    ("compare dvc and lakefs", "action_compare_tools"),
]
ACTION_CALLS = 200
UNCHANGED_RUNS = 3  # `rasa train` with nothing changed, per bot
MIB = 1024 * 1024
TRAINING_INPUTS = ("config.yml", "domain.yml", "data")
EVAL_JSON = ROOT / "results" / "eval.json"


# ---------------------------------------------------------------- pure parts (tests/evaluation/test_bench.py)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between ranks, NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def load_figures(
    latencies: Sequence[float], errors: Dict[str, int], empty: int, seconds: float, concurrency: int
) -> Dict[str, Any]:
    """Latency percentiles (ms) and messages per second from one closed-loop measurement."""
    return {
        "concurrency": concurrency,
        "seconds": round(seconds, 2),
        "messages": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "empty_replies": empty,
        "messages_per_second": round(len(latencies) / seconds, 2) if seconds > 0 else math.nan,
        "latency_ms": {f"p{p}": round(1000 * percentile(latencies, p), 1) for p in (50, 95, 99)},
    }


def median_of_rounds(rounds: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """One bot's figures at one concurrency over several rounds: the median of each round's
    messages per second and latency percentiles, errors and empty replies summed, every round kept."""
    return {
        "concurrency": rounds[0]["concurrency"],
        "rounds": list(rounds),
        "messages": sum(r["messages"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "empty_replies": sum(r["empty_replies"] for r in rounds),
        "messages_per_second": statistics.median(r["messages_per_second"] for r in rounds),
        "latency_ms": {p: statistics.median(r["latency_ms"][p] for r in rounds) for p in rounds[0]["latency_ms"]},
    }


def depth_turns(depths: Sequence[int] = DEPTHS, span: int = DEPTH_SPAN) -> int:
    """How many turns the depth sweep sends: the deepest point and the span after it."""
    return max(depths) + span


def depth_point(latencies: Sequence[float], depth: int, span: int = DEPTH_SPAN) -> float:
    """The median latency (ms) of turns `depth - span` to `depth + span` (turn 1 is latencies[0]),
    the turns measured of those; NaN when none was (a turn that failed is NaN and left out)."""
    chosen = [v for v in latencies[max(depth - span, 1) - 1 : depth + span] if not math.isnan(v)]
    return round(1000 * statistics.median(chosen), 1) if chosen else math.nan


def depth_figures(
    latencies: Sequence[float], depths: Sequence[int] = DEPTHS, fresh: Optional[Sequence[float]] = None
) -> Dict[str, Any]:
    """One bot's depth sweep: the figure at each depth (ms) and every turn's latency (ms); with the
    fresh conversations' latencies beside it, their figure over the same turns of the sweep and the
    deep conversation's against it at each depth."""
    measured = [d for d in depths if d <= len(latencies)]
    figures: Dict[str, Any] = {
        "turn_ms": {str(d): depth_point(latencies, d) for d in measured},
        "every_turn_ms": [round(1000 * v, 1) if not math.isnan(v) else None for v in latencies],
        "failed_turns": sum(1 for v in latencies if math.isnan(v)),
    }
    if fresh is not None:
        figures["fresh_same_time_ms"] = {str(d): depth_point(fresh, d) for d in measured}
        figures["against_fresh"] = {
            str(d): ratio(figures["turn_ms"][str(d)], figures["fresh_same_time_ms"][str(d)]) for d in measured
        }
        figures["fresh_every_turn_ms"] = [round(1000 * v, 1) if not math.isnan(v) else None for v in fresh]
        figures["failed_turns"] += sum(1 for v in fresh if math.isnan(v))
    return figures


def endpoints_reading_whole_sessions(text: str) -> str:
    """An endpoints.yml text whose tracker store reads whole sessions (`window_turns: 0`)."""
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.strip() == "type: assistant.stores.EnvironmentSQLTrackerStore":
            indent = line[: len(line) - len(line.lstrip())]
            return "".join([*lines[: number + 1], f"{indent}window_turns: 0\n", *lines[number + 1 :]])
    raise ValueError("endpoints.yml names no assistant.stores.EnvironmentSQLTrackerStore")


SweepRow = Tuple[str, ...]


def depth_rows(figures: Dict[str, Any], depths: Sequence[int] = DEPTHS, base: int = DEPTH_BASE) -> List[SweepRow]:
    """The depth sweep's table: each depth's latency for each bot, ours against the starter, each
    bot's latency there against its own at turn `base`, and (when measured) against its fresh
    conversations at the same moments."""
    bots = [name for name in ("ours", WHOLE_SESSION, "starter") if "depth" in figures.get(name, {})]
    fresh = [b for b in bots if "against_fresh" in figures[b]["depth"]]
    header = (
        "turn",
        *(f"{b} (ms)" for b in bots),
        "ours/starter",
        *(f"{b} /turn {base}" for b in bots),
        *(f"{b} /fresh" for b in fresh),
    )
    rows: List[SweepRow] = [header]
    at = {b: figures[b]["depth"]["turn_ms"] for b in bots}
    for depth in depths:
        if not any(str(depth) in at[b] for b in bots):
            continue
        values = [at[b].get(str(depth)) for b in bots]
        mine, starter = at.get("ours", {}).get(str(depth)), at.get("starter", {}).get(str(depth))
        own = [ratio(at[b].get(str(depth)), at[b].get(str(base))) for b in bots]
        same_time = [figures[b]["depth"]["against_fresh"].get(str(depth)) for b in fresh]
        rows.append(
            (str(depth), *map(_cell, values), _cell(ratio(mine, starter)), *map(_cell, own), *map(_cell, same_time))
        )
    return rows


def load_rows(figures: Dict[str, Any], concurrencies: Sequence[int] = CONCURRENCIES) -> List[SweepRow]:
    """The load sweep's table: p50 latency and messages/s of both bots at each concurrency, and the ratios."""
    rows: List[SweepRow] = [
        (
            "concurrency",
            "ours p50 (ms)",
            "starter p50 (ms)",
            "ours/starter",
            "ours msg/s",
            "starter msg/s",
            "ours/starter",
        )
    ]
    for c in concurrencies:
        load = ("load", f"c{c}")
        a, b = (
            _get(figures.get("ours", {}), *load, "latency_ms", "p50"),
            _get(figures.get("starter", {}), *load, "latency_ms", "p50"),
        )
        x, y = (
            _get(figures.get("ours", {}), *load, "messages_per_second"),
            _get(figures.get("starter", {}), *load, "messages_per_second"),
        )
        if a is None and b is None:
            continue
        rows.append((str(c), _cell(a), _cell(b), _cell(ratio(a, b)), _cell(x), _cell(y), _cell(ratio(x, y))))
    return rows


def render_rows(rows: Sequence[SweepRow]) -> str:
    """A plain-text table of string cells, the first row the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths).rstrip())
    return "\n".join(lines)


def rolling_median(values: Sequence[Optional[float]], span: int = DEPTH_SPAN) -> List[float]:
    """Each point's median over the points within `span` of it (None left out), for the depth plot."""
    result = []
    for index in range(len(values)):
        near = [v for v in values[max(index - span, 0) : index + span + 1] if v is not None]
        result.append(statistics.median(near) if near else math.nan)
    return result


def parse_vmrss_kib(status: str) -> int:
    """VmRSS from a /proc/<pid>/status text, in KiB (0 for a process without memory, e.g. a zombie)."""
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _children(pid: int) -> List[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4, after the command in parentheses
                found.append(int(entry.name))
    return found


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (sum of VmRSS; shared pages count twice)."""
    total_kib, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total_kib += parse_vmrss_kib(Path(f"/proc/{current}/status").read_text())
        except OSError:
            continue
        todo.extend(_children(current))
    return round(total_kib / 1024, 1)


@dataclass(frozen=True)
class Target:
    """A goal from the issue: `value <op> limit`, where value is a figure or a ratio of figures."""

    name: str
    op: str  # ">=" or "<="
    limit: float

    def judge(self, value: Optional[float]) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "not measured"
        ok = value >= self.limit if self.op == ">=" else value <= self.limit
        return "PASS" if ok else "FAIL"

    def describe(self) -> str:
        return f"{self.op} {self.limit:g}"


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or denominator is None or denominator == 0:
        return None
    if math.isnan(numerator) or math.isnan(denominator):
        return None
    return round(numerator / denominator, 2)


def _get(figures: Dict[str, Any], *path: str) -> Optional[float]:
    value: Any = figures
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, (int, float)) else None


Row = Tuple[str, Optional[float], Optional[float], str, str]  # metric, ours, starter, target, verdict


# The bar beside the starter bot: p50 at concurrency 1 and throughput at concurrency 8, each 1.5 times.
LOAD_TARGET = 1.5


def table_rows(figures: Dict[str, Any]) -> List[Row]:
    """The rows of the report: (metric, ours, starter, ratio or target, PASS/FAIL or '')."""
    ours, starter = figures.get("ours", {}), figures.get("starter", {})
    rows: List[Row] = []

    def add(
        metric: str, *path: str, target: Optional[Target] = None, value: Optional[Callable] = None, note: str = ""
    ) -> None:
        a, b = _get(ours, *path), _get(starter, *path)
        judged = value(a, b) if value else a
        if target:
            shown = f"{note}{_cell(judged)} {target.describe()}"
            rows.append((metric, a, b, shown, target.judge(judged)))
        else:
            rows.append((metric, a, b, note, ""))

    for c in CONCURRENCIES:
        load = ("load", f"c{c}")
        for p in ("p50", "p95", "p99"):
            target = Target("p50 starter/ours", ">=", LOAD_TARGET) if (c, p) == (1, "p50") else None
            add(
                f"latency {p} at c={c} (ms)",
                *load,
                "latency_ms",
                p,
                target=target,
                value=(lambda a, b: ratio(b, a)) if target else None,
                note="starter/ours " if target else "",
            )
        target = Target("messages/s ours/starter", ">=", LOAD_TARGET) if c == 8 else None
        add(
            f"messages/s at c={c}",
            *load,
            "messages_per_second",
            target=target,
            value=ratio if target else None,
            note="ours/starter " if target else "",
        )
        add(f"errors at c={c}", *load, "errors")
    deepest, base = str(max(DEPTHS)), str(DEPTH_BASE)
    growth = [ratio(_get(f, "depth", "turn_ms", deepest), _get(f, "depth", "turn_ms", base)) for f in (ours, starter)]
    against_fresh = [_get(f, "depth", "against_fresh", deepest) for f in (ours, starter)]
    target = Target("turn latency deepest/base", "<=", 1.3)
    for metric, (a, b) in (
        (f"latency turn {deepest} / turn {base}", growth),
        (f"latency turn {deepest} / fresh conversations beside it", against_fresh),
    ):
        rows.append((metric, a, b, f"ours {_cell(a)} {target.describe()}", target.judge(a)))
    add("training from scratch (s)", "training", "from_scratch_s", target=Target("training", "<=", 180))
    add("training, nothing changed, median of 3 (s)", "training", "unchanged_s", target=Target("retraining", "<=", 15))
    add("make train, nothing changed (s)", "make_train_unchanged_s", target=Target("make retraining", "<=", 15))
    add("server start (s)", "start_s")
    add("Rasa server RSS (MiB)", "rss_mib", "rasa", target=Target("Rasa RSS", "<=", 1.2 * 1024))
    add("action server RSS (MiB)", "rss_mib", "actions", target=Target("action RSS", "<=", 200))
    add("action server per call p50 (ms)", "action_call_ms", "p50")
    add("action server per call p95 (ms)", "action_call_ms", "p95")
    held_out = figures.get("held_out", {})
    for key, metric in (
        ("intent_accuracy", "held-out intent accuracy"),
        ("response_selection_accuracy", "held-out response selection accuracy"),
    ):
        value = _get(held_out, key)
        target = Target(metric, ">=", 0.93)
        rows.append((metric, value, None, f"{_cell(value)} {target.describe()}", target.judge(value)))
    return rows


def _cell(value: Optional[float]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:g}" if isinstance(value, int) or abs(value) >= 1000 else f"{value:.4g}"


def render_table(rows: Sequence[Row]) -> str:
    """A plain-text table, columns padded to their widest cell."""
    header = ("metric", "ours", "starter", "ratio / target", "verdict")
    cells = [header] + [(m, _cell(a), _cell(b), t, v) for m, a, b, t, v in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths).rstrip())
    return "\n".join(lines)


def verdict_lines(rows: Sequence[Row]) -> List[str]:
    """One `PASS|FAIL|not measured: metric (ratio / target)` line per target."""
    return [f"{verdict}: {metric} ({target})" for metric, _, _, target, verdict in rows if verdict]


def held_out_accuracy(eval_json: Path = EVAL_JSON, model: Path = MODEL) -> Dict[str, Any]:
    """Intent and response-selection accuracy from `make eval`'s summary, if it ran on this model."""
    if not eval_json.exists():
        return {"source": f"{eval_json} missing: run make eval"}
    if model.exists() and eval_json.stat().st_mtime < model.stat().st_mtime:
        return {"source": f"{eval_json} is older than {model.name}: run make eval"}
    nlu = json.loads(eval_json.read_text()).get("nlu", {})
    return {
        "source": str(eval_json),
        "intent_accuracy": (nlu.get("intents") or {}).get("accuracy"),
        "response_selection_accuracy": (nlu.get("response_selection") or {}).get("accuracy"),
    }


# ---------------------------------------------------------------- processes and load


def rasa_env(tmp: Path) -> Dict[str, str]:
    """The environment both bots run in: no token, no Redis, conversations in a throwaway SQLite file."""
    env = {k: v for k, v in os.environ.items() if k not in ("LOCK_STORE_URL", "REST_TOKEN", "RASA_AUTH_TOKEN")}
    env.update(
        TRACKER_STORE_URL=f"sqlite:///{tmp / 'tracker.db'}",
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    return env


def timed_run(command: List[str], cwd: Path, env: Dict[str, str], log: Path) -> float:
    """Runs a command to the end (its output to `log`) and returns its wall-clock seconds."""
    started = time.monotonic()
    with open(log, "a") as out:
        subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    return round(time.monotonic() - started, 1)


def unchanged_runs(
    command: List[str], cwd: Path, env: Dict[str, str], log: Path, runs: int = UNCHANGED_RUNS
) -> Dict[str, Any]:
    """`rasa train` again with nothing changed, `runs` times: the median, and every run (one run
    moved by ±15 % between benches)."""
    seconds = [timed_run(command, cwd, env, log) for _ in range(runs)]
    return {"unchanged_s": statistics.median(seconds), "unchanged_runs_s": seconds}


def train_starter(directory: Path, env: Dict[str, str], log: Path) -> Dict[str, float]:
    """`rasa init --no-prompt` trains the new project once in a fresh directory (an empty cache in its
    .rasa/): that is the from-scratch time; a second `rasa train` there is the nothing-changed time."""
    print(f"Starter bot: rasa init and training in {directory}", file=sys.stderr)
    directory.mkdir()  # `rasa init --no-prompt` wants an existing directory
    scratch = timed_run([str(RASA), "init", "--no-prompt", "--init-dir", str(directory)], directory.parent, env, log)
    return {"from_scratch_s": scratch, **unchanged_runs([str(RASA), "train"], directory, env, log)}


def make_train_unchanged(root: Path = ROOT) -> Optional[float]:
    """Wall-clock seconds of `make train` when the model is up to date (what `make run` pays before
    it starts); None when the model is stale, because then make would train."""
    if (
        subprocess.run(
            ["make", "-q", "train"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).returncode
        != 0
    ):
        return None
    started = time.monotonic()
    subprocess.run(["make", "-s", "train"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    return round(time.monotonic() - started, 2)


def copy_training_inputs(directory: Path) -> None:
    """Our config, domain and data in a new directory: a `rasa train` there starts with an empty cache."""
    directory.mkdir()
    for name in TRAINING_INPUTS:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, directory / name)


def train_ours(directory: Path, env: Dict[str, str], log: Path) -> Dict[str, float]:
    """`rasa train` on a copy of our training inputs in a fresh directory (empty cache), then again."""
    copy_training_inputs(directory)
    env = dict(env, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    command = [str(RASA), "train", "--num-threads", "2", "--out", "models"]
    print(f"Our bot: rasa train from scratch in {directory} (a few minutes)", file=sys.stderr)
    scratch = timed_run(command, directory, env, log)
    return {"from_scratch_s": scratch, **unchanged_runs(command, directory, env, log)}


def pid_of(server: Any) -> int:
    """The process id of a started server (ours or the starter bot's)."""
    assert server.process is not None, "start it first"
    return int(server.process.pid)


class StarterServer:
    """`rasa run --enable-api` in the starter bot's directory (it has no custom actions)."""

    def __init__(self, directory: Path, env: Dict[str, str], log: Path) -> None:
        self.directory, self.env, self.log = directory, env, log
        self.port = free_port()
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StarterServer:
        with open(self.log, "a") as output:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [str(RASA), "run", "--enable-api", "--port", str(self.port)],
                cwd=self.directory,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(f"{self.url}/webhooks/rest/", self.process)
        return self

    def stop(self) -> None:
        stop(self.process)


def timed_start(server: Any) -> float:
    started = time.monotonic()
    server.start()
    return round(time.monotonic() - started, 1)


async def _say(session: Any, url: str, sender: str, text: str) -> Tuple[int, Any]:
    """One message over REST: the status and, when it is 200, the reply's JSON."""
    import aiohttp

    async with session.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
    ) as reply:
        return reply.status, (await reply.json(content_type=None) if reply.status == 200 else None)


async def _user(
    number: int,
    url: str,
    until: float,
    latencies: List[float],
    errors: Dict[str, int],
    empty: List[int],
    session: Any,
    label: str,
) -> None:
    import aiohttp

    conversation = number
    while time.monotonic() < until:
        sender = f"bench-{label}-{number}-{conversation}"
        for text in CONVERSATIONS[conversation % len(CONVERSATIONS)]:
            if time.monotonic() >= until:
                return
            started = time.monotonic()
            try:
                status, body = await _say(session, url, sender, text)
                if status != 200:
                    errors[f"http {status}"] = errors.get(f"http {status}", 0) + 1
                    continue
                latencies.append(time.monotonic() - started)
                empty[0] += not body
            except asyncio.TimeoutError:
                errors["timeout"] = errors.get("timeout", 0) + 1
            except aiohttp.ClientError as error:
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
        conversation += len(CONVERSATIONS)


async def measure(url: str, concurrency: int, seconds: float, label: str) -> Dict[str, Any]:
    """Closed loop: `concurrency` users, each sending its next message when the last reply came."""
    import aiohttp

    latencies: List[float] = []
    errors: Dict[str, int] = {}
    empty = [0]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        for text in WARM_UP:  # not counted: first calls load lazily built parts
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": f"bench-{label}-warm-up", "message": text}
            ) as reply:
                await reply.read()
        started = time.monotonic()
        await asyncio.gather(
            *(
                _user(n, url, started + seconds, latencies, errors, empty, session, f"{label}-c{concurrency}")
                for n in range(concurrency)
            )
        )
        elapsed = time.monotonic() - started
    return load_figures(latencies, errors, empty[0], elapsed, concurrency)


async def depth_sweep(
    bots: Sequence[Tuple[str, str]], turns: int, label: str
) -> Tuple[Dict[str, List[float]], Dict[str, List[float]]]:
    """One deep conversation per bot, `turns` messages long, and beside it fresh conversations of
    FRESH_LENGTH turns each, one after the other, that get the same messages at the same moments:
    every conversation gets turn n before any gets turn n + 1, in an order that flips each turn, and
    each message is sent when the reply to the last came. A warm-up conversation per bot comes first
    and is not counted. Each turn's latency in seconds (NaN when it failed), of the deep
    conversations and of the fresh ones."""
    import aiohttp

    deep: Dict[str, List[float]] = {name: [] for name, _ in bots}
    fresh: Dict[str, List[float]] = {name: [] for name, _ in bots}
    senders = [(name, url, kind) for name, url in bots for kind in ("deep", "fresh")]
    async with aiohttp.ClientSession() as session:
        for name, url in bots:  # not counted: a server's first message (~400 ms) loads lazily built parts
            for text in WARM_UP:
                await _say(session, url, f"bench-depth-{label}-{name}-warm-up", text)
        for turn in range(turns):
            text = DEPTH_MESSAGES[turn % len(DEPTH_MESSAGES)]
            for name, url, kind in senders if turn % 2 == 0 else senders[::-1]:
                sender = f"bench-depth-{label}-{name}" + (f"-fresh-{turn // FRESH_LENGTH}" if kind == "fresh" else "")
                started = time.monotonic()
                try:
                    status, _ = await _say(session, url, sender, text)
                    latency = time.monotonic() - started if status == 200 else math.nan
                except (asyncio.TimeoutError, aiohttp.ClientError):
                    latency = math.nan
                (deep if kind == "deep" else fresh)[name].append(latency)
            if (turn + 1) % 50 == 0:
                print(f"Depth sweep: turn {turn + 1} of {turns}", file=sys.stderr)
    return deep, fresh


def draw_plots(figures: Dict[str, Any], plots: Dict[str, Path] = PLOTS) -> None:
    """The depth sweep (latency by turn) and the load sweep (p50 and messages/s by concurrency) as PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = {"ours": "ours", WHOLE_SESSION: "ours reading whole sessions (before)", "starter": "rasa init starter"}
    figure, axes = plt.subplots(figsize=(9, 5.5))
    for bot, title in names.items():
        depth = figures.get(bot, {}).get("depth")
        if not depth:
            continue
        every = depth["every_turn_ms"]
        turns = range(1, len(every) + 1)
        (line,) = axes.plot(turns, rolling_median(every), label=title)
        axes.scatter(turns, [math.nan if v is None else v for v in every], s=2, alpha=0.25, color=line.get_color())
        points = depth["turn_ms"]
        axes.plot([int(d) for d in points], list(points.values()), "o", color=line.get_color())
        if depth.get("fresh_every_turn_ms"):
            axes.plot(
                turns,
                rolling_median(depth["fresh_every_turn_ms"]),
                "--",
                linewidth=0.8,
                color=line.get_color(),
                label=f"{title}: fresh conversations at the same moments",
            )
    axes.set_xlabel("turn of one conversation")
    axes.set_ylabel("latency (ms), median of 11 turns")
    axes.set_title("Latency by turn, one sender, REST (make bench)")
    lines = [v for line in axes.get_lines() for v in line.get_ydata() if not math.isnan(v)]
    axes.set_ylim(0, 1.3 * max(lines, default=1.0))  # single slow turns (dots) beyond it are left out
    axes.legend(fontsize="small")
    figure.tight_layout()
    plots["depth"].parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(plots["depth"], dpi=100)
    plt.close(figure)

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(9, 4))
    for bot in ("ours", "starter"):
        load = figures.get(bot, {}).get("load", {})
        levels = sorted(int(key[1:]) for key in load)
        if not levels:
            continue
        latency.plot(levels, [load[f"c{c}"]["latency_ms"]["p50"] for c in levels], "o-", label=names[bot])
        throughput.plot(levels, [load[f"c{c}"]["messages_per_second"] for c in levels], "o-", label=names[bot])
    for axis, label in ((latency, "p50 latency (ms)"), (throughput, "messages per second")):
        axis.set_xlabel("concurrent users (closed loop)")
        axis.set_ylabel(label)
        axis.set_xscale("log", base=2)
        axis.set_xticks(list(CONCURRENCIES))
        axis.set_xticklabels([str(c) for c in CONCURRENCIES])
        axis.set_ylim(bottom=0)
        axis.legend()
    figure.suptitle("Load sweep, REST (make bench)")
    figure.tight_layout()
    figure.savefig(plots["load"], dpi=100)
    plt.close(figure)


async def action_call_times(rasa_url: str, actions_url: str, calls: int) -> Dict[str, Any]:
    """Times POSTs straight to our action server with real trackers: one short conversation per probe
    through the Rasa server, its tracker and the domain from the HTTP API, then `calls` calls in turn."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(f"{rasa_url}/domain", headers={"Accept": "application/json"}) as reply:
            domain = await reply.json()
        bodies = []
        for number, (text, action) in enumerate(ACTION_PROBES):
            sender = f"bench-action-probe-{number}"
            async with session.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}):
                pass
            conversation = conversation_id("rest", sender)
            async with session.get(f"{rasa_url}/conversations/{conversation}/tracker") as reply:
                tracker = await reply.json()
            bodies.append(
                {
                    "next_action": action,
                    "sender_id": conversation,
                    "tracker": tracker,
                    "domain": domain,
                    "version": "3.6.21",
                }
            )
        timings: List[float] = []
        failures = 0
        for call in range(calls):
            started = time.monotonic()
            async with session.post(f"{actions_url}/webhook", json=bodies[call % len(bodies)]) as reply:
                answer = await reply.json(content_type=None)
            timings.append(time.monotonic() - started)
            failures += reply.status != 200 or not (answer or {}).get("responses")
    return {
        "calls": calls,
        "actions": [action for _, action in ACTION_PROBES],
        "failures": failures,
        "p50": round(1000 * percentile(timings, 50), 2),
        "p95": round(1000 * percentile(timings, 95), 2),
    }


def run_bench(
    seconds: float, skip_training: bool, keep: bool, rounds: int = 3, depths: Sequence[int] = DEPTHS
) -> Dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="mlops-assistant-bench-"))
    print(f"Bench files and logs: {tmp}", file=sys.stderr)
    env = rasa_env(tmp)
    ours: Dict[str, Any] = {"load": {}}
    starter: Dict[str, Any] = {"load": {}}
    whole_session: Dict[str, Any] = {}
    started: List[Any] = []
    finished = False
    try:
        starter["training"] = train_starter(tmp / "starter", env, tmp / "starter-training.log")
        ours["training"] = (
            {"not_measured": "--skip-training"}
            if skip_training
            else train_ours(tmp / "ours", env, tmp / "ours-training.log")
        )
        ours["make_train_unchanged_s"] = make_train_unchanged()

        actions = ActionServer(env, tmp)
        ours["actions_start_s"] = timed_start(actions)
        started.append(actions)
        server = RasaServer(env, tmp, actions=actions)
        ours["start_s"] = timed_start(server)
        started.append(server)
        other = StarterServer(tmp / "starter", env, tmp / "starter.log")
        starter["start_s"] = timed_start(other)
        started.append(other)
        # the same server reading whole sessions, for the depth sweep's "before"; a database of its own
        whole_env = dict(env, TRACKER_STORE_URL=f"sqlite:///{tmp / 'tracker-whole-session.db'}")
        whole = RasaServer(whole_env, tmp, name="rasa-whole-session", actions=actions)
        Path(whole.endpoints).write_text(endpoints_reading_whole_sessions(Path(whole.endpoints).read_text()))
        whole.start()
        started.append(whole)

        sweep = [("ours", server.url), (WHOLE_SESSION, whole.url), ("starter", other.url)]
        turns = depth_turns(depths)
        print(f"Depth sweep: {turns} turns of a deep and fresh conversations per bot, in turn", file=sys.stderr)
        by_name = {"ours": ours, WHOLE_SESSION: whole_session, "starter": starter}
        deep, fresh = asyncio.run(depth_sweep(sweep, turns, "sweep"))
        for name, latencies in deep.items():
            by_name[name]["depth"] = depth_figures(latencies, depths, fresh[name])
        whole.stop()
        started.remove(whole)

        bots = [("ours", ours, server.url), ("starter", starter, other.url)]
        for concurrency in CONCURRENCIES:
            measured: Dict[str, List[Dict[str, Any]]] = {"ours": [], "starter": []}
            for number in range(rounds):  # the bots take turns, and each round swaps who goes first
                for label, _, url in bots if number % 2 == 0 else bots[::-1]:
                    print(
                        f"Measuring {label} at concurrency {concurrency} for {seconds:g} s "
                        f"(round {number + 1} of {rounds})",
                        file=sys.stderr,
                    )
                    measured[label].append(asyncio.run(measure(url, concurrency, seconds, f"{label}-r{number}")))
            for label, figures, _ in bots:
                figures["load"][f"c{concurrency}"] = median_of_rounds(measured[label])

        ours["rss_mib"] = {"rasa": tree_rss_mib(pid_of(server)), "actions": tree_rss_mib(pid_of(actions))}
        starter["rss_mib"] = {"rasa": tree_rss_mib(pid_of(other))}
        ours["action_call_ms"] = asyncio.run(
            action_call_times(server.url, f"http://127.0.0.1:{actions.port}", ACTION_CALLS)
        )
        finished = True
    finally:
        for process in reversed(started):
            process.stop()
        if finished and not keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif not finished:
            print(f"Bench stopped; logs kept in {tmp}", file=sys.stderr)
    return {
        "ours": ours,
        "starter": starter,
        WHOLE_SESSION: whole_session,
        "depths": list(depths),
        "depth_span": DEPTH_SPAN,
        "held_out": held_out_accuracy(),
        "seconds_per_measurement": seconds,
        "rounds": rounds,
        "concurrency": list(CONCURRENCIES),
        "cpus": os.cpu_count(),
        "model": str(MODEL.relative_to(ROOT)),
        "messages_in_mix": sum(len(c) for c in CONVERSATIONS),
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--plot", type=Path, help="only draw the plots again from this figures JSON")
    parser.add_argument("--seconds", type=float, default=15, help="length of each load measurement (s)")
    parser.add_argument("--skip-training", action="store_true", help="do not time our training from scratch")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "bench.json", help="where to write figures")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, starter bot)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measurements of each bot at each concurrency, taken in turns; medians are reported",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a quick look: no training from scratch, 1 round of 5 s, the depth sweep to turn 100",
    )
    args = parser.parse_args(argv)
    if args.plot:
        draw_plots(json.loads(args.plot.read_text()))
        return 0
    if not MODEL.exists():
        print(f"{MODEL} is missing: run make train", file=sys.stderr)
        return 1

    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    depths: Sequence[int] = DEPTHS
    if args.quick:
        args.skip_training, args.rounds, args.seconds = True, 1, min(args.seconds, 5)
        depths = tuple(d for d in DEPTHS if d <= 100)
    figures = run_bench(args.seconds, args.skip_training, args.keep, args.rounds, depths)
    rows = table_rows(figures)
    print(render_table(rows))
    print()
    print("Latency by turn of one conversation (median of the turns within 5 of it):")
    print(render_rows(depth_rows(figures, depths)))
    print()
    print("Load sweep (closed loop, medians of the rounds):")
    print(render_rows(load_rows(figures)))
    print()
    print("\n".join(verdict_lines(rows)))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(dict(figures, verdicts=verdict_lines(rows)), indent=2) + "\n")
    draw_plots(figures)
    print(f"\nFigures: {args.json}; plots: {', '.join(str(p) for p in PLOTS.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
