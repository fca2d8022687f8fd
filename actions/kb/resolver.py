"""Finds the tools and the category a person mentions in free text.

The contract is pinned by tests/kb/test_resolver.py; change a constant only with that table.
Order of work: exact names and aliases (ignoring spaces and punctuation), then fuzzy matches of
the words left over. Very short words match only exactly, ordinary English words are never
fuzzy-matched, and a fuzzy match must clear a score and beat the runner-up by a margin;
otherwise the tools become `candidates` for a "did you mean" question.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz, process

from actions.kb.loader import KnowledgeBase, default_knowledge_base
from actions.kb.schema import Tool
from actions.kb.text import Token, compact, compact_tokens, tokenize

COMMON_WORDS_FILE = Path(__file__).with_name("common_words.txt")

MAX_SPAN = 4  # longest name, in words, that the resolver looks for
MIN_FUZZY_LENGTH = 4  # shorter words and names match only exactly ("dvc", "ray", "w&b")
MARGIN = 4.0  # a fuzzy winner must beat the next tool by this many points
MAX_CANDIDATES = 3
# (shortest compacted length, score to accept, score to suggest), by length of what was typed
FUZZY_CUTOFFS = ((4, 88.0, 75.0), (5, 83.0, 65.0), (7, 80.0, 65.0))
CATEGORY_ACCEPT = 88.0
# Words after which an ordinary word that is also a tool's name ("ray", "spark") means the tool.
CUE_WORDS = frozenset(
    "about is whats use using used with vs versus or and like than of between compare try "
    "trying recommend explain tell does do".split()
)
# Words that never start or end a multi-word fuzzy span.
EDGE_STOPWORDS = frozenset(
    "a an the is are was to of for in on at and or vs me my i you your it its what whats "
    "which who how why when do does can should would tell about with use using".split()
)


@functools.lru_cache(maxsize=None)
def common_words() -> FrozenSet[str]:
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


@dataclass(frozen=True)
class Resolution:
    query: str
    tools: List[str] = field(default_factory=list)
    candidates: List[str] = field(default_factory=list)
    category: Optional[str] = None

    def as_json(self) -> Dict[str, object]:
        return {"query": self.query, "tools": self.tools, "candidates": self.candidates, "category": self.category}


@dataclass(frozen=True)
class _Hit:
    start: int  # token index
    end: int  # token index, exclusive
    tool: Tool
    score: float
    exact: bool

    def key(self) -> Tuple[int, bool, float]:
        return (self.end - self.start, self.exact, self.score)


def _cutoffs(length: int) -> Tuple[float, float]:
    accept, suggest = 101.0, 101.0
    for shortest, acc, sug in FUZZY_CUTOFFS:
        if length >= shortest:
            accept, suggest = acc, sug
    return accept, suggest


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


class Resolver:
    """Built once per knowledge base; `resolve` is then pure and fast."""

    def __init__(self, kb: KnowledgeBase, ordinary_words: FrozenSet[str] = frozenset()) -> None:
        self.kb = kb
        self.exact: Dict[str, Tool] = kb.by_surface_form
        self.fuzzy_keys = [k for k in self.exact if len(k) >= MIN_FUZZY_LENGTH]
        self.fuzzy_tools = [self.exact[k] for k in self.fuzzy_keys]
        words_in: Dict[str, int] = {}  # how many words the longest form with this key has
        for tool in kb.tools:
            for form in tool.surface_forms:
                key = compact(form)
                words_in[key] = max(words_in.get(key, 0), len(tokenize(form)))
        self.fuzzy_words = [words_in[k] for k in self.fuzzy_keys]
        self.ordinary = ordinary_words
        # first words of multi-word names: "apache" -> Apache Airflow, Apache Spark, Apache Kafka...
        self.first_words: Dict[str, List[Tool]] = {}
        for tool in kb.tools:
            for form in tool.surface_forms:
                words = [t.text for t in tokenize(form)]
                if len(words) > 1 and words[0] not in self.ordinary and len(words[0]) >= MIN_FUZZY_LENGTH:
                    bucket = self.first_words.setdefault(words[0], [])
                    if all(t.name != tool.name for t in bucket):
                        bucket.append(tool)
        self.phrases: Dict[str, str] = {}
        for category in kb.categories:
            for phrase in [category.id.replace("-", " "), category.label, *category.phrases]:
                self.phrases.setdefault(self._phrase_key(tokenize(phrase)), category.id)
        self.fuzzy_phrases = [p for p in self.phrases if len(p) >= 6]

    @staticmethod
    def _phrase_key(tokens: Sequence[Token]) -> str:
        return " ".join(_singular(t.text) for t in tokens)

    # -- tools ---------------------------------------------------------------------------------
    def _exact_hits(self, tokens: List[Token]) -> List[_Hit]:
        hits = []
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + MAX_SPAN, len(tokens)) + 1):
                tool = self.exact.get(compact_tokens(tokens[start:end]))
                if tool is not None:
                    hits.append(_Hit(start, end, tool, 100.0, True))
        return hits

    def _is_ordinary(self, token: Token) -> bool:
        return token.text in self.ordinary

    def _fuzzy_spans(self, tokens: List[Token]):
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + MAX_SPAN, len(tokens)) + 1):
                span = tokens[start:end]
                if all(self._is_ordinary(t) for t in span):
                    continue
                if end - start > 1 and (span[0].text in EDGE_STOPWORDS or span[-1].text in EDGE_STOPWORDS):
                    continue
                if end - start == 1 and span[0].text.isdigit():
                    continue
                key = compact_tokens(span)
                if len(key) >= MIN_FUZZY_LENGTH:
                    yield start, end, key

    def _fuzzy_hits(self, tokens: List[Token], suggestions: List[Tuple[float, Tool, int]]) -> List[_Hit]:
        hits = []
        for start, end, key in self._fuzzy_spans(tokens):
            accept, suggest = _cutoffs(len(key))
            ranked = process.extract(key, self.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=suggest, limit=8)
            best: Dict[str, Tuple[float, Tool]] = {}
            for _, score, index in ranked:
                if end - start > self.fuzzy_words[index] + 1:
                    continue  # "ci and github actions" is not a typo of "github actions"
                tool = self.fuzzy_tools[index]
                if tool.name not in best or best[tool.name][0] < score:
                    best[tool.name] = (score, tool)
            ordered = sorted(best.values(), key=lambda st: -st[0])
            if not ordered:
                continue
            top_score, top_tool = ordered[0]
            runner_up = ordered[1][0] if len(ordered) > 1 else 0.0
            if top_score >= accept and top_score - runner_up >= MARGIN:
                hits.append(_Hit(start, end, top_tool, top_score, False))
            elif end - start == 1:  # near misses and ties become "did you mean" candidates
                suggestions.extend((s, t, start) for s, t in ordered[:MAX_CANDIDATES] if s >= suggest)
        return hits

    @staticmethod
    def _swallows(fuzzy: _Hit, exact: List[_Hit]) -> bool:
        """A typo match over a span that already holds exact names: "dvc, mlflow" is two tools."""
        inside = [e for e in exact if fuzzy.start <= e.start and e.end <= fuzzy.end]
        return len(inside) > 1 or any(e.tool.name == fuzzy.tool.name for e in inside)

    def _cued(self, tokens: List[Token], hit: _Hit, others: List[_Hit]) -> bool:
        """An ordinary word that names a tool ("ray", "spark") counts only with a cue."""
        if hit.end - hit.start > 1 or not self._is_ordinary(tokens[hit.start]):
            return True
        token = tokens[hit.start]
        previous = tokens[hit.start - 1].text if hit.start > 0 else ""
        following = tokens[hit.end].text if hit.end < len(tokens) else ""
        near_tool = any(o is not hit and (o.end == hit.start - 1 or o.start == hit.end + 1) for o in others)
        return (
            token.original[:1].isupper()
            or len(tokens) <= 2
            or previous in CUE_WORDS
            or following in ("or", "vs", "versus")
            or near_tool
        )

    def _tools(self, tokens: List[Token]) -> Tuple[List[Tool], List[Tool]]:
        suggestions: List[Tuple[float, Tool, int]] = []  # (score, tool, token index)
        exact = self._exact_hits(tokens)
        hits = exact + [h for h in self._fuzzy_hits(tokens, suggestions) if not self._swallows(h, exact)]
        chosen: List[_Hit] = []
        taken = set()
        for hit in sorted(hits, key=_Hit.key, reverse=True):
            if taken.isdisjoint(range(hit.start, hit.end)):
                chosen.append(hit)
                taken.update(range(hit.start, hit.end))
        chosen = [h for h in chosen if self._cued(tokens, h, chosen)]
        covered = {i for h in chosen for i in range(h.start, h.end)}
        for index, token in enumerate(tokens):  # "seldon": first word of several names
            if index not in covered and token.text in self.first_words:
                family = self.first_words[token.text]
                if len(family) == 1:
                    chosen.append(_Hit(index, index + 1, family[0], 90.0, False))
                else:
                    suggestions.extend((100.0 + t.popularity, t, index) for t in family)
        # Tools are compared by name: pydantic's == compares every field.
        tools: Dict[str, Tool] = {}
        for hit in sorted(chosen, key=lambda h: h.start):
            tools.setdefault(hit.tool.name, hit.tool)
        candidates: Dict[str, Tool] = {}
        for _, tool, index in sorted(suggestions, key=lambda sti: -sti[0]):
            if index not in covered and tool.name not in tools:
                candidates.setdefault(tool.name, tool)
        return list(tools.values()), list(candidates.values())[:MAX_CANDIDATES]

    # -- categories ----------------------------------------------------------------------------
    def _category(self, tokens: List[Token]) -> Optional[str]:
        found: List[Tuple[int, int, str]] = []  # (start, -length, category)
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + MAX_SPAN, len(tokens)) + 1):
                span = tokens[start:end]
                key = self._phrase_key(span)
                category = self.phrases.get(key)
                if category is None and not all(self._is_ordinary(t) for t in span) and len(key) >= 6:
                    if end - start == 1 or span[0].text not in EDGE_STOPWORDS:
                        match = process.extractOne(key, self.fuzzy_phrases, scorer=fuzz.ratio, score_cutoff=CATEGORY_ACCEPT)
                        if match is not None:
                            category = self.phrases[match[0]]
                if category is not None:
                    found.append((start, -(end - start), category))
        return min(found)[2] if found else None

    def resolve(self, text: str) -> Resolution:
        tokens = tokenize(text)
        tools, candidates = self._tools(tokens)
        return Resolution(
            query=text,
            tools=[t.name for t in tools],
            candidates=[t.name for t in candidates],
            category=self._category(tokens),
        )


@functools.lru_cache(maxsize=None)
def default_resolver() -> Resolver:
    """The resolver over the project's base, built once per process on first use."""
    return Resolver(default_knowledge_base(), common_words())
