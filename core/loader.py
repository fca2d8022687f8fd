"""Loads and checks the knowledge base: YAML files -> a validated, immutable `KnowledgeBase`."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml
from pydantic import ValidationError

from core.schema import Category, CategoryFile, Tool
from core.text import compact

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[1] / "knowledge_base"
DIRECTORY_VARIABLE = "KNOWLEDGE_BASE_DIR"  # another base, for curating or testing
CATEGORIES_FILE = "categories.yml"
TOOLS_DIRECTORY = "tools"


@dataclass(frozen=True)
class Problem:
    """One reason a knowledge base is invalid, located by file and entry."""

    file: str
    entry: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.reason}"


class InvalidKnowledgeBase(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"the knowledge base is invalid ({len(self.problems)} problems):\n{listing}")


@dataclass(frozen=True)
class KnowledgeBase:
    tools: Tuple[Tool, ...]
    categories: Tuple[Category, ...]
    _by_key: Dict[str, Tool] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for tool in self.tools:
            for form in tool.surface_forms:
                self._by_key.setdefault(compact(form), tool)

    @property
    def by_surface_form(self) -> Dict[str, Tool]:
        """Every name and alias, folded by `compact`, mapped to its tool."""
        return dict(self._by_key)

    def find(self, name: str) -> Optional[Tool]:
        """The tool this exact name or alias (ignoring case, spaces, punctuation) names."""
        return self._by_key.get(compact(name))

    def category(self, category_id: str) -> Optional[Category]:
        return next((c for c in self.categories if c.id == category_id), None)

    @staticmethod
    def standing(tool: Tool, category_id: str) -> Tuple[bool, int, bool]:
        """How well known a tool is for a category's job, best first when sorted: a secondary member
        ranks one step below its popularity, and below a primary member of the same standing; an
        archived or discontinued tool comes after every living one, however well known it was."""
        secondary = tool.category != category_id
        return (tool.retired, -(tool.popularity - secondary), secondary)

    def tools_in(self, category_id: str) -> List[Tool]:
        """The category's tools, best-known first.

        A secondary member (a tool that does this job beside its main one) ranks as one step less
        known than its popularity: MLflow (5) comes before an obscure registry, while an all-in-one
        cloud platform (5) does not push a category's own best-known tools off the first page.
        Archived and discontinued tools come last. Among equals: primary members by name, then
        secondary members with fewer categories first
        (specialists before all-in-one platforms), then by name.
        """

        def rank(tool: Tool) -> Tuple[bool, int, bool, int, str]:
            breadth = len(tool.secondary_categories) if tool.category != category_id else 0
            return (*self.standing(tool, category_id), breadth, tool.name.lower())

        members = [t for t in self.tools if t.category == category_id or category_id in t.secondary_categories]
        return sorted(members, key=rank)


def this_month() -> str:
    """The current month as entries' `checked` writes it (YYYY-MM, UTC)."""
    return datetime.now(timezone.utc).strftime("%Y-%m")


def _read_yaml(path: Path, problems: List[Problem]) -> Optional[object]:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problems.append(Problem(str(path), "-", f"cannot be read as YAML: {error}"))
        return None


def _entry_label(raw: object, index: int) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"'{name}'" if isinstance(name, str) and name.strip() else f"entry #{index + 1}"


def _pydantic_reasons(error: ValidationError) -> List[str]:
    return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]


def _load_categories(path: Path, problems: List[Problem]) -> List[Category]:
    raw = _read_yaml(path, problems)
    if raw is None:
        return []
    try:
        categories = list(CategoryFile.parse_obj(raw).categories)
    except ValidationError as error:
        problems.extend(Problem(str(path), "-", r) for r in _pydantic_reasons(error))
        return []
    claimed: Dict[str, str] = {}
    for category in categories:
        for topic in category.practices:
            if topic in claimed:
                problems.append(Problem(str(path), category.id, f"practice '{topic}' is already {claimed[topic]}'s"))
            claimed.setdefault(topic, category.id)
    return categories


def _load_tools(path: Path, problems: List[Problem], rejected_names: List[str]) -> List[Tuple[Path, Tool]]:
    raw = _read_yaml(path, problems)
    if raw is None:
        return []
    if not isinstance(raw, dict) or set(raw) != {"tools"} or not isinstance(raw["tools"], list):
        problems.append(Problem(str(path), "-", "must hold exactly one key, `tools`, with a list"))
        return []
    tools = []
    for index, entry in enumerate(raw["tools"]):
        label = _entry_label(entry, index)
        try:
            tool = Tool.parse_obj(entry)
        except ValidationError as error:
            problems.extend(Problem(str(path), label, r) for r in _pydantic_reasons(error))
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                rejected_names.append(entry["name"])  # so alternatives naming it are not reported too
            continue
        problems.extend(Problem(str(path), label, r) for r in tool.consistent_licence())
        if tool.checked > this_month():
            problems.append(Problem(str(path), label, f"checked: '{tool.checked}' is in the future"))
        tools.append((path, tool))
    return tools


def _cross_checks(
    located: Iterable[Tuple[Path, Tool]], categories: List[Category], rejected_names: List[str]
) -> List[Problem]:
    problems: List[Problem] = []
    category_ids = {c.id for c in categories}
    owner: Dict[str, Tuple[Path, Tool]] = {}
    located = list(located)
    for path, tool in located:
        label = f"'{tool.name}'"
        if path.stem != tool.category:
            problems.append(Problem(str(path), label, f"category '{tool.category}' belongs in {tool.category}.yml"))
        for cat in [tool.category, *tool.secondary_categories]:
            if cat not in category_ids:
                problems.append(Problem(str(path), label, f"unknown category '{cat}'"))
        for form in tool.surface_forms:
            key = compact(form)
            if not key:
                problems.append(Problem(str(path), label, f"name or alias '{form}' has no letters or digits"))
                continue
            if key in owner and owner[key][1] is not tool:
                other_path, other = owner[key]
                problems.append(
                    Problem(
                        str(path),
                        label,
                        f"name or alias '{form}' is already used by '{other.name}' ({other_path.name})",
                    )
                )
            owner.setdefault(key, (path, tool))
    rejected = {compact(name) for name in rejected_names}
    for path, tool in located:
        for alternative in tool.alternatives:
            target = owner.get(compact(alternative))
            if target is None and compact(alternative) in rejected:
                continue
            if target is None:
                problems.append(
                    Problem(str(path), f"'{tool.name}'", f"alternative '{alternative}' is not in the knowledge base")
                )
            elif target[1] is tool:
                problems.append(Problem(str(path), f"'{tool.name}'", f"alternative '{alternative}' is the tool itself"))
    return problems


def load_knowledge_base(directory: Path = DEFAULT_DIRECTORY, extra_file: Optional[Path] = None) -> KnowledgeBase:
    """Reads and checks the whole base; raises `InvalidKnowledgeBase` listing every problem.

    `extra_file` is checked with the base, in place of the base's file of the same name.
    """
    problems: List[Problem] = []
    categories = _load_categories(directory / CATEGORIES_FILE, problems)
    files = sorted((directory / TOOLS_DIRECTORY).glob("*.yml"))
    if extra_file is not None:
        files = [f for f in files if f.name != extra_file.name] + [extra_file]
    if not files:
        problems.append(Problem(str(directory / TOOLS_DIRECTORY), "-", "holds no tool files"))
    rejected: List[str] = []
    located = [item for path in files for item in _load_tools(path, problems, rejected)]
    problems.extend(_cross_checks(located, categories, rejected))
    if problems:
        raise InvalidKnowledgeBase(problems)
    return KnowledgeBase(tools=tuple(t for _, t in located), categories=tuple(categories))


@functools.lru_cache(maxsize=None)
def default_knowledge_base() -> KnowledgeBase:
    """The project's base (or `$KNOWLEDGE_BASE_DIR`), loaded once per process on first use."""
    override = os.environ.get(DIRECTORY_VARIABLE)
    return load_knowledge_base(Path(override) if override else DEFAULT_DIRECTORY)
