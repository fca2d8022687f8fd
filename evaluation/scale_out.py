"""Do two Rasa processes on one host answer more than one? Measured on the scaled-out set-up.

    python -m evaluation.scale_out                     # concurrency 8 and 16, 3 rounds of 15 s
    python -m evaluation.scale_out --seconds 5 --rounds 1

Starts PostgreSQL, Redis, one action server and two Rasa servers sharing them, as `make
test-scale` does (evaluation/processes.py's `Stack`), then measures closed-loop load as `make
bench` does (its conversations, new senders every round) against one Rasa server and against
both (each simulated user keeps to one server, users alternating between them, as nginx's sticky
clients do), in turns, swapping which goes first each round. Prints messages per second and p50
latency of each and the ratio two/one; writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from evaluation.bench import REQUEST_TIMEOUT, WARM_UP, _user, load_figures, median_of_rounds, ratio
from evaluation.processes import MODEL, ROOT, Stack

CONCURRENCIES = (8, 16)


async def measure(urls: Sequence[str], concurrency: int, seconds: float, label: str) -> Dict[str, Any]:
    """Closed loop: `concurrency` users, user n on server n mod len(urls), each sending its next
    message when the last reply came."""
    import aiohttp

    latencies: List[float] = []
    errors: Dict[str, int] = {}
    empty = [0]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        for url in urls:
            for text in WARM_UP:  # not counted: first calls load lazily built parts
                async with session.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": f"scale-out-{label}-warm-up", "message": text},
                    timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
                ) as reply:
                    await reply.read()
        started = time.monotonic()
        await asyncio.gather(
            *(
                _user(n, urls[n % len(urls)], started + seconds, latencies, errors, empty, session, label)
                for n in range(concurrency)
            )
        )
        elapsed = time.monotonic() - started
    return load_figures(latencies, errors, empty[0], elapsed, concurrency)


def run(seconds: float, rounds: int, concurrencies: Sequence[int] = CONCURRENCIES) -> Dict[str, Any]:
    figures: Dict[str, Any] = {"one": {}, "two": {}, "seconds": seconds, "rounds": rounds}
    with tempfile.TemporaryDirectory(prefix="mlops-assistant-scale-out-") as tmp:
        stack = Stack(Path(tmp))
        try:
            setups = {"one": [stack.servers[0].url], "two": [server.url for server in stack.servers]}
            for concurrency in concurrencies:
                measured: Dict[str, List[Dict[str, Any]]] = {"one": [], "two": []}
                for number in range(rounds):
                    order = list(setups) if number % 2 == 0 else list(setups)[::-1]
                    for name in order:
                        print(f"{name} server(s) at concurrency {concurrency}, round {number + 1}", file=sys.stderr)
                        label = f"{name}-c{concurrency}-r{number}"
                        measured[name].append(asyncio.run(measure(setups[name], concurrency, seconds, label)))
                for name in setups:
                    figures[name][f"c{concurrency}"] = median_of_rounds(measured[name])
        finally:
            stack.stop()
    return figures


def rows(figures: Dict[str, Any], concurrencies: Sequence[int] = CONCURRENCIES) -> List[str]:
    """One line a concurrency: messages/s and p50 of one server and of two, and two/one."""
    lines = ["concurrency  one msg/s  two msg/s  two/one  one p50 (ms)  two p50 (ms)  two/one"]
    for c in concurrencies:
        one, two = figures["one"].get(f"c{c}"), figures["two"].get(f"c{c}")
        if not one or not two:
            continue
        rate = (one["messages_per_second"], two["messages_per_second"])
        p50 = (one["latency_ms"]["p50"], two["latency_ms"]["p50"])
        lines.append(
            f"{c:<11}  {rate[0]:<9g}  {rate[1]:<9g}  {ratio(rate[1], rate[0])!s:<7}  "
            f"{p50[0]:<12g}  {p50[1]:<12g}  {ratio(p50[1], p50[0])}"
        )
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.scale_out", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15, help="length of each measurement (s)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each set-up at each concurrency")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "scale-out.json", help="figures")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"{MODEL} is missing: run make train", file=sys.stderr)
        return 1
    figures = run(args.seconds, args.rounds)
    print("\n".join(rows(figures)))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=1) + "\n")
    print(f"\nMedians of {args.rounds} rounds of {args.seconds:g} s. Figures: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
