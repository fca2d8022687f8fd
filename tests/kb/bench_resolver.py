"""Resolver benchmark: accuracy on the contract table and latency per query over the full base.

  .venv/bin/python -m tests.kb.bench_resolver        (make kb-bench)

Targets: top-1 >= 99 % on positives, <= 1 % wrong matches on negatives, p99 <= 1 ms per query.
Prints figures; it is a benchmark, not a test, and never fails on speed.
"""
from __future__ import annotations

import json
import statistics
import time

from actions.kb.resolver import default_resolver
from tests.kb.cases import load_cases

ROUNDS = 20


def main() -> None:
    started = time.perf_counter()
    resolver = default_resolver()
    build_ms = (time.perf_counter() - started) * 1000
    cases = load_cases()
    positives, negatives = cases["tools"], cases["negatives"]
    right = sum(resolver.resolve(c.text).tools == c.expected for c in positives)
    wrong = sum(bool(resolver.resolve(c.text).tools) for c in negatives)
    texts = [c.text for section in cases.values() for c in section]
    timings = []
    for _ in range(ROUNDS):
        for text in texts:
            t0 = time.perf_counter()
            resolver.resolve(text)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    pct = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]  # noqa: E731
    figures = {
        "tools_in_base": len(resolver.kb.tools),
        "positives": len(positives),
        "top1_accuracy": round(right / len(positives), 4),
        "negatives": len(negatives),
        "wrong_match_rate": round(wrong / len(negatives), 4),
        "queries_timed": len(timings),
        "latency_ms": {"p50": round(statistics.median(timings), 3), "p95": round(pct(0.95), 3),
                       "p99": round(pct(0.99), 3), "max": round(timings[-1], 3)},
        "index_build_ms": round(build_ms, 1),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
