"""NLU data generated from the knowledge base, so the base is the one place names are kept.

Writes a lookup table and synonyms for the `tool` and `category` entities. `make kb-nlu`
regenerates it; a test fails when the committed file drifts from the base.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml

from core.loader import KnowledgeBase

GENERATED_FILE = Path(__file__).resolve().parents[1] / "data" / "nlu" / "generated" / "knowledge_base.yml"
HEADER = "# Generated from knowledge_base/ by `make kb-nlu`. Do not edit: edit the base instead.\n"


class _Literal(str):
    """A block of `- item` lines, written as a YAML literal block like hand-written NLU data."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


def _examples(items: List[str]) -> _Literal:
    return _Literal("".join(f"- {item}\n" for item in items))


def render(kb: KnowledgeBase) -> str:
    entries: List[Dict[str, object]] = []
    names = sorted({form for tool in kb.tools for form in tool.surface_forms}, key=lambda s: (s.lower(), s))
    entries.append({"lookup": "tool", "examples": _examples(names)})
    for tool in sorted(kb.tools, key=lambda t: t.name.lower()):
        if tool.aliases:
            entries.append({"synonym": tool.name, "examples": _examples(list(tool.aliases))})
    phrases = sorted({p for c in kb.categories for p in c.phrases}, key=lambda s: (s.lower(), s))
    entries.append({"lookup": "category", "examples": _examples(phrases)})
    # Rasa's synonyms ignore the entity type: a phrase that is also a tool's alias ("jupyter
    # notebooks") keeps the tool's synonym, and the action server finds the category from the phrase.
    tool_forms = {form.lower() for tool in kb.tools for form in tool.aliases}
    for category in kb.categories:
        own = [p for p in category.phrases if p.lower() not in tool_forms]
        if own:
            entries.append({"synonym": category.id, "examples": _examples(own)})
    dumper: Any = type("Dumper", (yaml.SafeDumper,), {})
    dumper.add_representer(_Literal, _literal)
    body = yaml.dump({"version": "3.1", "nlu": entries}, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def write(kb: KnowledgeBase, check: bool = False, target: Path = GENERATED_FILE) -> List[str]:
    """Writes the file (or, with `check`, only compares); returns the paths that were stale."""
    wanted = render(kb)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current == wanted:
        return []
    if not check:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(wanted, encoding="utf-8")
    return [str(target)]
