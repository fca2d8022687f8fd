"""The report's text files: the inbox as Rasa NLU training data, the knowledge base's to-do list."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from typing import Any, Dict, List, Set

# Rasa reads `[text](entity)`, `[text]{...}` and `[text][...]` in an example as an entity annotation.
_ANNOTATION = re.compile(r"\]\s*(?=[(\[{])")


def example_text(text: str) -> str:
    """One line of training data: whitespace collapsed, nothing Rasa would read as an annotation."""
    return _ANNOTATION.sub("] ", " ".join(text.split()))


def inbox_yaml(rows: List[Dict[str, Any]]) -> str:
    """Rasa NLU data (version "3.1"), one block per predicted intent, each message once. Move the
    examples to the right intent in data/nlu/."""
    grouped: Dict[str, Set[str]] = defaultdict(set)
    for row in rows:
        if row.get("text") is None:
            continue
        example = example_text(str(row["text"]))
        if example:
            grouped[row["label"]].add(example)
    lines = [
        "# Messages to label: each block is what the assistant took the messages for. Move every",
        "# example to the intent (or faq/<topic>) it really is, in data/nlu/, delete the rest, retrain.",
        'version: "3.1"',
        "nlu:",
    ]
    for label in sorted(grouped):
        lines.append(f"  - intent: {label}")
        lines.append("    examples: |")
        lines.extend(f"      - {example}" for example in sorted(grouped[label]))  # a block scalar: no quoting
    return "\n".join(lines) + "\n" if grouped else 'version: "3.1"\nnlu: []\n'


def kb_candidates_tsv(rows: List[Dict[str, Any]]) -> str:
    """name, times asked, an example message: one unknown tool name a line, most asked first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["name", "count", "example"])
    for row in rows:
        writer.writerow([row["name"], row["count"], " ".join(str(row.get("example") or "").split())])
    return out.getvalue()
