"""Resolver benchmark: accuracy on the contract table and latency per query over the full base.

  .venv/bin/python -m evaluation.resolver_bench        (make kb-bench)

Targets: top-1 >= 99 % on positives, <= 1 % wrong matches on negatives, p99 <= 1 ms per query.
The [unknown] rows give how often the name the base does not know is reported as typed, and how
often a row without one gets one anyway.
Prints figures; it is a benchmark, not a test, and never fails on speed.
"""

from __future__ import annotations

import json
import random
import statistics
import time

from core.resolver import default_resolver, neighbour_keys
from evaluation.resolver_cases import load_cases

ROUNDS = 20
TYPO_SEED = 7


def typos(name: str, rng: random.Random):
    """One deletion, one swap of neighbours and one wrong key: misspellings no table lists."""
    i = rng.randrange(1, len(name) - 1)
    yield name[:i] + name[i + 1 :]
    yield name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    j = rng.randrange(len(name))
    yield name[:j] + rng.choice(neighbour_keys().get(name[j], name[j])) + name[j + 1 :]  # a key next to the right one


def typo_figures(resolver) -> dict:
    """Top-1 on generated single-edit typos of every one-word name of 6+ letters."""
    rng = random.Random(TYPO_SEED)
    right = asked = suggested = total = 0
    for tool in resolver.kb.tools:
        name = tool.name.lower()
        if len(name) < 6 or not name.isalpha():
            continue
        for typo in typos(name, rng):
            if typo == name:
                continue
            total += 1
            result = resolver.resolve(typo)
            right += result.tools == [tool.name]
            suggested += not result.tools and tool.name in result.candidates
            asked += bool(result.tools) and result.tools != [tool.name]
    return {
        "typos": total,
        "top1": round(right / total, 4),
        "did_you_mean": round(suggested / total, 4),
        "wrong_tool": round(asked / total, 4),
    }


def main() -> None:
    started = time.perf_counter()
    resolver = default_resolver()
    build_ms = (time.perf_counter() - started) * 1000
    cases = load_cases()
    positives, negatives = cases["tools"], cases["negatives"]
    right = sum(resolver.resolve(c.text).tools == c.expected for c in positives)
    wrong = sum(bool(resolver.resolve(c.text).tools) for c in negatives)
    named = [c for c in cases.get("unknown", []) if any(n.startswith("?") for n in c.expected)]
    unnamed = [c for c in cases.get("unknown", []) if c not in named]
    unknown_right = sum(
        resolver.resolve(c.text).unknown == next(n[1:].strip() for n in c.expected if n.startswith("?")) for c in named
    )
    unknown_wrong = sum(resolver.resolve(c.text).unknown is not None for c in unnamed)
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
        "unknown_names": len(named),
        "unknown_name_accuracy": round(unknown_right / max(1, len(named)), 4),
        "no_unknown_rows": len(unnamed),
        "false_unknown_rate": round(unknown_wrong / max(1, len(unnamed)), 4),
        "queries_timed": len(timings),
        "latency_ms": {
            "p50": round(statistics.median(timings), 3),
            "p95": round(pct(0.95), 3),
            "p99": round(pct(0.99), 3),
            "max": round(timings[-1], 3),
        },
        "index_build_ms": round(build_ms, 1),
        "generated_typos": typo_figures(resolver),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
