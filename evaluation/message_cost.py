"""What reading one message costs outside the classifiers: the resolver, the question's focus, the
router's phrase readers and the attribute reader, for ordinary messages and for crafted ones of
2,000 characters made to make regular expressions backtrack.

  .venv/bin/python -m evaluation.message_cost        (part of make kb-bench)

Every message is read in one process, in the order the NLU router reads it, ROUNDS times; the
figures are the median and the worst round, in milliseconds. A crafted message may cost a few times
an ordinary one (it is 20 to 50 times longer), never orders of magnitude more: the server reads
messages one at a time, so one slow message delays everyone. Prints figures; never fails on speed.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Dict, List

from assistant.nlu import routing
from core.message import asked_attributes, constraints, focus
from core.resolver import default_resolver

ROUNDS = 5
LENGTH = 2000

ORDINARY = [
    "what is mlflow",
    "is dagster free, and can it run on one laptop?",
    "we run Jenkins and Grafana plus a home-grown scheduler. what should replace the scheduler?",
    "which tools can check a dataframe's columns before training?",
]


def crafted() -> Dict[str, str]:
    """Messages of LENGTH characters that repeat what the phrase readers look for."""
    return {
        "is a a a ...": ("is a " + "a " * LENGTH)[:LENGTH],
        "what is the the ...": ("what is " + "the " * LENGTH)[:LENGTH],
        "is it is it ...": ("is it " * LENGTH)[:LENGTH],
        "pick pick ... or": ("pick " * LENGTH)[: LENGTH - 3] + " or",
        "like like ... but": ("like " * LENGTH)[: LENGTH - 4] + " but",
        "mlflow vs mlflow vs ...": ("mlflow vs " * LENGTH)[:LENGTH],
        "one long word": "a" * LENGTH,
    }


def read_once(text: str) -> float:
    """Milliseconds to read `text` as the NLU router does."""
    resolver = default_resolver()
    started = time.perf_counter()
    asked = focus(text)
    resolution = resolver.resolve(asked)
    routing.route(asked, routing.Parse("faq", 0.5), resolution)
    routing.unnamed_category(text, routing.Parse("list_tools", 0.5), resolution)
    asked_attributes(asked)
    constraints(text)
    return (time.perf_counter() - started) * 1000


def figures(messages: Dict[str, str]) -> Dict[str, Dict[str, float]]:
    result = {}
    for name, text in messages.items():
        times: List[float] = [read_once(text) for _ in range(ROUNDS)]
        result[name] = {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}
    return result


def main() -> None:
    default_resolver()  # built before timing
    report = {
        "ordinary": figures({text: text for text in ORDINARY}),
        f"crafted ({LENGTH} characters)": figures(crafted()),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
