"""Which tool "the pipelines one" or "the one Meta makes" is: a tool picked by what the asker says
of it, among the tools the conversation holds.

People point at a tool by a word of its name, its maker, its job or its licence instead of its name
("which one is the git-for-a-SQL-database one?", "and the one Meta makes for the same job?"). The
words they use are weighed by how rare they are across the knowledge base (a word every summary
has says nothing) and matched against each candidate's own text: name, aliases, summary,
description, category and licence. One candidate must come out ahead; a tie picks none.
"""

from __future__ import annotations

import math
import re
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence

from core.loader import KnowledgeBase
from core.schema import Tool
from core.text import tokenize

# Words that describe no tool: the pointing itself ("the ... one"), function words, and the
# conversation's own ("the same job").
_NOT_DESCRIBING = frozenset(
    "a an the one ones tool tools thing things that which who is are was it its this for of to in on at by "
    "with and or from about what whats which same job kind sort type makes made make built builds do does "
    "did can could we our you your they their them me my i there here then so and also please pls again "
    "one's more about tell".split()
)
# A word of the tool's name or aliases says more than one of its summary, and that more than one
# only its longer description uses: "the pipelines one" is Kubeflow Pipelines, not Kubeflow, whose
# description lists pipelines among its parts.
NAME_WEIGHT = 3.0
DESCRIPTION_WEIGHT = 0.5
_PLURAL = re.compile(r"(?<=[a-z]{3})s$")


def _stem(word: str) -> str:
    return _PLURAL.sub("", word)


def describing_words(text: str) -> FrozenSet[str]:
    """The words of `text` that can say something about a tool, lower-cased, singular."""
    words = set()
    for token in tokenize(re.sub(r"[-_/]", " ", text)):
        for part in re.split(r"[&.+]", token.stem):
            if len(part) > 1 and part not in _NOT_DESCRIBING:
                words.add(_stem(part))
    return frozenset(words)


def _tool_text(tool: Tool, kb: KnowledgeBase, with_description: bool = True) -> str:
    category = kb.category(tool.category)
    licence = "open source free" if tool.open_source else "commercial proprietary paid"
    parts = [tool.name, *tool.aliases, tool.summary, category.label if category else "", licence]
    return " ".join([*parts, tool.description] if with_description else parts)


_RARITY: Dict[int, tuple] = {}  # id(kb) -> (kb, rarity): worked out once per knowledge base


def _rarity(kb: KnowledgeBase) -> Dict[str, float]:
    """How rare each word is across the tools' texts: log(tools / tools using it)."""
    cached = _RARITY.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    counts: Dict[str, int] = {}
    for tool in kb.tools:
        for word in describing_words(_tool_text(tool, kb)):
            counts[word] = counts.get(word, 0) + 1
    total = len(kb.tools)
    rarity = {word: math.log(total / count) for word, count in counts.items()}
    _RARITY[id(kb)] = (kb, rarity)
    return rarity


def described_tool(kb: KnowledgeBase, description: str, candidates: Iterable[Tool]) -> Optional[Tool]:
    """The candidate whose own text the description fits best, when one fits better than the rest."""
    asked = describing_words(description)
    if not asked:
        return None
    rarity = _rarity(kb)
    unseen = math.log(len(kb.tools) or 1)  # a word no tool uses counts for nothing
    scored: List[tuple] = []
    for tool in {t.name: t for t in candidates}.values():
        named = describing_words(" ".join([tool.name, *tool.aliases]))
        said = describing_words(_tool_text(tool, kb, with_description=False))
        described = describing_words(tool.description)
        score = sum(
            rarity.get(w, unseen) * (NAME_WEIGHT if w in named else 1.0 if w in said else DESCRIPTION_WEIGHT)
            for w in asked & (named | said | described)
        )
        scored.append((score, tool))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or scored[0][0] <= 0 or (len(scored) > 1 and scored[1][0] >= scored[0][0]):
        return None
    return scored[0][1]


def candidates_for(kb: KnowledgeBase, held: Sequence[str]) -> List[List[Tool]]:
    """Where to look, nearest first: the tools the conversation holds, then the ones that do the
    same job as the first of them (its listed alternatives, then its category)."""
    tools = [t for t in (kb.find(name) for name in held) if t is not None]
    if not tools:
        return []
    first = tools[0]
    alternatives = [t for t in (kb.find(name) for name in first.alternatives) if t is not None]
    same_kind = [
        t for t in kb.tools if first.category in (t.category, *t.secondary_categories) and t.name != first.name
    ]
    return [tools, alternatives, same_kind]


def pick(kb: KnowledgeBase, description: str, held: Sequence[str]) -> Optional[Tool]:
    """The tool `description` points at among the tools the conversation holds, or among those that
    do the same job as the first of them when none of the held ones fits."""
    for group in candidates_for(kb, held):
        found = described_tool(kb, description, group)
        if found is not None:
            return found
    return None
