"""Runs the end-to-end conversation set against the real servers, over REST and over signed SMS.

    python -m evaluation.e2e                       # start the servers, run every case on both channels
    python -m evaluation.e2e --kind typos -v       # one kind, every failure printed
    python -m evaluation.e2e --url http://...      # servers already running (SMS needs TWILIO_AUTH_TOKEN there)
    python -m evaluation.e2e --cases tests/data/e2e/fresh --name e2e-fresh   # another set, its own result files
    python -m evaluation.e2e --store sqlite:///$PWD/results/e2e-store.db  # keep the conversations (make report)

Each case is one conversation (a new sender) on each channel. After every turn the runner reads
the bot messages of that turn from the server's tracker (the response names and variables Rasa
records) and judges them (evaluation/e2e/expectations.py); over SMS it also checks the TwiML the user
would get: at least one message, at most three, at most 1,600 characters. Prints the pass rate
per kind and channel, writes results/e2e.json and every failure to results/e2e-failures.txt.
A report, not a test: it fails only when it cannot run, or with --min-rate when a kind is below it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote, urlencode

import requests
import yaml

from assistant.channels.inbound import conversation_id
from evaluation.e2e.expectations import BotMessage, Context, Verdict, judge, options_after
from evaluation.processes import ROOT, ActionServer, RasaServer

CASES = ROOT / "tests" / "data" / "e2e" / "first"
TWILIO_TOKEN = "e2e-twilio-auth-token"
TWILIO_PUBLIC_URL = "https://sms.example.org/webhooks/twilio/webhook"
CHANNELS = ("rest", "sms")
SMS_MAX_MESSAGES, SMS_MAX_CHARS = 3, 1600


@dataclass
class Case:
    kind: str
    id: str
    turns: List[Dict[str, Any]]
    persona: Optional[str] = None  # who wrote it, in the sets whose brief names personas

    @property
    def multi_turn(self) -> bool:
        """3 turns or more: the briefs ask that the last of them needs the earlier ones."""
        return len(self.turns) >= 3


@dataclass
class Outcome:
    case: Case
    channel: str
    failures: List[Tuple[int, str, Any, str]] = field(default_factory=list)  # (turn, said, expected, why)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_cases(directory: Path = CASES, kinds: Sequence[str] = ()) -> List[Case]:
    """Every case of every file under `directory`, checked for shape so a bad file fails with its
    name and case."""
    cases: List[Case] = []
    for path in sorted(directory.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kind = data["kind"]
        if kinds and kind not in kinds:
            continue
        for raw in data["cases"]:
            turns = raw.get("turns") or []
            if not turns or any(set(t) != {"say", "expect"} or len(t["expect"]) != 1 for t in turns):
                raise ValueError(f"{path.name}: case {raw.get('id')}: every turn needs `say` and one `expect`")
            persona = raw.get("persona")
            cases.append(Case(kind, str(raw["id"]), turns, None if persona is None else str(persona)))
    return cases


def category_labels() -> Dict[str, str]:
    from core.loader import default_knowledge_base

    return {c.id: c.label for c in default_knowledge_base().categories}


class Conversation:
    """One sender on one channel of a running Rasa server."""

    def __init__(self, url: str, channel: str, session: requests.Session) -> None:
        self.url, self.channel, self.session = url, channel, session
        self.sender = f"+1555{uuid.uuid4().int % 10_000_000:07d}" if channel == "sms" else f"e2e-{uuid.uuid4().hex}"
        self.signer: Any = None
        if channel == "sms":
            from twilio.request_validator import RequestValidator

            self.signer = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN", TWILIO_TOKEN))

    def say(self, text: str) -> Optional[str]:
        """Sends one message; returns what is wrong with the channel's reply, or None."""
        if self.channel == "rest":
            reply = self.session.post(
                f"{self.url}/webhooks/rest/webhook", json={"sender": self.sender, "message": text}, timeout=60
            )
            return (
                None if reply.status_code == 200 and reply.json() else f"REST {reply.status_code}: {reply.text[:200]}"
            )
        fields = {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": "AC123",
            "From": self.sender,
            "To": "+15550001111",
            "Body": text,
            "NumMedia": "0",
        }
        public = os.environ.get("TWILIO_WEBHOOK_URL", TWILIO_PUBLIC_URL)
        reply = self.session.post(
            f"{self.url}/webhooks/twilio/webhook",
            data=urlencode(fields),
            timeout=60,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": self.signer.compute_signature(public, fields),
            },
        )
        bodies = re.findall(r"<Message>(.*?)</Message>", reply.text, flags=re.S)
        if reply.status_code != 200 or not bodies:
            return f"SMS {reply.status_code}: {reply.text[:200]}"
        if len(bodies) > SMS_MAX_MESSAGES or sum(len(b) for b in bodies) > SMS_MAX_CHARS:
            return f"SMS reply too long: {len(bodies)} messages, {sum(len(b) for b in bodies)} characters"
        return None

    def last_turn(self) -> List[BotMessage]:
        """The bot messages the tracker holds after the newest user message."""
        conversation = quote(conversation_id("rest" if self.channel == "rest" else "twilio", self.sender), safe="+:")
        reply = self.session.get(f"{self.url}/conversations/{conversation}/tracker", timeout=60)
        events = reply.json()["events"]
        latest_user = max((i for i, e in enumerate(events) if e["event"] == "user"), default=-1)
        return [
            BotMessage(
                response=(e.get("metadata") or {}).get("utter_action"),
                variables=e.get("metadata") or {},
                text=e.get("text") or "",
                buttons=tuple(str(b.get("title", "")) for b in (e.get("data") or {}).get("buttons") or []),
            )
            for e in events[latest_user + 1 :]
            if e["event"] == "bot"
        ]


def run_case(case: Case, channel: str, url: str, labels: Dict[str, str]) -> Outcome:
    outcome = Outcome(case, channel)
    with requests.Session() as session:
        conversation = Conversation(url, channel, session)
        options: Sequence[str] = ()
        for number, turn in enumerate(case.turns, 1):
            problem = conversation.say(str(turn["say"]))
            reply = conversation.last_turn()
            verdict = Verdict(False, problem) if problem else judge(turn["expect"], reply, Context(options, labels))
            if not verdict.passed:
                outcome.failures.append((number, str(turn["say"]), turn["expect"], verdict.reason))
            options = options_after(reply, options)
    return outcome


GROUPINGS: Dict[str, Callable[[Case], Optional[str]]] = {
    "kind": lambda case: case.kind,
    "persona": lambda case: case.persona,
    "turns": lambda case: "3-5 turns" if case.multi_turn else "1-2 turns",
}


def rates(
    outcomes: Sequence[Outcome], group: Callable[[Case], Optional[str]] = GROUPINGS["kind"]
) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """Per group (kind by default) and channel: cases passed, cases run, rate. Cases the grouping
    gives no group (no persona) are left out."""
    table: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for outcome in outcomes:
        name = group(outcome.case)
        if name is None:
            continue
        cell = table.setdefault(name, {}).setdefault(outcome.channel, {"passed": 0, "cases": 0})
        cell["cases"] += 1
        cell["passed"] += outcome.passed
    for channels in table.values():
        for cell in channels.values():
            cell["rate"] = round(cell["passed"] / cell["cases"], 4)
    return table


def render(table: Dict[str, Dict[str, Dict[str, Any]]], target: float, heading: str = "kind") -> str:
    lines = [f"{heading:16} {'REST':>14} {'SMS':>14}"]
    totals = {c: [0, 0] for c in CHANNELS}
    for kind in sorted(table):
        cells = []
        for channel in CHANNELS:
            cell = table[kind].get(channel)
            if cell is None:
                cells.append(f"{'-':>14}")
                continue
            totals[channel][0] += cell["passed"]
            totals[channel][1] += cell["cases"]
            mark = "" if cell["rate"] >= target else " <"
            cells.append(f"{cell['passed']:>3}/{cell['cases']:<3} {cell['rate']:6.1%}{mark:2}")
        lines.append(f"{kind:16} " + " ".join(cells))
    all_cells = [f"{p:>3}/{n:<3} {p / n:6.1%}  " if n else f"{'-':>14}" for p, n in totals.values()]
    lines.append(f"{'all':16} " + " ".join(all_cells))
    lines.append(f"(< marks a kind below the {target:.0%} target)")
    return "\n".join(lines)


def failure_report(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        for number, said, expected, why in outcome.failures:
            lines.append(
                f"[{outcome.channel}] {outcome.case.id} turn {number}: {said!r}\n"
                f"    expected {json.dumps(expected)}\n    {why}"
            )
    return "\n".join(lines)


def start_servers(logs: Path, store: Optional[str] = None) -> Tuple[ActionServer, RasaServer]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LOCK_STORE_URL", "REST_TOKEN", "SOCKETIO_JWT_KEY", "RASA_AUTH_TOKEN")
    }
    env.update(
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        TWILIO_WEBHOOK_URL=TWILIO_PUBLIC_URL,
        RASA_TELEMETRY_ENABLED="false",
        TRACKER_STORE_URL=store or f"sqlite:///{logs / 'tracker.db'}",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    os.environ.update(TWILIO_AUTH_TOKEN=TWILIO_TOKEN, TWILIO_WEBHOOK_URL=TWILIO_PUBLIC_URL)
    actions = ActionServer(env, logs).start()
    return actions, RasaServer(env, logs, actions=actions).start()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.e2e", description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running Rasa server (with --enable-api); default: start one")
    parser.add_argument("--kind", action="append", default=[], help="only these kinds (repeatable)")
    parser.add_argument("--channel", action="append", choices=CHANNELS, default=[], help="only these channels")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--min-rate", type=float, default=None, help="exit 1 when a kind is below this")
    parser.add_argument("--results", type=Path, default=ROOT / "results")
    parser.add_argument("--cases", type=Path, default=CASES, help="the directory of case files")
    parser.add_argument("--name", default="e2e", help="result files: results/<name>.json, <name>-failures.txt")
    parser.add_argument(
        "--store", help="the tracker store of the servers it starts (default: a new SQLite file beside their logs)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    args = parser.parse_args(argv)

    cases = load_cases(args.cases, kinds=args.kind)
    channels = args.channel or list(CHANNELS)
    labels = category_labels()
    started: List[Any] = []
    logs = Path(tempfile.mkdtemp(prefix="mlops-e2e-"))
    try:
        url = args.url
        if url is None:
            print(f"Starting the action server and the Rasa server (logs: {logs})", file=sys.stderr, flush=True)
            started = list(start_servers(logs, args.store))
            url = started[1].url
        jobs = [(case, channel) for case in cases for channel in channels]
        with ThreadPoolExecutor(args.workers) as pool:
            outcomes = list(pool.map(lambda job: run_case(job[0], job[1], url, labels), jobs))
    finally:
        for process in reversed(started):
            process.stop()
    tables = {name: rates(outcomes, group) for name, group in GROUPINGS.items()}
    table = tables["kind"]
    args.results.mkdir(parents=True, exist_ok=True)
    failures = failure_report([o for o in outcomes if not o.passed])
    (args.results / f"{args.name}-failures.txt").write_text(failures + "\n")
    (args.results / f"{args.name}.json").write_text(
        json.dumps(
            {
                "set": os.path.relpath(args.cases.resolve(), ROOT),
                "cases": len(cases),
                "channels": channels,
                "rates": table,
                "by_persona": tables["persona"],
                "by_turns": tables["turns"],
            },
            indent=2,
        )
        + "\n"
    )
    if args.verbose and failures:
        print(failures)
    print(
        f"\nEnd-to-end ({args.cases.name}): {len(cases)} conversations x {len(channels)} channels "
        f"({sum(len(c.turns) for c in cases)} turns each)"
    )
    print(render(table, args.target))
    for name in ("persona", "turns"):
        if tables[name]:
            print("\n" + render(tables[name], args.target, heading=name))
    print(f"Failures: {args.results / (args.name + '-failures.txt')}")
    if args.min_rate is not None:
        low = [k for k, cells in table.items() for cell in cells.values() if cell["rate"] < args.min_rate]
        return 1 if low else 0
    return 0
