"""What reading one message costs outside the classifiers: the resolver, the question's focus, the
router's phrase readers and the attribute reader, for ordinary messages and for crafted ones of
2,000 characters made to make regular expressions backtrack.

  .venv/bin/python -m evaluation.message_cost        (part of make kb-bench)

Every message is read in one process, in the order the NLU router reads it, ROUNDS times; the
figures are the median and the worst round, in milliseconds. A crafted message may cost a few times
an ordinary one (it is 20 to 50 times longer), never orders of magnitude more: the server reads
messages one at a time, so one slow message delays everyone. Prints figures; never fails on speed.

It also prints how reading grows with length: each shape of `shapes` (cue words repeated, one
character repeated, the words the phrase readers look for in turn, tool-like names, punctuation) at
500 and at 2,000 characters through every reader (`read_all`), the ratio of the two times (the
least CPU time of `GROWTH_REPEATS` reads each) and the worst shape. Linear reading gives about 4;
tests/evaluation/test_message_cost.py fails above `GROWTH_LIMIT`.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Callable, Dict, List, Tuple

from assistant.nlu import routing
from core import message
from core.message import asked_attributes, constraints, focus
from core.resolver import default_resolver

ROUNDS = 5
LENGTH = 2000
SHORT, LONG = 500, 2000
GROWTH_REPEATS = 7
# Linear reading takes 4 times as long for 4 times the text; 2 for noise and for parts that grow a
# little faster (sorting the resolver's candidates). Quadratic reading would take 16 times as long.
GROWTH_LIMIT = 4 * 2

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


def _fill(unit: str, length: int, tail: str = "") -> str:
    return ((unit * (length // len(unit) + 1))[: length - len(tail)] + tail)[:length]


def shapes(length: int) -> Dict[str, str]:
    """Adversarial messages of `length` characters, one per shape the readers could choke on."""
    return {
        # cue words repeated
        "is a a a ...": _fill("a ", length - 5, "").join(["is a ", ""]),
        "what is the the ...": "what is " + _fill("the ", length - 8),
        "compare compare ... too": _fill("compare ", length, " too"),
        "which which ... for": _fill("which ", length, " for"),
        # one character, a long run
        "aaaa...": "a" * length,
        "spaces then a word": " " * (length - 6) + "mlflow",
        "digits": "2" * length,
        # the words the phrase readers look for, in turn
        "is it or like vs ...": _fill("is it or like vs what about the first one compare them ", length),
        "what is X vs Y ...": _fill("what is mlflow vs dvc and kubeflow or airflow? ", length),
        "free open source self-hosted ...": _fill("free open source self-hosted licence cheap managed ", length),
        "tell me about ... of them": _fill("tell me about both of them and the other one ", length),
        # long tool-like names
        "one long hyphenated name": _fill("kube-flow-", length, "pipelines"),
        "one long camel-case name": _fill("MlFlow", length),
        "dotted names": _fill("ml.flow.", length),
        "tool names with versions": _fill("mlflow-2.3.1 ", length),
        # punctuation
        "?!?!": _fill("?!", length),
        "....": "." * length,
        ", , , ": _fill(", ", length),
        "- - - words": _fill("- a ", length),
        "quotes and brackets": _fill("\"(['", length),
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


def read_all(text: str) -> float:
    """Milliseconds to read `text` with every reader of the router and of core.message."""
    resolver = default_resolver()
    started = time.perf_counter()
    asked = focus(text)
    resolution = resolver.resolve(asked)
    parse = routing.Parse("faq", 0.5)
    routing.route(asked, parse, resolution)
    routing.route(text, routing.Parse("ask_tool_info", 0.5), resolution)
    routing.unnamed_category(text, routing.Parse("list_tools", 0.5), resolution)
    routing.described_job(text, parse, resolution)
    routing.lists_the_topics_job(text, parse, resolution)
    asked_attributes(asked)
    constraints(text)
    message.sentences(text)
    message.is_question(text)
    message.asked_about_a_name(text)
    message.adds_to_comparison(text)
    message.points_at_one(text)
    message.points_at_several(text)
    message.referred_count(text)
    message.names_a_place(text)
    message.chosen_option(text, 3)
    message.open_source_optional(text)
    return (time.perf_counter() - started) * 1000


def cpu_ms(read: Callable[[str], object], text: str) -> float:
    """Milliseconds of this thread's CPU time that reading `text` takes: unlike the clock on the wall,
    it does not count the time other processes had the CPU, which a long read suffers more often."""
    started = time.thread_time()
    read(text)
    return (time.thread_time() - started) * 1000


def fastest_pair(
    read: Callable[[str], object], short: str, long: str, repeats: int = GROWTH_REPEATS
) -> Tuple[float, float]:
    """The least CPU time of `repeats` reads of each text (milliseconds), read in turn so that
    whatever else the machine does (caches, frequency) affects both alike."""
    times: Tuple[List[float], List[float]] = ([], [])
    for _ in range(repeats):
        times[0].append(cpu_ms(read, short))
        times[1].append(cpu_ms(read, long))
    return min(times[0]), min(times[1])


def growth_of(read: Callable[[str], object], short: str, long: str, attempts: int = 3) -> Dict[str, float]:
    """Milliseconds for `short` and `long` and their ratio. A ratio above `GROWTH_LIMIT` is measured
    again, up to `attempts` times, and the lowest kept: a reader that grows too fast does so every
    time, a machine busy with other work only now and then."""
    best: Dict[str, float] = {}
    for _ in range(attempts):
        at_short, at_long = fastest_pair(read, short, long)
        ratio = at_long / max(at_short, 1e-3)
        if not best or ratio < best["ratio"]:
            best = {f"{SHORT}_ms": round(at_short, 3), f"{LONG}_ms": round(at_long, 3), "ratio": round(ratio, 2)}
        if ratio <= GROWTH_LIMIT:
            break
    return best


def growth() -> Dict[str, Dict[str, float]]:
    """For each shape: milliseconds at SHORT and at LONG characters through `read_all`, and their ratio."""
    short, long = shapes(SHORT), shapes(LONG)
    return {name: growth_of(read_all, short[name], long[name]) for name in short}


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
    grown = growth()
    worst = max(grown, key=lambda name: grown[name]["ratio"])
    report[f"growth {SHORT} -> {LONG} characters (linear: about 4; limit {GROWTH_LIMIT})"] = grown
    report["worst growth"] = {"shape": worst, **grown[worst]}  # type: ignore[dict-item]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
