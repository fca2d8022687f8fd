"""How the knowledge base and the resolver see text: one normalisation for both."""
from __future__ import annotations

import re
import unicodedata
from typing import List, NamedTuple

# A token is a run of letters and digits, joined by & . + inside it ("w&b", "llama.cpp").
_TOKEN = re.compile(r"[a-z0-9]+(?:[&.+][a-z0-9]+)*")
_JOINERS = re.compile(r"[&.+]")
_APOSTROPHES = re.compile(r"['\u2019]")  # "what's" -> "whats", as people type it on phones


class Token(NamedTuple):
    text: str  # lower-cased
    original: str  # as typed
    start: int  # character offset in the original text


def tokenize(text: str) -> List[Token]:
    """Tokens of `text`, lower-cased, keeping what was typed for casing cues."""
    folded = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text))
    lowered = folded.lower()
    if len(lowered) != len(folded):  # rare characters whose lower case changes length
        folded = lowered
    return [
        Token(m.group(), folded[m.start() : m.end()], m.start())
        for m in _TOKEN.finditer(lowered)
    ]


def compact(words: str) -> str:
    """The key two spellings share when they differ only in spaces and punctuation:
    "ML Flow", "ml-flow" and "MLflow" all give "mlflow"."""
    return compact_tokens(tokenize(words))


def compact_tokens(tokens: List[Token]) -> str:
    return "".join(_JOINERS.sub("", t.text) for t in tokens)
