"""How the knowledge base and the resolver see text: one normalisation for both."""

from __future__ import annotations

import re
import unicodedata
from typing import List, NamedTuple

# A token is a run of letters and digits, joined by & . + inside it ("w&b", "llama.cpp"), and by
# apostrophes, which are then dropped: "what's" -> "whats", as people type it on phones.
_TOKEN = re.compile(r"[a-z0-9]+(?:[&.+'\u2019][a-z0-9]+)*")
_JOINERS = re.compile(r"[&.+]")
_APOSTROPHES = re.compile(r"['\u2019]")
_POSSESSIVE = re.compile(r"['\u2019]s$")  # "DVC's", and "what's" alike: the resolver tells them apart


class Token(NamedTuple):
    text: str  # lower-cased, without apostrophes
    original: str  # as typed
    start: int  # character offset in fold(text)
    possessive: bool = False  # ended in 's: "dvcs" from "DVC's" is also "dvc"

    @property
    def stem(self) -> str:
        """The word without a possessive 's ("DVC's" -> "dvc"); the text itself otherwise."""
        return self.text[:-1] if self.possessive else self.text


def fold(text: str) -> str:
    """The text that tokens' `original` and `start` refer to: `text` in NFKC form."""
    folded = unicodedata.normalize("NFKC", text)
    lowered = folded.lower()
    return lowered if len(lowered) != len(folded) else folded  # rare characters whose lower case changes length


def tokenize(text: str) -> List[Token]:
    """Tokens of `text`, lower-cased, keeping what was typed for casing cues."""
    folded = fold(text)
    lowered = folded.lower()
    tokens = []
    for m in _TOKEN.finditer(lowered):
        word = m.group()
        tokens.append(
            Token(_APOSTROPHES.sub("", word), folded[m.start() : m.end()], m.start(), bool(_POSSESSIVE.search(word)))
        )
    return tokens


def compact(words: str) -> str:
    """The key two spellings share when they differ only in spaces and punctuation:
    "ML Flow", "ml-flow" and "MLflow" all give "mlflow"."""
    return compact_tokens(tokenize(words))


def compact_tokens(tokens: List[Token]) -> str:
    return "".join(_JOINERS.sub("", t.text) for t in tokens)
