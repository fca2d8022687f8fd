"""Slips and chat shorthand in ordinary words, put right before the classifiers read a message.

"how to detcet data drift", "hw do u kno ur model is drifting" and "compair them pls" say what
"how to detect data drift", "how do you know your model is drifting" and "compare them please" say;
the classifiers learnt from the second kind. A slip is set right with SymSpell (symspellpy) into a
word the assistant's own data uses often (its training examples and answers): only those words
matter to the classifiers, and a rarer target would turn unknown names into words ("trivoxa" is not
"trivia"). Chat shorthand too short to correct by spelling ("u", "kno", "imgs") comes from a
lexicon (resources/shorthand.tsv).

It never touches what may be a name: a word a dictionary knows (symspellpy's English list, the
resolver's word lists), a tool's name, a capitalised or all-capital word inside a sentence, a word
with digits, a word near no word the data uses often. A word the resolver reads as an unknown name
(`names`) is corrected only when the correction is sure, and a word that named a tool it found
(`keep`) never is: shorthand, or a slip of a word the data
uses very often ("compair" -> "compare"). Only sure corrections reach the text names are read from
(`sure_only`), so "kubeflux" stays an unknown tool and never becomes Kubeflow.

When several words are as near to a slip, the one the data uses beside the slip's neighbours wins
("opne source" is "open source", not "one source"; "compair the two" is "compare", not "company"),
then the one it uses most. The neighbours are counted from the same data (`word_pairs`).

Pure: no Rasa. The NLU pipeline builds one `SpellingNormaliser` per model (assistant/nlu/spelling.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

import jellyfish
import symspellpy
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from symspellpy import SymSpell, Verbosity

SHORTHAND_FILE = Path(__file__).parent / "resources" / "shorthand.tsv"
ENGLISH_FILE = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"

# A word of the assistant's own data is a correction when the data uses it this often ("annotating"),
# and a sure one, which may overrule the resolver's reading of a name, from this many uses ("compare").
OWN_WORD_USES = 5
SURE_WORD_USES = 20
# How far a slip may be from the word meant, by the word's length: one letter in short words,
# two from SHORT_WORD + 1 letters on. Shorter words are read only from the shorthand lexicon.
SHORTEST_CORRECTED = 4
SHORT_WORD = 5

# A word as the speller reads it: letters and digits ("k8s", "b4"), with apostrophes inside.
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]\s*$")


@dataclass(frozen=True)
class Correction:
    written: str
    meant: str
    sure: bool  # shorthand, or a slip of a word the data uses very often


@functools.lru_cache(maxsize=None)
def shorthand() -> Dict[str, str]:
    """Chat shorthand and its words ("u" -> "you"), from SHORTHAND_FILE."""
    lexicon = {}
    for number, line in enumerate(SHORTHAND_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        written, _, meant = line.partition("\t")
        if not meant.strip() or written != written.strip().lower():
            raise ValueError(f"{SHORTHAND_FILE}:{number}: expected '<shorthand, lower case>\\t<words>'")
        lexicon[written] = meant.strip()
    return lexicon


@functools.lru_cache(maxsize=None)
def _english_counts() -> Dict[str, int]:
    """symspellpy's English frequency list: each word and how often its corpus uses it."""
    counts = {}
    for line in ENGLISH_FILE.read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition(" ")
        counts[word] = int(count)
    return counts


@functools.lru_cache(maxsize=None)
def english_words() -> FrozenSet[str]:
    """The words of symspellpy's English frequency list: known, so never corrected."""
    return frozenset(_english_counts())


@functools.lru_cache(maxsize=None)
def frequent_english_words(min_count: int) -> FrozenSet[str]:
    """The words of symspellpy's English frequency list counted at least `min_count` times in its
    corpus ("coursework": 2.6 million): everyday words, whatever word list they are missing from."""
    return frozenset(w for w, n in _english_counts().items() if n >= min_count and w.isalpha())


def _words(text: str) -> List[str]:
    return [w for w in (m.group().lower().strip("'") for m in _WORD.finditer(text)) if w]


def word_pairs(texts: Iterable[str]) -> Dict[str, int]:
    """How often each two words follow each other in `texts` ("open source"), counted."""
    counts: Dict[str, int] = {}
    for text in texts:
        words = _words(text)
        for pair in zip(words, words[1:]):
            key = " ".join(pair)
            counts[key] = counts.get(key, 0) + 1
    return counts


def vocabulary(texts: Iterable[str]) -> Dict[str, int]:
    """The lower-case words of `texts`, counted: the assistant's own vocabulary."""
    counts: Dict[str, int] = {}
    for text in texts:
        for match in _WORD.finditer(text):
            word = match.group().lower().strip("'")
            if word:
                counts[word] = counts.get(word, 0) + 1
    return counts


class SpellingNormaliser:
    """Puts slips and shorthand in ordinary words right; leaves names and known words alone."""

    def __init__(
        self,
        own_words: Mapping[str, int],
        known_words: AbstractSet[str] = frozenset(),
        names: Iterable[str] = (),
        english: Optional[Iterable[str]] = None,
        lexicon: Optional[Mapping[str, str]] = None,
        own_pairs: Optional[Mapping[str, int]] = None,
    ) -> None:
        """`own_words`: the assistant's vocabulary and how often its data uses each word (`vocabulary`);
        `own_pairs`: how often its data uses two words side by side (`word_pairs`);
        `known_words`: more words never to correct (the resolver's word lists); `names`: tools'
        names and aliases, never corrected and never a correction."""
        self.lexicon = dict(shorthand() if lexicon is None else lexicon)
        self.own = {w.lower(): n for w, n in own_words.items() if w.isalpha()}
        self.pairs = dict(own_pairs or {})
        name_words = [re.findall(r"[a-z0-9]+", name.lower()) for name in names]
        one_word_names = {words[0] for words in name_words if len(words) == 1}  # "kubeflow"; not "detect"
        self.known: FrozenSet[str] = (
            (english_words() if english is None else frozenset(english))
            | frozenset(known_words)
            | frozenset(self.own)
            | frozenset(w for words in name_words for w in words)
        )
        self._name_words = sorted({w for words in name_words for w in words if len(w) >= SHORTEST_CORRECTED})
        # The word the data says after a word, by its sound: ("open", "SRS") -> "source", so a dictated
        # "open sores" is "open source" and "model surfing" is "model serving".
        self._sounds: Dict[Tuple[str, str], str] = {}
        for pair, uses in sorted(self.pairs.items(), key=lambda item: item[1]):
            first, _, second = pair.partition(" ")
            if uses >= SURE_WORD_USES and second.isalpha() and len(second) >= SHORTEST_CORRECTED:
                self._sounds[(first, jellyfish.metaphone(second))] = second  # the most used one last, so it wins
        self._spell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, uses in self.own.items():
            if uses >= OWN_WORD_USES and word not in one_word_names:
                self._spell.create_dictionary_entry(word, uses)

    def correct_word(self, word: str, before: str = "", after: str = "") -> Optional[Correction]:
        """What `word` means if it is shorthand or a slip, else None; `before` and `after` are its
        neighbours (lower case), which choose among words as near."""
        lowered = word.lower()
        if lowered in self.lexicon:
            return Correction(word, self.lexicon[lowered], sure=True)
        if len(lowered) < SHORTEST_CORRECTED or lowered in self.known or not lowered.isalpha():
            return None
        distance = 1 if len(lowered) <= SHORT_WORD else 2
        found = self._spell.lookup(lowered, Verbosity.CLOSEST, max_edit_distance=distance)
        if not found:
            return None
        # all at the closest distance: the one the data uses beside these neighbours, then one that sounds
        # like the slip ("compair" is "compare", not "company"), then the most used
        sound = jellyfish.metaphone(lowered)
        best = max(
            found,
            key=lambda s: (
                self.pairs.get(f"{before} {s.term}", 0) + self.pairs.get(f"{s.term} {after}", 0),
                jellyfish.metaphone(s.term) == sound,
                s.count,
            ),
        )
        if best.distance > 1 and process.extractOne(
            lowered, self._name_words, scorer=Levenshtein.distance, score_cutoff=best.distance - 1
        ):
            return None  # "nepture" is one slip from Neptune, two from "feature": a name, left to the resolver
        return Correction(word, best.term, sure=best.count >= SURE_WORD_USES)

    def joined(self, word: str) -> Optional[Correction]:
        """Two words run together that the data uses side by side, the second perhaps with one slip:
        "selfhost" is "self host", "opensorce" is "open source" (dictated or typed in a hurry). A
        made-up name of two words the data never pairs ("modelforge", "trainloop") stays a name."""
        lowered = word.lower()
        if len(lowered) < 2 * SHORTEST_CORRECTED or lowered in self.known or not lowered.isalpha():
            return None
        best: Optional[Tuple[int, str]] = None
        for split in range(2, len(lowered) - 1):
            left, right = lowered[:split], lowered[split:]
            if left not in self.own:
                continue
            seconds = [right] if right in self.own else []
            if not seconds and len(right) >= SHORTEST_CORRECTED:
                seconds = [s.term for s in self._spell.lookup(right, Verbosity.CLOSEST, max_edit_distance=1)]
            for second in seconds:
                uses = self.pairs.get(f"{left} {second}", 0)
                if uses >= OWN_WORD_USES and (best is None or uses > best[0]):
                    best = (uses, f"{left} {second}")
        return Correction(word, best[1], sure=True) if best else None

    def sound_alike(self, word: str, before: str) -> Optional[Correction]:
        """A dictated word that sounds like the one the data says after `before`: "sores" after "open"
        is "source". Only for a word the data itself never uses after it."""
        lowered = word.lower()
        if len(lowered) < SHORTEST_CORRECTED or not lowered.isalpha() or f"{before} {lowered}" in self.pairs:
            return None
        meant = self._sounds.get((before, jellyfish.metaphone(lowered)))
        return Correction(word, meant, sure=True) if meant and meant != lowered else None

    def corrections(self, text: str) -> List[Tuple[int, int, Correction]]:
        """Where `text` has a slip or shorthand: (start, end, correction), in order. What looks like a
        name as written ("Superwise", "WhyLabs", "GPU") is left out."""
        found = []
        sentence_start = True
        matches = list(_WORD.finditer(text))
        for index, match in enumerate(matches):
            word = match.group()
            starts_sentence = sentence_start
            sentence_start = bool(_SENTENCE_END.search(text[match.end() : match.end() + 2]))
            looks_like_a_name = (word[1:] != word[1:].lower()) or (word[0].isupper() and not starts_sentence)
            if looks_like_a_name and word.lower() not in self.lexicon:
                continue
            before = matches[index - 1].group().lower() if index else ""
            after = matches[index + 1].group().lower() if index + 1 < len(matches) else ""
            correction = self.correct_word(word, before, after) or self.joined(word) or self.sound_alike(word, before)
            if correction is None:
                continue
            meant = correction.meant
            if word[0].isupper():
                meant = meant[0].upper() + meant[1:]
            found.append((match.start(), match.end(), Correction(word, meant, correction.sure)))
        return found

    @staticmethod
    def applied(
        text: str,
        corrections: List[Tuple[int, int, Correction]],
        names: AbstractSet[str] = frozenset(),
        sure_only: bool = False,
        keep: AbstractSet[str] = frozenset(),
    ) -> str:
        """`text` with `corrections` made, but for a word in `keep` (a name: never corrected), a
        word in `names` (lower case; it may be a name: corrected only when the correction is sure),
        and, with `sure_only`, every correction that is not sure."""
        pieces, last = [], 0
        for start, end, correction in corrections:
            word = correction.written.lower()
            if word in keep or (not correction.sure and (sure_only or word in names)):
                continue
            pieces += [text[last:start], correction.meant]
            last = end
        return "".join(pieces) + text[last:] if pieces else text

    def normalise(
        self,
        text: str,
        names: AbstractSet[str] = frozenset(),
        sure_only: bool = False,
        keep: AbstractSet[str] = frozenset(),
    ) -> str:
        """`text` with its slips and shorthand put right, everything else as written; `names`,
        `sure_only` and `keep` as `applied` reads them."""
        return self.applied(text, self.corrections(text), names, sure_only, keep)
