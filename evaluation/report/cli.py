"""Makes the conversation report from the tracker store, with no server running.

    python -m evaluation.report                     # everything in the store endpoints.yml configures
    python -m evaluation.report --since 30d         # the last 30 days (also 12h, 2w, or a date: 2026-11-01)
    python -m evaluation.report --store postgresql://rasa:PASSWORD@db:5432/rasa
    python -m evaluation.report --aggregates-only   # no message text anywhere; no inbox, no kb-candidates

Writes results/report.html, results/report.json, results/inbox.yml and results/kb-candidates.tsv.
Sender ids are shown as keyed hashes: the key is REPORT_KEY when set (the same key gives the same
pseudonyms in every report), else a random one for this run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from evaluation.processes import ROOT
from evaluation.report import figures, files, html
from evaluation.report.analysis import LOW_CONFIDENCE
from evaluation.report.store import StoreError, masked, read_events, store_url

KEY_VARIABLE = "REPORT_KEY"
UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(value: Optional[str], now: float) -> Tuple[Optional[float], str]:
    """The Unix time a period starts and its description: `30d`, `12h`, `2w`, a date, or None (all)."""
    if not value:
        return None, "everything stored"
    match = re.fullmatch(r"(\d+)\s*([hdw])", value.strip().lower())
    if match:
        start = now - int(match[1]) * UNITS[match[2]]
        return start, f"the last {value.strip()} (since {_utc(start)})"
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--since takes 30d, 12h, 2w or a date like 2026-11-01, not {value!r}"
        ) from None
    return day.timestamp(), f"since {value.strip()}"


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def domain_intents(domain: Path = ROOT / "domain.yml") -> List[str]:
    return [str(i) if not isinstance(i, dict) else next(iter(i)) for i in yaml.safe_load(domain.read_text())["intents"]]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.report", description=__doc__.split("\n")[0])
    parser.add_argument("--since", help="only this period: 30d, 12h, 2w or a date (default: everything)")
    parser.add_argument("--store", help="an SQLAlchemy URL (default: the tracker store endpoints.yml configures)")
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "results", help="the directory to write to")
    parser.add_argument("--aggregates-only", action="store_true", help="leave every message text out")
    parser.add_argument("--low-confidence", type=float, default=LOW_CONFIDENCE, help="the inbox's confidence floor")
    args = parser.parse_args(argv)

    now = time.time()
    try:
        since, period = parse_since(args.since, now)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    key_text = os.environ.get(KEY_VARIABLE, "")
    key = key_text.encode() if key_text else secrets.token_bytes(32)
    key_note = (
        f"keyed with {KEY_VARIABLE}" if key_text else f"a random key for this run; set {KEY_VARIABLE} to keep them"
    )
    try:
        url = args.store or store_url(args.endpoints)
        events = read_events(url, since)
    except StoreError as error:
        print(f"make report: {error}", file=sys.stderr)
        return 2
    report = figures.build(events, domain_intents(), key, args.aggregates_only, args.low_confidence)
    source = {
        "store": masked(url),
        "period": period,
        "generated": _utc(now),
        "aggregates_only": args.aggregates_only,
        "key": key_note,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    written = [args.out / "report.html", args.out / "report.json"]
    written[0].write_text(html.render(report, source), encoding="utf-8")
    written[1].write_text(json.dumps({"source": source, **report}, indent=1, ensure_ascii=False) + "\n")
    inbox, candidates = args.out / "inbox.yml", args.out / "kb-candidates.tsv"
    if args.aggregates_only:
        for stale in (inbox, candidates):  # an earlier run's texts must not sit beside an aggregates-only report
            stale.unlink(missing_ok=True)
    else:
        inbox.write_text(files.inbox_yaml(report["inbox"]), encoding="utf-8")
        candidates.write_text(files.kb_candidates_tsv(report["unknown_tools"]), encoding="utf-8")
        written += [inbox, candidates]
    totals, shares = report["totals"], report["outcome_shares"]
    print(f"Store: {source['store']}; period: {period}")
    print(
        f"conversations {totals['conversations']}, messages {totals['messages']}, users {totals['users']}; "
        f"answered {100 * report['answered_share']:.1f} %, didn't get that {100 * shares['fallback']:.1f} %, "
        f"unknown tool {100 * shares['unknown_tool']:.1f} %, inbox {len(report['inbox'])}, "
        f"unknown names {len(report['unknown_tools'])}"
    )
    for path in written:
        print(f"Wrote {os.path.relpath(path, Path.cwd())}")
    return 0
