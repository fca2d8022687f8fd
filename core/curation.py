"""Curating the base: which entries are due for a fresh check, and which alternatives point one way.

Pure functions over a loaded `KnowledgeBase`; the CLI (`python -m core stale|links|stats`) prints them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from core.loader import DEFAULT_DIRECTORY, KnowledgeBase, this_month
from core.schema import STATUSES, Tool

DEFAULT_STALE_MONTHS = 6
ONE_WAY_FILE = "one_way_alternatives.yml"


def months_between(earlier: str, later: str) -> int:
    """Whole months from one YYYY-MM to another (negative when `earlier` is later)."""
    (y1, m1), (y2, m2) = (map(int, earlier.split("-")), map(int, later.split("-")))
    return (y2 - y1) * 12 + (m2 - m1)


def stale(kb: KnowledgeBase, months: int = DEFAULT_STALE_MONTHS, today: Optional[str] = None) -> List[Tool]:
    """Entries last checked `months` or more months ago, oldest first."""
    now = today or this_month()
    due = [t for t in kb.tools if months_between(t.checked, now) >= months]
    return sorted(due, key=lambda t: (t.checked, t.name.lower()))


def age(kb: KnowledgeBase, today: Optional[str] = None) -> Dict[str, object]:
    """How old the base's facts are: oldest and newest check, median age in months, and the count of
    entries per checked month and per status."""
    now = today or this_month()
    ages = [months_between(t.checked, now) for t in kb.tools]
    checked = sorted(t.checked for t in kb.tools)
    return {
        "oldest_check": checked[0] if checked else None,
        "newest_check": checked[-1] if checked else None,
        "median_age_months": statistics.median(ages) if ages else None,
        "checked": dict(sorted(Counter(checked).items())),
        "status": {s: sum(t.status == s for t in kb.tools) for s in STATUSES},
    }


# -- alternatives that point one way -------------------------------------------------------------
@dataclass(frozen=True)
class OneWay:
    """`tool` lists `alternative`, but `alternative` does not list `tool`."""

    tool: str
    alternative: str

    def __str__(self) -> str:
        return f"{self.tool} -> {self.alternative}"


def one_way_links(kb: KnowledgeBase) -> List[OneWay]:
    """Every alternative whose entry does not name the tool back, by canonical names."""
    links = []
    for tool in kb.tools:
        for name in tool.alternatives:
            other = kb.find(name)
            if other is None:
                continue
            if not any(kb.find(back) is tool for back in other.alternatives):
                links.append(OneWay(tool.name, other.name))
    return links


def recorded_one_way(directory: Path = DEFAULT_DIRECTORY) -> Dict[Tuple[str, str], str]:
    """The one-way links the base means to keep, with the reason for each (`one_way_alternatives.yml`)."""
    path = directory / ONE_WAY_FILE
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    recorded: Dict[Tuple[str, str], str] = {}
    for entry in raw.get("one_way", []):
        reason = str(entry.get("reason") or "").strip()
        if not reason:
            raise ValueError(f"{path}: {entry.get('tool')} -> {entry.get('alternative')}: no reason given")
        recorded[(str(entry["tool"]), str(entry["alternative"]))] = reason
    return recorded


def unrecorded_one_way(kb: KnowledgeBase, recorded: Dict[Tuple[str, str], str]) -> List[OneWay]:
    """One-way links nobody has explained: either name the tool back, or record why not."""
    return [link for link in one_way_links(kb) if (link.tool, link.alternative) not in recorded]


def obsolete_records(kb: KnowledgeBase, recorded: Dict[Tuple[str, str], str]) -> List[Tuple[str, str]]:
    """Recorded exceptions that no longer describe a one-way link (made symmetric, or removed)."""
    current = {(link.tool, link.alternative) for link in one_way_links(kb)}
    return [pair for pair in recorded if pair not in current]
