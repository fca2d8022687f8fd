"""Evaluation: held-out NLU, the test stories, the resolver benchmark and the end-to-end
conversations (REST and signed SMS, real servers), then a one-screen summary.

    python -m evaluation.summary                    # all three, then the summary (make eval)
    python -m evaluation.summary --summary-only     # reprint the summary from results/ as it is

Writes what `rasa test` writes (results/nlu: reports, confusion matrices, histograms; results/core:
story report, failed stories) and the summary as results/eval.json, which `make bench` reads for
its accuracy targets. A report, not a test: it fails only when a step cannot run (make test-nlu and
make test-stories hold the floors).

The stories test needs no action server: `rasa test core` loads the agent without an action
endpoint and replays the `slot_was_set` steps of each story, so custom actions are predicted, never
called (rasa/model_testing.py: `Agent.load(model_path=model)`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from evaluation.processes import MODEL, RASA, ROOT

WEAKEST = 5
AVERAGES = ("accuracy", "macro avg", "weighted avg", "micro avg")


def weakest(report: Dict[str, Any], count: int = WEAKEST) -> List[Dict[str, Any]]:
    """The `count` labels with the lowest F1 (ties: fewer examples first, then by name)."""
    labels = [
        (label, m) for label, m in report.items() if label not in AVERAGES and isinstance(m, dict) and "f1-score" in m
    ]
    labels.sort(key=lambda lm: (lm[1]["f1-score"], lm[1].get("support", 0), lm[0]))
    return [{"label": label, "f1": round(m["f1-score"], 3), "support": m.get("support")} for label, m in labels[:count]]


def read_classifier_report(path: Path) -> Optional[Dict[str, Any]]:
    """Accuracy, macro F1 and the weakest labels from one of Rasa's *_report.json files."""
    if not path.exists():
        return None
    report = json.loads(path.read_text())
    return {
        "accuracy": round(report["accuracy"], 4),
        "macro_f1": round(report.get("macro avg", {}).get("f1-score", float("nan")), 4),
        "labels": sum(1 for label in report if label not in AVERAGES),
        "weakest": weakest(report),
    }


def read_story_report(core: Path) -> Optional[Dict[str, Any]]:
    """Stories right out of stories run and action accuracy from `rasa test core`'s story_report.json."""
    path = core / "story_report.json"
    if not path.exists():
        return None
    report = json.loads(path.read_text())
    conversations = report.get("conversation_accuracy", {})
    return {
        "correct": conversations.get("correct"),
        "total": conversations.get("total"),
        "action_accuracy": round(report["accuracy"], 4) if "accuracy" in report else None,
        "failed_stories": str(core / "failed_test_stories.yml"),
    }


E2E_SETS = (
    ("e2e", "tests/data/e2e/first"),
    ("e2e-fresh", "tests/data/e2e/fresh"),
    ("e2e-unseen", "tests/data/e2e/unseen"),
    ("e2e-personas", "tests/data/e2e/personas"),
    ("e2e-personas2", "tests/data/e2e/personas2"),
    ("e2e-personas3", "tests/data/e2e/personas3"),
    ("e2e-personas4", "tests/data/e2e/personas4"),
    ("e2e-personas5", "tests/data/e2e/personas5"),
    ("e2e-personas6", "tests/data/e2e/personas6"),
    ("e2e-personas7", "tests/data/e2e/personas7"),
    ("e2e-personas8", "tests/data/e2e/personas8"),
    ("e2e-personas9", "tests/data/e2e/personas9"),
    ("e2e-personas10", "tests/data/e2e/personas10"),
    ("e2e-personas11", "tests/data/e2e/personas11"),
    ("e2e-personas12", "tests/data/e2e/personas12"),
    ("e2e-personas13", "tests/data/e2e/personas13"),
    ("e2e-personas14", "tests/data/e2e/personas14"),
    ("e2e-personas15", "tests/data/e2e/personas15"),
)
E2E_TARGET = 0.95
SITUATIONS = "nlu-situations"  # results/ folder of the situation and long-message held-out set


def read_e2e(path: Path) -> Optional[Dict[str, Any]]:
    """Pass rates per channel and the kinds below the target, from what `python -m evaluation.e2e` wrote."""
    if not path.exists():
        return None
    report = json.loads(path.read_text())
    channels: Dict[str, List[int]] = {}
    for cells in report["rates"].values():
        for channel, cell in cells.items():
            total = channels.setdefault(channel, [0, 0])
            total[0] += cell["passed"]
            total[1] += cell["cases"]
    return {
        "set": report.get("set"),
        "cases": report["cases"],
        "channels": {c: {"passed": p, "cases": n} for c, (p, n) in channels.items()},
        "below_target": _below_target(report["rates"]),
        "personas_below_target": _below_target(report.get("by_persona") or {}),
    }


def _below_target(table: Dict[str, Dict[str, Dict[str, Any]]]) -> List[str]:
    return [
        f"{group} ({channel}) {cell['rate']:.1%}"
        for group, cells in sorted(table.items())
        for channel, cell in cells.items()
        if cell["rate"] < E2E_TARGET
    ]


def summarise(results: Path, resolver: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The summary of a results directory (nlu/ and core/ as `rasa test` writes them, the end-to-end
    reports) and the resolver figures."""
    return {
        "nlu": {
            "intents": read_classifier_report(results / "nlu" / "intent_report.json"),
            "response_selection": read_classifier_report(results / "nlu" / "response_selection_report.json"),
        },
        # Held out from the situation and long-message data (tests/data/held_out_situations): reported,
        # kept apart from the floors' set so that set measures the same thing over time.
        "nlu_situations": {
            "intents": read_classifier_report(results / SITUATIONS / "intent_report.json"),
            "response_selection": read_classifier_report(results / SITUATIONS / "response_selection_report.json"),
        },
        "stories": read_story_report(results / "core"),
        "resolver": resolver,
        "end_to_end": {name: read_e2e(results / f"{name}.json") for name, _ in E2E_SETS},
    }


def _weak_line(figures: Dict[str, Any]) -> str:
    return ", ".join(f"{w['label']} {w['f1']:.2f} ({w['support']})" for w in figures["weakest"])


def render_summary(summary: Dict[str, Any]) -> str:
    """The one-screen summary: what was measured and, for anything missing, that it was not."""
    lines = []
    nlu_sets = [("nlu", ""), ("nlu_situations", " (situations held out)")]
    for (group, suffix), (key, title) in (
        (g, k) for g in nlu_sets for k in (("intents", "Intents"), ("response_selection", "Response selection (faq)"))
    ):
        figures = (summary.get(group) or {}).get(key)
        title += suffix
        if figures is None and group != "nlu":
            continue
        if figures is None:
            lines.append(f"{title}: no report (rasa test nlu did not run)")
            continue
        lines.append(
            f"{title}: accuracy {figures['accuracy']:.3f}, macro F1 {figures['macro_f1']:.3f} "
            f"over {figures['labels']} labels"
        )
        lines.append(f"  weakest F1 (examples): {_weak_line(figures)}")
    stories = summary.get("stories")
    if stories is None:
        lines.append("Stories: no report (rasa test core did not run)")
    else:
        lines.append(
            f"Stories: {stories['correct']}/{stories['total']} right, action accuracy "
            f"{stories['action_accuracy']:.3f}"
            + ("" if stories["correct"] == stories["total"] else f"; failed: {stories['failed_stories']}")
        )
    resolver = summary.get("resolver")
    if resolver is None:
        lines.append("Resolver: not run")
    else:
        latency, typos = resolver["latency_ms"], resolver.get("generated_typos", {})
        lines.append(
            f"Resolver: top-1 {resolver['top1_accuracy']:.3f} on {resolver['positives']} cases, wrong "
            f"matches {resolver['wrong_match_rate']:.3f} on {resolver['negatives']} negatives, "
            f"p50 {latency['p50']:.3f} ms, p99 {latency['p99']:.3f} ms"
        )
        if typos:
            lines.append(
                f"  generated typos: top-1 {typos['top1']:.3f} of {typos['typos']}, "
                f"wrong tool {typos['wrong_tool']:.3f}"
            )
    for name, report in (summary.get("end_to_end") or {}).items():
        if report is None:
            lines.append(f"End-to-end ({name}): not run")
            continue
        rates = ", ".join(
            f"{c} {t['passed']}/{t['cases']} ({t['passed'] / t['cases']:.1%})" for c, t in report["channels"].items()
        )
        lines.append(f"End-to-end ({report['set']}, {report['cases']} conversations): {rates}")
        lines.append(f"  kinds below {E2E_TARGET:.0%}: {', '.join(report['below_target']) or 'none'}")
        if report.get("personas_below_target"):
            lines.append(f"  personas below {E2E_TARGET:.0%}: {', '.join(report['personas_below_target'])}")
    return "\n".join(lines)


def run(command: List[str], env: Dict[str, str]) -> None:
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.summary", description=__doc__.split("\n")[0])
    parser.add_argument("--results", type=Path, default=ROOT / "results")
    parser.add_argument("--summary-only", action="store_true", help="only read results/ and print the summary")
    parser.add_argument("--skip-nlu", action="store_true")
    parser.add_argument("--skip-stories", action="store_true")
    parser.add_argument("--skip-e2e", action="store_true", help="skip the end-to-end conversations")
    args = parser.parse_args(argv)
    results: Path = args.results

    env = {k: v for k, v in os.environ.items() if k not in ("LOCK_STORE_URL", "REST_TOKEN")}
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    resolver_json = results / "resolver.json"
    try:
        if not args.summary_only:
            if not MODEL.exists():
                print(f"{MODEL} is missing: run make train", file=sys.stderr)
                return 1
            if not args.skip_nlu:
                for held_out, out in (
                    ("tests/data/held_out_nlu", "nlu"),
                    ("tests/data/held_out_situations", SITUATIONS),
                ):
                    run(
                        [
                            str(RASA),
                            "test",
                            "nlu",
                            "--model",
                            str(MODEL),
                            "--nlu",
                            held_out,
                            "--out",
                            str(results / out),
                        ],
                        env,
                    )
            if not args.skip_stories:
                run(
                    [
                        str(RASA),
                        "test",
                        "core",
                        "--model",
                        str(MODEL),
                        "--stories",
                        "tests/data/test_stories.yml",
                        "--out",
                        str(results / "core"),
                    ],
                    env,
                )
            if not args.skip_e2e:
                for name, cases in E2E_SETS:
                    if (ROOT / cases).is_dir():
                        run(
                            [
                                sys.executable,
                                "-m",
                                "evaluation.e2e",
                                "--cases",
                                cases,
                                "--name",
                                name,
                                "--results",
                                str(results),
                            ],
                            env,
                        )
            print("$ python -m evaluation.resolver_bench", file=sys.stderr, flush=True)
            resolver = subprocess.run(
                [sys.executable, "-m", "evaluation.resolver_bench"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results.mkdir(parents=True, exist_ok=True)
            resolver_json.write_text(resolver)
    except subprocess.CalledProcessError as error:
        print(f"eval stopped: {' '.join(map(str, error.cmd))} exited with {error.returncode}", file=sys.stderr)
        return 1
    summary = summarise(results, json.loads(resolver_json.read_text()) if resolver_json.exists() else None)
    print()
    print(render_summary(summary))
    results.mkdir(parents=True, exist_ok=True)
    (results / "eval.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"\nDetails: {results}/nlu (confusion matrices, histograms, errors), {results}/core; "
        f"summary: {results / 'eval.json'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
