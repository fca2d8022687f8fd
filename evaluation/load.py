"""Load test: many simulated users chatting over REST at once; prints error rate and latency percentiles.

    python -m evaluation.load                      # starts its own Rasa + action server (SQLite), 100 users, 2 min
    python -m evaluation.load --scaled             # two Rasa servers on PostgreSQL + Redis, users alternate
    python -m evaluation.load --url http://host:5005 --token T   # an assistant that is already running

Each user holds one conversation: a realistic message, a reply, a pause (think time), the next message.
An error is an HTTP error, a timeout, an empty reply or the apology for a failed turn.
Writes the figures as JSON with --json PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
import yaml

from evaluation.processes import ROOT, ActionServer, RasaServer, Stack

APOLOGY = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_service_unavailable"][0]["text"]
SCRIPTS = [
    ["hi", "wat is mlfow?", "is it open source?", "alternatives to it", "thanks"],
    ["how do I version my data?", "tell me more", "what is dvc?", "compare dvc and lakefs"],
    ["which experiment trackers are there?", "the second one", "what licence does it have?"],
    ["when should I not use machine learning?", "how do I monitor drift?", "evidently vs whylogs", "bye"],
    ["what is kube flow?", "what about airflow?", "feature store options", "what is feast?"],
]


class Results:
    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.errors: Dict[str, int] = {}

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self, seconds: float, users: int) -> Dict:
        done = len(self.latencies)
        failed = sum(self.errors.values())
        ordered = sorted(self.latencies) or [float("nan")]

        def pct(p: float) -> float:
            return round(1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

        return {
            "users": users,
            "seconds": round(seconds, 1),
            "requests": done + failed,
            "errors": failed,
            "error_rate": round(failed / max(1, done + failed), 4),
            "error_kinds": self.errors,
            "messages_per_second": round(done / seconds, 2),
            "latency_ms": {
                "p50": pct(50),
                "p95": pct(95),
                "p99": pct(99),
                "max": pct(100),
                "mean": round(1000 * statistics.fmean(ordered), 1),
            },
        }


async def user(
    number: int,
    urls: List[str],
    token: Optional[str],
    until: float,
    think: float,
    timeout: float,
    results: Results,
    session: aiohttp.ClientSession,
) -> None:
    rng = random.Random(number)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    conversation = 0
    while time.monotonic() < until:
        sender, conversation = f"load-{number}-{conversation}", conversation + 1
        for turn, text in enumerate(rng.choice(SCRIPTS)):
            if time.monotonic() >= until:
                return
            url = urls[turn % len(urls)] + "/webhooks/rest/webhook"
            started = time.monotonic()
            try:
                async with session.post(
                    url,
                    json={"sender": sender, "message": text},
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=timeout),
                ) as reply:
                    body = await reply.json(content_type=None) if reply.status == 200 else None
                    if reply.status != 200:
                        results.error(f"http {reply.status}")
                    elif not body:
                        results.error("empty reply")
                    elif any(APOLOGY in (m.get("text") or "") for m in body):
                        results.error("apology")
                    else:
                        results.latencies.append(time.monotonic() - started)
            except asyncio.TimeoutError:
                results.error("timeout")
            except aiohttp.ClientError as error:
                results.error(type(error).__name__)
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def run(urls: List[str], users: int, seconds: float, think: float, timeout: float, token: Optional[str]) -> Dict:
    results = Results()
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(
            *(user(n, urls, token, started + seconds, think, timeout, results, session) for n in range(users))
        )
    return results.summary(time.monotonic() - started, users)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", action="append", help="a running Rasa server (repeat to alternate)")
    parser.add_argument("--token", help="REST_TOKEN of the running server")
    parser.add_argument("--scaled", action="store_true", help="start two servers on PostgreSQL and Redis")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a user's messages (s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="a reply later than this is an error (s)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    started: List = []
    logs = Path(tempfile.mkdtemp(prefix="mlops-assistant-load-"))
    try:
        if args.url:
            urls = args.url
        elif args.scaled:
            stack = Stack(logs)
            started.append(stack)
            urls = [server.url for server in stack.servers]
        else:
            env = {k: v for k, v in os.environ.items() if k not in ("LOCK_STORE_URL", "REST_TOKEN", "RASA_AUTH_TOKEN")}
            env.update(TRACKER_STORE_URL=f"sqlite:///{logs / 'tracker.db'}", RASA_TELEMETRY_ENABLED="false")
            actions = ActionServer(env, logs).start()
            started.append(actions)
            server = RasaServer(env, logs, actions=actions).start()
            started.append(server)
            urls = [server.url]
        print(
            f"Load: {args.users} users for {args.seconds:.0f} s against {', '.join(urls)} (logs: {logs})",
            file=sys.stderr,
        )
        figures = asyncio.run(run(urls, args.users, args.seconds, args.think, args.timeout, args.token))
    finally:
        for process in reversed(started):
            process.stop()
    figures["setup"] = (
        "given urls" if args.url else ("two servers, PostgreSQL, Redis" if args.scaled else "one server, SQLite")
    )
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
