"""Command line for scripts and for people curating the knowledge base.

python -m core resolve "TEXT"...   one JSON object per text (stdin: one per line)
python -m core stats               JSON: number of tools, tools per category, age of the facts
python -m core stale [--months N]  entries last checked N or more months ago (default 6)
python -m core links               exit 1 on alternatives that point one way without a recorded reason
python -m core validate [FILE]     exit 1 with file, entry and reason when invalid
python -m core nlu [--check]       write (or check) the NLU data generated from the base
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import List, Optional

from core import curation, nlu_export
from core.loader import DEFAULT_DIRECTORY, InvalidKnowledgeBase, load_knowledge_base
from core.resolver import Resolver, common_words


def _resolve(texts: List[str]) -> int:
    resolver = Resolver(load_knowledge_base(), common_words())
    lines = texts if texts else (line.rstrip("\n") for line in sys.stdin)
    for text in lines:
        print(json.dumps(resolver.resolve(text).as_json(), ensure_ascii=False), flush=True)
    return 0


def _stats() -> int:
    kb = load_knowledge_base()
    counts = Counter(t.category for t in kb.tools)
    categories = {c.id: counts.get(c.id, 0) for c in kb.categories}
    summary = {"tools": len(kb.tools), "categories": categories, "age": curation.age(kb)}
    print(json.dumps(summary, indent=2))
    return 0


def _stale(months: int) -> int:
    kb = load_knowledge_base()
    due = curation.stale(kb, months)
    for tool in due:
        print(f"{tool.checked}  {tool.status:<12}  {tool.category:<22}  {tool.name}")
    print(f"{len(due)} of {len(kb.tools)} entries last checked {months} or more months ago", file=sys.stderr)
    return 0


def _links() -> int:
    kb = load_knowledge_base()
    recorded = curation.recorded_one_way()
    unexplained = curation.unrecorded_one_way(kb, recorded)
    obsolete = curation.obsolete_records(kb, recorded)
    for link in unexplained:
        print(f"one-way: {link} (name {link.tool} back, or record the reason in {curation.ONE_WAY_FILE})")
    for tool, alternative in obsolete:
        print(f"recorded but not one-way any more: {tool} -> {alternative} (remove it from {curation.ONE_WAY_FILE})")
    links = sum(len(t.alternatives) for t in kb.tools)
    print(
        f"{links} alternative links, {len(recorded)} recorded one-way, {len(unexplained)} unexplained", file=sys.stderr
    )
    return 1 if unexplained or obsolete else 0


def _validate(path: Optional[str]) -> int:
    target = Path(path) if path else DEFAULT_DIRECTORY
    try:
        if target.is_dir():
            kb = load_knowledge_base(target)
        else:
            if not target.exists():
                print(f"{target}: no such file", file=sys.stderr)
                return 2
            kb = load_knowledge_base(DEFAULT_DIRECTORY, extra_file=target)
    except InvalidKnowledgeBase as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{target}: valid ({len(kb.tools)} tools in {len(kb.categories)} categories)")
    return 0


def _nlu(check: bool) -> int:
    kb = load_knowledge_base()
    stale = nlu_export.write(kb, check=check)
    if check and stale:
        print(f"out of date: {', '.join(stale)}; run `make kb-nlu`", file=sys.stderr)
        return 1
    print(f"wrote {', '.join(stale)}" if stale and not check else "generated NLU data is up to date")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    resolve = commands.add_parser("resolve", help="find tools and categories in texts")
    resolve.add_argument("texts", nargs="*", metavar="TEXT")
    commands.add_parser("stats", help="count tools per category; how old the checks are")
    stale = commands.add_parser("stale", help="list entries due for a fresh check")
    stale.add_argument("--months", type=int, default=curation.DEFAULT_STALE_MONTHS, metavar="N")
    commands.add_parser("links", help="report alternatives that point one way")
    validate = commands.add_parser("validate", help="check the base, or one tool file with it")
    validate.add_argument("file", nargs="?", metavar="FILE")
    nlu = commands.add_parser("nlu", help="write the NLU data generated from the base")
    nlu.add_argument("--check", action="store_true", help="only check that it is up to date")
    args = parser.parse_args(argv)
    try:
        if args.command == "resolve":
            return _resolve(args.texts)
        if args.command == "stats":
            return _stats()
        if args.command == "stale":
            return _stale(args.months)
        if args.command == "links":
            return _links()
        if args.command == "validate":
            return _validate(args.file)
        return _nlu(args.check)
    except InvalidKnowledgeBase as error:
        print(error, file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
