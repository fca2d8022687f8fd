"""Reads tests/data/resolver_cases.txt, the resolver's contract table."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, NamedTuple, Optional

CASES_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "resolver_cases.txt"


class Case(NamedTuple):
    section: str
    text: str
    expected: List[str]  # tools, candidates, or [category id] ("-" = none)
    line: int


def load_cases(path: Path = CASES_FILE) -> Dict[str, List[Case]]:
    sections: Dict[str, List[Case]] = {}
    section: Optional[str] = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            sections.setdefault(section, [])
            continue
        if section is None:
            raise ValueError(f"{path}:{number}: case before any [section]")
        text, _, expected = line.partition(" => ")
        names = [n.strip() for n in expected.split(";") if n.strip()] if expected else []
        sections[section].append(Case(section, text, names, number))
    return sections
