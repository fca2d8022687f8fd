"""Ranks tools for a purpose: alternatives to a tool, and a recommendation for a category.

Pure: knowledge base in, ordered tools out. Ranking is explainable on purpose: tools the base
lists as alternatives first, then the category's tools, best-known first.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from core.loader import KnowledgeBase
from core.message import Constraints, Hosting
from core.schema import PROPRIETARY, Tool

# "Simpler" means nothing you must operate: a library you import, or a service someone else can run.
_SIMPLE_OFFERINGS = ("library", "managed", "self-hosted-and-managed")
_SELF_HOSTABLE = ("library", "self-hosted", "self-hosted-and-managed")
_MANAGED_OFFERINGS = ("managed", "self-hosted-and-managed")


def is_open_source(tool: Tool) -> bool:
    return tool.open_source and tool.license != PROPRIETARY


NO_CONSTRAINTS = Constraints()


def satisfies(tool: Tool, wanted: Constraints) -> bool:
    if wanted.open_source is not None and is_open_source(tool) != wanted.open_source:
        return False
    if wanted.hosting is Hosting.SELF_HOSTED and tool.offering not in _SELF_HOSTABLE:
        return False
    return not (wanted.hosting is Hosting.MANAGED and tool.offering not in _MANAGED_OFFERINGS)


def _unique(tools: List[Tool]) -> List[Tool]:
    seen: Dict[str, Tool] = {}
    for tool in tools:
        seen.setdefault(tool.name, tool)
    return list(seen.values())


def alternatives(kb: KnowledgeBase, tool: Tool, wanted: Constraints = NO_CONSTRAINTS) -> List[Tool]:
    """Tools that can replace `tool`: its listed alternatives, then its category's best-known.

    Archived and discontinued tools are never offered as replacements. With `simpler`, tools that
    need no platform of their own (libraries, managed services) come first, and self-hosted
    platforms only when nothing simpler fits.
    """
    listed = [t for t in (kb.find(name) for name in tool.alternatives) if t is not None]
    same_category = kb.tools_in(tool.category)
    pool = [
        t for t in _unique(listed + same_category) if t.name != tool.name and not t.retired and satisfies(t, wanted)
    ]
    if wanted.simpler:
        simple = [t for t in pool if t.offering in _SIMPLE_OFFERINGS]
        pool = simple + [t for t in pool if t not in simple]
    return pool


def recommend(kb: KnowledgeBase, category_id: str, wanted: Constraints = NO_CONSTRAINTS) -> List[Tool]:
    """The category's living tools that fit, best first: best-known, then discussed in a seed talk
    (archived and discontinued tools are not recommended)."""
    fitting = [t for t in _unique(kb.tools_in(category_id)) if not t.retired and satisfies(t, wanted)]

    def merit(tool: Tool) -> Tuple[bool, int, bool, int, str]:  # as `tools_in` ranks, then seed talks break ties
        return (*kb.standing(tool, category_id), -len(tool.seed_mentions), tool.name.lower())

    return sorted(fitting, key=merit)


def category_for_practice(kb: KnowledgeBase, topic: str) -> Optional[str]:
    """The tool category a practice topic is about ("explain feature stores", then "any tools for
    that?" lists feature stores).

    The category whose `practices` list the topic wins, then one named like the topic; otherwise
    each tool whose `practices` name the topic votes for its categories (its primary one twice),
    best-known tools weighing more, and ties go to the category listed first. None when nothing
    names the topic.
    """
    listed = next((c.id for c in kb.categories if topic in c.practices), None)
    if listed is not None:  # categories.yml says which category a topic's tools are in
        return listed
    named = topic.replace("_", "-")
    if kb.category(named) is not None:  # model_registry -> model-registry
        return named
    votes: Dict[str, int] = {}
    for tool in kb.tools:
        if topic in tool.practices:
            votes[tool.category] = votes.get(tool.category, 0) + 2 * tool.popularity
            for secondary in tool.secondary_categories:
                votes[secondary] = votes.get(secondary, 0) + tool.popularity
    if not votes:
        return None
    order = {c.id: i for i, c in enumerate(kb.categories)}
    return min(votes, key=lambda c: (-votes[c], order.get(c, len(order))))


def open_source_only(tools: List[Tool]) -> List[Tool]:
    return [t for t in tools if is_open_source(t)]


def best_known(tools: List[Tool]) -> Optional[Tool]:
    """The single best-known living tool of several, or None when two share the top."""
    living = [t for t in tools if not t.retired]
    if not living:
        return None
    ranked = sorted(living, key=lambda t: -t.popularity)
    if len(ranked) > 1 and ranked[0].popularity == ranked[1].popularity:
        return None
    return ranked[0]
