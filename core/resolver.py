"""Finds the tools and the category a person mentions in free text, and the names it does not know.

The contract is pinned by tests/core/test_resolver.py; change a constant only with that table.
Order of work: exact names and aliases (ignoring spaces and punctuation, a possessive 's and a
plural s), then fuzzy matches of the words left over. Very short words match only exactly,
English words are never fuzzy-matched, and a fuzzy match must clear a score and beat the runner-up
by a margin; otherwise the tools become `candidates` for a "did you mean" question. What is left
that looks like a name (not an English word, not a word of any tool or category) is `unknown`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

import jellyfish
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from core.loader import KnowledgeBase, default_knowledge_base
from core.schema import Tool
from core.spelling import frequent_english_words
from core.text import Token, compact, compact_tokens, fold, tokenize

COMMON_WORDS_FILE = Path(__file__).parent / "resources" / "common_words.txt"
RARE_SECTION = "[rare]"  # the line in COMMON_WORDS_FILE after which the rare words come

MAX_SPAN = 4  # longest name, in words, that the resolver looks for
MIN_FUZZY_LENGTH = 4  # shorter words and names match only exactly ("dvc", "ray", "w&b")
MARGIN = 4.0  # a fuzzy winner must beat the next tool by this many points
MAX_CANDIDATES = 3
# (shortest compacted length, score to accept, score to suggest), by length of what was typed
FUZZY_CUTOFFS = ((4, 88.0, 75.0), (5, 83.0, 65.0), (7, 80.0, 65.0))
# A typed word of this many letters that begins a name and covers this share of it scores as an
# accepted match ("kserv" -> KServe, "terraf" -> Terraform); the margin still applies.
MIN_PREFIX_LENGTH = 5
MIN_PREFIX_COVERAGE = 0.6
# A "did you mean" must also be this close in edits: "blorptrack" holds the letters of "black"
# in order (fuzz.ratio 67) but is five edits from it.
SUGGEST_EDITS = 0.6
# A word one slip from an ordinary word ("featur" from "feature") matches a tool only this closely.
SLIP_ACCEPT = 90.0
LETTERS_PER_SLIP = 5  # a typo changes at most 2 letters, or 1 in 5 of a longer name
CATEGORY_ACCEPT = 88.0
MIN_SHORTHAND_LENGTH = 4  # "orch" for orchestration; "exp" is too short to say which category
# In a multi-word fuzzy match, each word must be this close to a word of the name: "our docker
# images" is not a typo of "jupyter docker images", nor "ml project" of "vllm project".
NAME_WORD_NEAR = 60.0
# Dictated speech: a name split into sound-alike words ("pie torch", "cube flow", "sigh kit learn").
# A span of 2-3 words matches a name whose Metaphone key its joined letters share (one key letter
# may differ in keys of 6 or more), when the spellings are also this close.
SOUND_SPAN = (2, 3)
MIN_SOUND_KEY = 4
SOUND_SPELLING_NEAR = 75.0
# A three-letter key ("oh llama", OLM) is shared by many phrases: it counts only when the words,
# joined, are spelt almost as the name ("ohllama" and "ollama").
MIN_SHORT_SOUND_KEY = 3
SHORT_SOUND_SPELLING_NEAR = 85.0
MAX_SOUND_LENGTH_CHANGE = 2  # a respelling keeps the length: "model server" is 3 longer than "mlserver"
# Letters people type for one another: keys side by side on a QWERTY keyboard, and letters that
# sound alike ("langfuze", "prefekt", "weights and biasis"). A fuzzy match whose changed letters
# are none of these ("tecson" for Tecton) is a different name, so it is only offered as "did you mean".
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_SOUND_ALIKE = ("aeiouy", "ckqsxz", "dt", "bp", "gj", "mn", "fv", "lr")
# Words after which an ordinary word that is also a tool's name ("ray", "spark") means the tool.
CUE_WORDS = frozenset(
    "about is whats use using used with vs versus or and like than of between compare try "
    "trying recommend explain tell does do besides".split()
)
# Words after such a tool's name that show it is meant: "a ray cluster", "a flask app".
FOLLOWING_CUES = frozenset(
    "cluster clusters app apps server servers job jobs ui dashboard sdk api cli docs documentation "
    "chart charts integration integrations workspace project projects session dataframe dataframes "
    "sql streaming operator plugin plugins library lib package framework platform".split()
)
# "log my runs to comet", "run it on spark": one of these verbs, later a preposition, then the tool.
TOOL_PREPOSITIONS = frozenset("to on in into onto via 2".split())
# "alternatives to pandas", "a replacement for feast"
REPLACEMENTS = frozenset("alternative alternatives replacement replacements substitute successor".split())
ACTION_VERBS = frozenset(
    "log logs logged logging deploy deploys deployed deploying run runs ran running start starts "
    "started starting launch launches launched launching track tracks tracked tracking serve "
    "serves served serving train trains trained training host hosts hosted hosting schedule "
    "scheduled scheduling migrate migrated migrating switch switched switching move moved moving "
    "push pushed pushing upload uploaded uploading scale scaled scaling store stored storing "
    "save saved saving send sent sending submit submitted submitting package packaged packaging "
    "ship shipped shipping execute executed executing port ported porting compare compared comparing".split()
)
# Words that never start or end a multi-word fuzzy span.
EDGE_STOPWORDS = frozenset(
    "a an the is are was to of for in on at and or vs me my i you your it its what whats "
    "which who how why when do does can should would tell about with use using as by from into "
    "than that this be if so but not any docs doc link links we our us they them their".split()
)
# After a preposition, "named" and "called" describe ("with named entities", "in so-called
# notebooks"): they introduce no name.
PREPOSITIONS = frozenset("with of for on in at by from into about without than like over under".split())
# Before a platform's name, what makes it where something runs, within this many words: "on a
# managed Kubernetes cluster", "in our own AWS".
LOCATIVE_PREPOSITIONS = frozenset("on in inside onto atop within across".split())
PLACE_REACH = 3
# Unknown names: words of this many characters; a longer run of such words is not one name.
UNKNOWN_LENGTH = (3, 30)
# A capitalised unknown name is offered only near misses at least this like it (fuzz.WRatio).
CANDIDATE_LIKENESS = 60
# Beside a tool found, a lower-case unknown word this many words from it at most is another name.
UNKNOWN_REACH = 3
MAX_UNKNOWN_WORDS = 3
# A word English text uses this often (symspellpy's frequency list) is an everyday word, never an
# unknown tool's name on its own ("coursework"); rarer words ("sprocket", "vellum") still may be.
EVERYDAY_WORD_COUNT = 1_000_000
# Quotes around a name: "Nimbus MLOps", and the typographic ones phones type.
QUOTES = frozenset("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb")
# Words after which a capitalised word is named, not used: "what's Superwise", "about Hamilton".
NAMING_CUES = ("whats", "what is", "about", "called", "named", "and")
# After an English word, what makes it a product's name: "Determined AI", "Mage AI".
PRODUCT_SUFFIXES = frozenset("ai ml labs io hq".split())
MAX_UNKNOWN_NAMES = 4  # more unknown words than this: another language or noise, not names
# "requirements.txt", "meetup.com": a file or a site, not a tool's name
_FILE_TYPES = frozenset("txt yml yaml py json csv tsv pkl ipynb md ini lock in toml cfg log r sh pbtxt com org".split())
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Suffixes that make a word from an ordinary one, and what the stem may have lost: "profiler"
# (profile), "chunking" (chunk), "resizing" (resize), "deployable", "liveness".
_SUFFIXES = (
    ("iers", ("y",)),
    ("ier", ("y",)),
    ("ied", ("y",)),
    ("ers", ("", "e")),
    ("er", ("", "e")),
    ("r", ("",)),
    ("ing", ("", "e")),
    ("able", ("", "e")),
    ("ist", ("", "s", "e")),
    ("ness", ("",)),
    ("ment", ("",)),
    ("ion", ("", "e")),
    ("ed", ("", "e")),
    ("ly", ("",)),
)


@functools.lru_cache(maxsize=None)
def _word_lists() -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """The ordinary words of COMMON_WORDS_FILE, and the rare ones after its RARE_SECTION line."""
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    split = lines.index(RARE_SECTION) if RARE_SECTION in lines else len(lines)
    words = lambda part: frozenset(w for w in part if w and not w.startswith("#"))  # noqa: E731
    return words(lines[:split]), words(lines[split + 1 :])


def common_words() -> FrozenSet[str]:
    """Ordinary English words: never fuzzy-matched, and a tool named by one needs a cue."""
    return _word_lists()[0]


def rare_words() -> FrozenSet[str]:
    """Rarer words and names ("docket", "tectonics", "paris") and jargon ("gpu"): never
    fuzzy-matched on their own and never an unknown tool's name, but a tool named by one needs no cue."""
    return _word_lists()[1]


@dataclass(frozen=True)
class Resolution:
    query: str
    tools: List[str] = field(default_factory=list)
    candidates: List[str] = field(default_factory=list)
    category: Optional[str] = None
    # What looks like the name of a tool the base does not have, as typed: "zorbulator" in "what
    # is zorbulator?"; the first such name if there are several. Only a hint: a person's or a
    # place's name that no dictionary holds looks the same.
    unknown: Optional[str] = None
    # The words that named the tools found, as the tokenizer read them: "seldon" in "who makes seldon".
    naming_words: Tuple[str, ...] = ()
    # The words of the category phrase found: ("model", "registry").
    category_words: Tuple[str, ...] = ()
    # Each run of words that named a tool, as typed: ("lang chian",) in "what is lang chian".
    naming_phrases: Tuple[str, ...] = ()
    # The tools named as where something runs ("on our k8s cluster"): the asker's platform.
    places: Tuple[str, ...] = ()
    # The tools found of a platform category, wherever named ("we have a kubernetes cluster").
    platforms: Tuple[str, ...] = ()
    # The categories of the tools found, primary and secondary: what kinds of tool the message names.
    kinds: Tuple[str, ...] = ()

    def as_json(self) -> Dict[str, object]:
        return {
            "query": self.query,
            "tools": self.tools,
            "candidates": self.candidates,
            "category": self.category,
            "unknown": self.unknown,
        }


@dataclass(frozen=True)
class _Hit:
    start: int  # token index
    end: int  # token index, exclusive
    tool: Tool
    score: float
    exact: bool
    form: str = ""  # the compacted name or alias a fuzzy hit matched
    # A one-word name typed as ordinary words ("red panda" for Redpanda): it needs a cue, as an
    # ordinary word that names a tool does.
    split: bool = False

    def key(self) -> Tuple[int, bool, float]:
        return (self.end - self.start, self.exact, self.score)


# How close the words around an exact name must be to the rest of a longer name for the span to
# be that longer name (rapidfuzz ratio).
REST_OF_NAME_RATIO = 80


def _cutoffs(length: int) -> Tuple[float, float]:
    accept, suggest = 101.0, 101.0
    for shortest, acc, sug in FUZZY_CUTOFFS:
        if length >= shortest:
            accept, suggest = acc, sug
    return accept, suggest


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _similarity(typed: str, key: str, ratio: float, accept: float) -> float:
    """fuzz.ratio, except that an adjacent swap counts as one slip, not two ("zenlm" -> "zenml"),
    and a long enough beginning of a name counts as accepted ("terraf" -> "terraform")."""
    score = ratio
    if abs(len(typed) - len(key)) <= 2:
        swaps = Levenshtein.distance(typed, key) - OSA.distance(typed, key)
        if swaps > 0:
            score = max(score, 100.0 * (1.0 - (Indel.distance(typed, key) - swaps) / (len(typed) + len(key))))
    if len(typed) >= MIN_PREFIX_LENGTH and key.startswith(typed) and len(typed) >= MIN_PREFIX_COVERAGE * len(key):
        score = max(score, accept)
    return score


@functools.lru_cache(maxsize=None)
def neighbour_keys() -> Dict[str, str]:
    """Each letter's neighbours on a QWERTY keyboard: left, right, and the row above and below."""
    neighbours: Dict[str, str] = {}
    for row_index, row in enumerate(_KEYBOARD_ROWS):
        for i, letter in enumerate(row):
            near = row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
            for other in (row_index - 1, row_index + 1):
                if 0 <= other < len(_KEYBOARD_ROWS):
                    near += _KEYBOARD_ROWS[other][max(i - 1, 0) : i + 2]
            neighbours[letter] = near
    return neighbours


def _slipped(typed_letter: str, meant_letter: str) -> bool:
    """Whether one letter typed for another is a slip of the finger or of the ear."""
    return meant_letter in neighbour_keys().get(typed_letter, "") or any(
        typed_letter in group and meant_letter in group for group in _SOUND_ALIKE
    )


def plausible_typo(typed: str, name: str) -> bool:
    """Whether every letter changed on the way from `name` to `typed` is a slip: a neighbouring
    key, a sound-alike, or two neighbours swapped. Letters left out or added always are, but not
    more changes than a typist makes in a name that long ("modelforge" is not "modelstore")."""
    ops = Levenshtein.editops(typed, name)
    changes = OSA.distance(typed, name)  # a swap of two neighbours is one change ("terafrom")
    if changes > max(2, len(name) // LETTERS_PER_SLIP) and not name.startswith(typed):  # "terraf": cut short
        return False
    for op in ops:
        if op.tag != "replace":
            continue
        typed_letter, meant_letter = typed[op.src_pos], name[op.dest_pos]
        if _slipped(typed_letter, meant_letter):
            continue
        if _swapped_at(typed, name, op.src_pos, op.dest_pos) or _double_moved(typed, name, op.src_pos, op.dest_pos):
            continue
        return False
    return True


def _swapped_at(typed: str, name: str, i: int, j: int) -> bool:
    """A replacement that is half of two neighbouring letters swapped ("zenlm" for "zenml")."""
    for a, b in ((i, j), (i - 1, j - 1)):
        if (
            0 <= a <= len(typed) - 2
            and 0 <= b <= len(name) - 2
            and typed[a] != typed[a + 1]
            and typed[a : a + 2] == name[b : b + 2][::-1]
        ):
            return True
    return False


def _double_moved(typed: str, name: str, i: int, j: int) -> bool:
    """The wrong letter doubled: "argilaa" for "argilla"."""
    return any(0 <= i + d < len(typed) and typed[i + d] == typed[i] for d in (-1, 1)) and any(
        0 <= j + d < len(name) and name[j + d] == name[j] for d in (-1, 1)
    )


def _quoted_run(tokens: List[Token], index: int, taken: Set[int], folded: str) -> List[Token]:
    """The capitalised words from `index` to a closing quote, when a quote opens right before them:
    '"Nimbus MLOps"', or in typographic quotes. Empty when they are not quoted, not capitalised, too many, or
    hold a tool found."""
    first = tokens[index]
    if index in taken or not first.original[:1].isupper() or first.start == 0 or folded[first.start - 1] not in QUOTES:
        return []
    run = [first]
    for following in range(index + 1, min(len(tokens), index + MAX_UNKNOWN_WORDS)):
        end = run[-1].start + len(run[-1].original)
        if following in taken or folded[end : tokens[following].start].strip():
            break
        run.append(tokens[following])
    end = run[-1].start + len(run[-1].original)
    return run if end < len(folded) and folded[end] in QUOTES else []


def _question_start(text: str) -> int:
    """Where the last sentence ending in "?" begins, when an earlier sentence comes before it; else 0."""
    sentences = list(re.finditer(r"[^.?!]+[.?!]*", text))
    questions = [m for m in sentences if m.group().rstrip().endswith("?")]
    return questions[-1].start() if questions and len(sentences) > 1 else 0


def _key(tokens: Sequence[Token]) -> str:
    """The compacted span, without a possessive 's on its last word: "DVC's" -> "dvc"."""
    key = compact_tokens(list(tokens))
    return key[:-1] if tokens and tokens[-1].possessive else key


class Resolver:
    """Built once per knowledge base; `resolve` is then pure and fast."""

    def __init__(
        self,
        kb: KnowledgeBase,
        ordinary_words: FrozenSet[str] = frozenset(),
        rare: Optional[FrozenSet[str]] = None,
        everyday: Optional[FrozenSet[str]] = None,
    ) -> None:
        self.kb = kb
        self.exact: Dict[str, Tool] = kb.by_surface_form
        self.fuzzy_keys = [k for k in self.exact if len(k) >= MIN_FUZZY_LENGTH]
        self.fuzzy_tools = [self.exact[k] for k in self.fuzzy_keys]
        words_in: Dict[str, int] = {}  # how many words the longest form with this key has
        form_words: Dict[str, Set[str]] = {}  # the words of every form with this key
        for tool in kb.tools:
            for form in tool.surface_forms:
                key = compact(form)
                words_in[key] = max(words_in.get(key, 0), len(tokenize(form)))
                form_words.setdefault(key, set()).update(t.text for t in tokenize(form))
        self.fuzzy_words = [words_in[k] for k in self.fuzzy_keys]
        # Metaphone keys of the names and aliases, for dictated speech; a key two tools share is dropped.
        sounds: Dict[str, Optional[Tuple[str, Tool]]] = {}
        for key in self.fuzzy_keys:
            code = jellyfish.metaphone(key)
            if len(code) >= MIN_SHORT_SOUND_KEY:
                seen = sounds.get(code, (key, self.exact[key]))
                same = seen is not None and seen[1].name == self.exact[key].name
                sounds[code] = (key, self.exact[key]) if same else None
        self.sounds: Dict[str, Tuple[str, Tool]] = {c: kt for c, kt in sounds.items() if kt is not None}
        self.sound_codes = list(self.sounds)
        self.fuzzy_form_words = [form_words[k] for k in self.fuzzy_keys]
        self.fuzzy_index = {k: i for i, k in enumerate(self.fuzzy_keys)}
        self.ordinary = ordinary_words
        self.rare = rare_words() if rare is None else rare
        self.words = self.ordinary | self.rare
        self.everyday = frequent_english_words(EVERYDAY_WORD_COUNT) if everyday is None else everyday
        # singular and plural of every name: "great expectation", "mlflows"; ambiguous ones dropped
        variants: Dict[str, Optional[Tool]] = {}
        for key, tool in self.exact.items():
            forms = [key + "s"] if len(key) >= MIN_FUZZY_LENGTH else []
            if len(key) > MIN_FUZZY_LENGTH and key.endswith("s") and not key.endswith("ss"):
                forms.append(key[:-1])
                if key.endswith("ses"):
                    forms.append(key[:-2])  # "weights and bias"
            for form in forms:
                if form not in self.exact:
                    other = variants.get(form, tool)
                    variants[form] = tool if other is not None and other.name == tool.name else None
        self.variants: Dict[str, Tool] = {k: t for k, t in variants.items() if t is not None}
        # first words of multi-word names: "apache" -> Apache Airflow, Apache Spark, Apache Kafka...
        self.first_words: Dict[str, List[Tool]] = {}
        self.name_words: Set[str] = set()  # every word of every name: never an unknown name
        for tool in kb.tools:
            # its licence too ("hm, busl. alternatives?", "agpl is a no-go"): the base's words, never a name
            self.name_words.update(t.text for t in tokenize(re.sub(r"[-.]", " ", tool.license)) if t.text.isalpha())
            for form in tool.surface_forms:
                words = [t.text for t in tokenize(form)]
                self.name_words.update(words)
                if len(words) > 1 and words[0] not in self.ordinary and len(words[0]) >= MIN_FUZZY_LENGTH:
                    bucket = self.first_words.setdefault(words[0], [])
                    if all(t.name != tool.name for t in bucket):
                        bucket.append(tool)
        self.phrases: Dict[str, str] = {}
        for category in kb.categories:
            named = category.id.replace("-", " ")  # "training" alone is an everyday word, not the category
            ids = [] if " " not in named and named in self.ordinary and named not in category.phrases else [named]
            for phrase in [*ids, category.label, *category.phrases]:
                tokens = tokenize(phrase)
                self.phrases.setdefault(self._phrase_key(tokens), category.id)
                self.name_words.update(t.text for t in tokens)
        self.fuzzy_phrases = [p for p in self.phrases if len(p) >= 6]
        # the first word of every phrase, for shorthand: "orch tools", "monit tools"
        self.phrase_heads: Dict[str, Set[str]] = {}
        for phrase, category_id in self.phrases.items():
            self.phrase_heads.setdefault(phrase.split()[0], set()).add(category_id)

    @staticmethod
    def _phrase_key(tokens: Sequence[Token]) -> str:
        return " ".join(_singular(t.text) for t in tokens)

    def _is_ordinary(self, token: Token) -> bool:
        return token.text in self.ordinary or (token.possessive and token.stem in self.ordinary)

    def _is_word(self, token: Token) -> bool:
        """An English word or name, ordinary or rare: never fuzzy-matched on its own."""
        return self._is_ordinary(token) or token.text in self.rare or token.stem in self.rare

    # -- tools ---------------------------------------------------------------------------------
    def _exact_hits(self, tokens: List[Token]) -> List[_Hit]:
        hits = []
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + MAX_SPAN, len(tokens)) + 1):
                span = tokens[start:end]
                key = compact_tokens(span)
                tool = self.exact.get(key)
                if tool is None and span[-1].possessive:  # "DVC's remote", "mlflow's ui"
                    tool = self.exact.get(key[:-1])
                if tool is not None:
                    hits.append(_Hit(start, end, tool, 100.0, True, split=self._split_name(span, tool)))
                    continue
                tool = self.variants.get(_key(span))  # "great expectation"; not "rays", "sparks"
                if tool is not None and not (end - start == 1 and self._is_word(span[0]) and not span[0].possessive):
                    hits.append(_Hit(start, end, tool, 99.0, True, split=self._split_name(span, tool)))
        return hits

    def _split_name(self, span: Sequence[Token], tool: Tool) -> bool:
        """Ordinary words that join into a name written as one word: "red panda", "air flow"."""
        if len(span) < 2 or not all(self._is_ordinary(t) for t in span):
            return False
        words = [t.text for t in span]
        return not any([t.text for t in tokenize(form)] == words for form in tool.surface_forms)

    def _fuzzy_spans(self, tokens: List[Token]) -> Iterator[Tuple[int, int, str]]:
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + MAX_SPAN, len(tokens)) + 1):
                span = tokens[start:end]
                if all(self._is_word(t) for t in span):
                    continue
                if end - start > 1 and (span[0].text in EDGE_STOPWORDS or span[-1].text in EDGE_STOPWORDS):
                    continue
                if end - start == 1 and span[0].text.isdigit():
                    continue
                if end - start > 1 and self._phrase_key(span) in self.phrases:
                    continue  # "ml platform" is the category, not a typo of "ax platform"
                key = _key(span)
                if len(key) >= MIN_FUZZY_LENGTH:
                    yield start, end, key

    def _fuzzy_hits(self, tokens: List[Token], suggestions: List[Tuple[float, Tool, int]]) -> List[_Hit]:
        hits = []
        for start, end, key in self._fuzzy_spans(tokens):
            if end - start == 1 and len(self.first_words.get(tokens[start].text, ())) > 1:
                continue  # "nvidia" begins several names: offered as candidates, not cut short of one
            accept, suggest = _cutoffs(len(key))
            ranked = process.extract(key, self.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=suggest, limit=8)
            best: Dict[str, Tuple[float, Tool, str]] = {}
            for choice, ratio, index in ranked:
                if end - start > self.fuzzy_words[index] + 1:
                    continue  # "ci and github actions" is not a typo of "github actions"
                if end - start > 1 and not self._every_name_word_near(tokens[start:end], self.fuzzy_form_words[index]):
                    continue  # "katab open source" is not a typo of "rasa open source"
                tool = self.fuzzy_tools[index]
                score = _similarity(key, choice, ratio, accept)
                if tool.name not in best or best[tool.name][0] < score:
                    best[tool.name] = (score, tool, choice)
            ordered = sorted(best.values(), key=lambda stc: -stc[0])
            if not ordered:
                continue
            top_score, top_tool, _ = ordered[0]
            runner_up = ordered[1][0] if len(ordered) > 1 else 0.0
            if end - start == 1 and accept <= top_score < SLIP_ACCEPT and self._slip(key):
                accept = SLIP_ACCEPT  # "featur", "platfrom", "modl": a slip on a word, not on a name
            if top_score >= accept and top_score - runner_up >= MARGIN and plausible_typo(key, ordered[0][2]):
                hits.append(_Hit(start, end, top_tool, top_score, False, ordered[0][2]))
            elif end - start == 1:  # near misses and ties become "did you mean" candidates
                suggestions.extend(
                    (s, t, start)
                    for s, t, choice in ordered[:MAX_CANDIDATES]
                    if s >= suggest and Levenshtein.normalized_similarity(key, choice) >= SUGGEST_EDITS
                )
        return hits

    def _sound_alike_hits(self, tokens: List[Token], taken: Set[int]) -> List[_Hit]:
        """Names dictated and transcribed as several sound-alike words: "pie torch" is PyTorch."""
        hits = []
        for size in SOUND_SPAN:
            for start in range(len(tokens) - size + 1):
                span = tokens[start : start + size]
                if not taken.isdisjoint(range(start, start + size)) or any(not t.text.isalpha() for t in span):
                    continue
                if span[0].text in EDGE_STOPWORDS or span[-1].text in EDGE_STOPWORDS:
                    continue
                joined = "".join(t.text for t in span)
                if joined in self.words or joined in self.exact:
                    continue  # "air flow" is airflow, "red panda" redpanda: the exact match's cues decide
                code = jellyfish.metaphone(joined)
                short = len(code) < MIN_SOUND_KEY
                if short and len(code) < MIN_SHORT_SOUND_KEY:
                    continue
                limit = 1 if len(code) >= 6 else 0
                match = process.extractOne(code, self.sound_codes, scorer=Levenshtein.distance, score_cutoff=limit)
                if match is None:
                    continue
                form, tool = self.sounds[match[0]]
                if abs(len(joined) - len(form)) > MAX_SOUND_LENGTH_CHANGE or self._phrase_key(span) in self.phrases:
                    continue  # "model server" is the job, not a respelling of "mlserver"
                name_words = self.fuzzy_form_words[self.fuzzy_index[form]]
                if len(name_words) == size > 1 and not self._every_name_word_near(span, name_words):
                    continue  # word for word, "project uses" is no respelling of "project nessie"
                if fuzz.ratio(joined, form) >= (SHORT_SOUND_SPELLING_NEAR if short else SOUND_SPELLING_NEAR):
                    hits.append(_Hit(start, start + size, tool, 80.0, False, form))
        return hits

    @staticmethod
    def _every_name_word_near(span: Sequence[Token], form_words: Set[str]) -> bool:
        """Each word of a multi-word span is close to some word of the name: neither the shared
        English words ("open source") nor a neighbouring word ("our docker images") may carry a match."""
        return all(max(fuzz.ratio(token.stem, word) for word in form_words) >= NAME_WORD_NEAR for token in span)

    @staticmethod
    def _swallows(fuzzy: _Hit, exact: List[_Hit], tokens: List[Token]) -> bool:
        """A typo match over a span that already holds exact names: "dvc, mlflow" is two tools, and
        "opacus open source" is not a typo of "rasa open source"; "pytorch lightening" is one."""
        inside = [e for e in exact if fuzzy.start <= e.start and e.end <= fuzzy.end]
        if len(inside) > 1 or any(e.tool.name == fuzzy.tool.name for e in inside):
            return True
        for e in inside:
            name = _key(tokens[e.start : e.end])
            if name not in fuzzy.form:
                return True
            # The rest of the span must be a slip of the rest of the form: "lightening" is "lightning",
            # but "open" in "is bentoml open source" is not "openllm" (OpenLLM, "bentoml openllm").
            typed = _key(tokens[fuzzy.start : e.start]) + _key(tokens[e.end : fuzzy.end])
            if fuzz.ratio(typed, fuzzy.form.replace(name, "", 1)) < REST_OF_NAME_RATIO:
                return True
        return False

    def _cued(self, tokens: List[Token], hit: _Hit, others: List[_Hit]) -> bool:
        """An ordinary word that names a tool ("ray", "spark") counts only with a cue."""
        if not hit.split and (hit.end - hit.start > 1 or not self._is_ordinary(tokens[hit.start])):
            return True
        token = tokens[hit.start]
        previous = tokens[hit.start - 1].text if hit.start > 0 else ""
        following = tokens[hit.end].text if hit.end < len(tokens) else ""
        near_tool = any(  # "mlflow or comet", "airflow prefect dagster"
            o is not hit and (hit.start - 2 <= o.end - 1 <= hit.start - 1 or hit.end <= o.start <= hit.end + 1)
            for o in others
        )
        return (
            token.original[:1].isupper()
            or len(tokens) <= 2
            or previous in CUE_WORDS
            or following in ("or", "vs", "versus")
            or following in FOLLOWING_CUES
            or (
                previous in TOOL_PREPOSITIONS
                and any(t.text in ACTION_VERBS for t in tokens[: hit.start - 1])
                and (not following or following in EDGE_STOPWORDS or following not in self.ordinary)
            )  # "run it on spark", "log my runs to comet and ...", not "switch to black coffee"
            or (previous in ("to", "2", "for") and hit.start > 1 and tokens[hit.start - 2].text in REPLACEMENTS)
            or near_tool
        )

    def _tools(self, tokens: List[Token]) -> Tuple[List[Tool], List[Tool], Set[int], Dict[str, int]]:
        """The tools found, the candidates, the indexes of the tokens the tools cover, and the token
        where each tool is first named."""
        suggestions: List[Tuple[float, Tool, int]] = []  # (score, tool, token index)
        exact = self._exact_hits(tokens)
        hits = exact + [h for h in self._fuzzy_hits(tokens, suggestions) if not self._swallows(h, exact, tokens)]
        chosen: List[_Hit] = []
        taken: Set[int] = set()
        for hit in sorted(hits, key=_Hit.key, reverse=True):
            if taken.isdisjoint(range(hit.start, hit.end)):
                chosen.append(hit)
                taken.update(range(hit.start, hit.end))
        chosen = [h for h in chosen if self._cued(tokens, h, chosen)]
        for hit in sorted(self._sound_alike_hits(tokens, set()), key=_Hit.key, reverse=True):
            inside = [h for h in chosen if h.start < hit.end and hit.start < h.end]
            # "pie torch lightning" is PyTorch Lightning, though "pie torch" alone is PyTorch: a longer
            # respelling wins over the guesses inside it, and over an exact name only when it is a longer
            # name of the same family
            if all(_grows_into(h, hit) for h in inside):
                chosen = [h for h in chosen if h not in inside] + [hit]
        covered = {i for h in chosen for i in range(h.start, h.end)}
        for index, token in enumerate(tokens):  # "seldon": first word of several names
            if index not in covered and token.text in self.first_words:
                family = self.first_words[token.text]
                if len(family) == 1 and token.text not in self.rare:
                    chosen.append(_Hit(index, index + 1, family[0], 90.0, False))
                else:  # "apache"; "netflix" is a word first and Metaflow's maker second
                    suggestions.extend((100.0 + t.popularity, t, index) for t in family)
        # Tools are compared by name: pydantic's == compares every field.
        tools: Dict[str, Tool] = {}
        starts: Dict[str, int] = {}  # the token where each tool is first named
        for hit in sorted(chosen, key=lambda h: h.start):
            tools.setdefault(hit.tool.name, hit.tool)
            starts.setdefault(hit.tool.name, hit.start)
        covered = {i for h in chosen for i in range(h.start, h.end)}
        candidates: Dict[str, Tool] = {}
        for _, tool, index in sorted(suggestions, key=lambda sti: -sti[0]):
            if index not in covered and tool.name not in tools:
                candidates.setdefault(tool.name, tool)
        return list(tools.values()), list(candidates.values())[:MAX_CANDIDATES], covered, starts

    # -- categories ----------------------------------------------------------------------------
    def _category(self, tokens: List[Token], asked_from: int = 0) -> Tuple[Optional[str], range]:
        """The category first mentioned (longest phrase first) from `asked_from` (the offset where the
        question begins) on, else anywhere; and the tokens its phrase covers. "we're starting a RAG
        project. what vector databases are out there?" asks for vector databases."""
        found: List[Tuple[int, int, str]] = []  # (start, -length, category)
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + MAX_SPAN, len(tokens)) + 1):
                span = tokens[start:end]
                key = self._phrase_key(span)
                category = self.phrases.get(key)
                fuzzy_candidate = (
                    category is None
                    and not all(self._is_ordinary(t) for t in span)
                    and len(key) >= 6
                    and (end - start == 1 or not any(t.text in EDGE_STOPWORDS for t in span))
                )  # a slip never adds a whole word: "experiment trackers do", "gpus or machines" name no phrase
                if fuzzy_candidate:
                    match = process.extractOne(key, self.fuzzy_phrases, scorer=fuzz.ratio, score_cutoff=CATEGORY_ACCEPT)
                    if match is not None:
                        category = self.phrases[match[0]]
                if category is not None:
                    found.append((start, -(end - start), category))
        if not found:
            return self._shorthand_category(tokens)
        in_question = [f for f in found if tokens[f[0]].start >= asked_from]
        start, minus_length, category = min(in_question or found)
        return category, range(start, start - minus_length)

    def _shorthand_category(self, tokens: List[Token]) -> Tuple[Optional[str], range]:
        """A category cut short ("orch tools", "monit libs"): a word that is no English word and
        begins the first word of one category's phrases only."""
        for index, token in enumerate(tokens):
            word = token.text
            if len(word) < MIN_SHORTHAND_LENGTH or self._is_word(token) or word in self.exact:
                continue
            categories = {c for head, ids in self.phrase_heads.items() if head.startswith(word) for c in ids}
            if len(categories) == 1:
                return next(iter(categories)), range(index, index + 1)
        return None, range(0)

    # -- names the base does not know ------------------------------------------------------------
    def _slip(self, word: str) -> bool:
        """A slip on an ordinary word that names no tool: two neighbours swapped ("platfrom"), a
        letter doubled ("stoore") or left out ("featur"). "prefct" is a slip on Prefect."""
        ordinary, exact = self.ordinary, self.exact
        n = len(word)
        slips = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1)]
        slips += [word[:i] + word[i + 1 :] for i in range(n - 1) if word[i] == word[i + 1]]
        slips += [word[:i] + c + word[i:] for i in range(n + 1) for c in _LETTERS]
        return any(w in ordinary and w not in exact for w in slips)

    def _near_ordinary(self, word: str) -> bool:
        """A slip on a word, or a word made from one, rather than a name: two neighbours swapped
        ("detcet"), a letter doubled ("yess") or left out ("wich"); in a long word also a letter
        changed or added ("lisence", "experimnt"); or an ordinary word with a suffix ("profiler",
        "deployable"). Short names are invented that way ("wozzle", "plonkr"): those stay names."""
        ordinary, rare = self.ordinary, self.rare
        n = len(word)
        if any(word[:i] + word[i + 1] + word[i] + word[i + 2 :] in ordinary for i in range(n - 1)):
            return True
        undoubled = [word[:i] + word[i + 1 :] for i in range(n - 1) if word[i] == word[i + 1]]
        if any(w in known for known in (ordinary, rare, self.name_words) for w in undoubled):
            return True
        for suffix, replacements in _SUFFIXES:
            if word.endswith(suffix) and n - len(suffix) >= 3:
                stem = word[: n - len(suffix)]
                if any(stem + r in ordinary for r in replacements):
                    return True
        known = self.words if n >= 7 else ordinary
        if not known.isdisjoint([word[:i] + c + word[i:] for i in range(n + 1) for c in _LETTERS]):
            return True
        if n < 7:
            return False
        if not ordinary.isdisjoint([word[:i] + word[i + 1 :] for i in range(n)]):
            return True  # not against rare words and names: "mupplet" is a name made from "muppet"
        return not known.isdisjoint([word[:i] + c + word[i + 1 :] for i in range(n) for c in _LETTERS])

    def _looks_like_name(self, token: Token, capitalised_inside: bool = False) -> bool:
        """Not a word of the dictionaries, of a tool or a category, a number, a file or a slip. A word
        capitalised inside a sentence ("move everything to Pipelinr") is a name even when it is one
        letter from an English word: people capitalise names, not their typing slips."""
        word = token.stem
        if not UNKNOWN_LENGTH[0] <= len(word) <= UNKNOWN_LENGTH[1]:
            return False
        if sum(c.isalpha() for c in word) <= 3 and not word.isalpha():
            return False  # "2024", "v2", "3.10", "16gb", "p99", "fp16", "ec2"
        last = word.rsplit(".", 1)[-1]
        if last != word and (last in _FILE_TYPES or last in self.ordinary):
            return False  # "requirements.txt", "model.predict": code and files, not tools
        forms = {token.text, word, word.rstrip("0123456789"), _singular(word)}  # "python3"
        if word.endswith("es"):
            forms.add(word[:-2])
        if any(f in self.ordinary or f in self.rare or f in self.name_words or f in self.everyday for f in forms):
            return False
        return not (word.isalpha() and not capitalised_inside and self._near_ordinary(word))

    def _unknown(self, text: str, tokens: List[Token], taken: Set[int]) -> List[str]:
        """Every run of name-like words outside the tools and the category found, as typed; a run
        is words with only spaces between them ("Zorbu Lator", not "snarfstore, grubbleflow")."""
        folded = fold(text)
        runs: List[List[Token]] = []
        run: List[Token] = []
        for index, token in enumerate([*tokens, None]):
            if (
                token is not None
                and index not in taken
                and self._looks_like_name(token, _capitalised_inside(folded, token))
            ):
                last = run[-1] if run else None
                if last is None or not folded[last.start + len(last.original) : token.start].strip():
                    run.append(token)
                    continue
                if len(run) <= MAX_UNKNOWN_WORDS:
                    runs.append(run)
                run = [token]
                continue
            if run and len(run) <= MAX_UNKNOWN_WORDS:
                runs.append(run)
            run = []
        if len(runs) > MAX_UNKNOWN_NAMES:
            return []
        # English words a cue makes a name come first when they come first: "what is Mage AI ... saw it
        # on youtube" asks about Mage AI.
        named = [r for r in self._named_words(tokens, taken, folded) if not any(set(r) & set(o) for o in runs)]
        runs = sorted(runs + named, key=lambda r: r[0].start)
        names: List[str] = []
        for run in runs:
            words = [t.original for t in run]
            if run[-1].possessive:
                words[-1] = words[-1][:-2]
            name = " ".join(words)
            if name not in names:
                names.append(name)
        return names

    @staticmethod
    def _the_unknown(names: List[str], tokens: List[Token], covered: Set[int]) -> Optional[str]:
        """The unknown name a message is about: a capitalised one before lower-case words ("someone on
        reddit suggested Tracewise"); beside a tool found, a lower-case word only when it stands next to
        one ("compare flurbo and mlflow", not "is Seldon Core open source or did they pull one of those
        licence switcheroos")."""
        if covered:
            near = [
                n
                for n in names
                if not n.islower()
                or any(
                    abs(i - j) <= UNKNOWN_REACH for i, t in enumerate(tokens) if t.text == n.split()[0] for j in covered
                )
            ]
            names = near
        return next((n for n in names if not n.islower()), names[0] if names else None)

    def _named_words(self, tokens: List[Token], taken: Set[int], folded: str = "") -> List[List[Token]]:
        """English words used as a product's name: "Determined AI", "Mage AI" (a word before a
        product suffix), "heard of mage", "a tool called Tide" (a word after a naming cue), "all on
        "Nimbus MLOps" by Q3" (capitalised words in quotes)."""
        runs = []
        for index, token in enumerate(tokens):
            quoted = _quoted_run(tokens, index, taken, folded)
            if quoted and not all(self._is_ordinary(t) for t in quoted):  # not 'he said "Great"'
                runs.append(quoted)
                continue
            if index in taken or not token.text.isalpha() or token.text in EDGE_STOPWORDS:
                continue
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            previous = " ".join(t.text for t in tokens[max(0, index - 2) : index])
            if following is not None and following.text in PRODUCT_SUFFIXES and token.original[:1].isupper():
                runs.append([token, following])
            elif following is not None and following.text in PRODUCT_SUFFIXES and previous.endswith(NAMING_CUES):
                runs.append([token, following])  # "tell me about mage ai"
            elif (
                following is not None
                and following.text in PRODUCT_SUFFIXES
                and index >= 1
                and index - 1 not in taken
                and tokens[index - 1].text.isalpha()
                and tokens[index - 1].text not in EDGE_STOPWORDS
                and " ".join(t.text for t in tokens[max(0, index - 3) : index - 1]).endswith(NAMING_CUES)
            ):
                runs.append([tokens[index - 1], token, following])  # "what do you know about super wise ai"
            elif (
                re.search(r"(?:^|\s)(?:heard of|called|named)$", previous)
                and not (index >= 2 and tokens[index - 2].text in PREPOSITIONS)  # "sentences with named entities"
                and self._ends_phrase(tokens, index, folded)
            ):
                runs.append([token])
            elif token.original.istitle() and previous.endswith(NAMING_CUES):
                runs.append([token])  # "What's Superwise, and...", "What is Hamilton?": a name, not the word
        return runs

    def _named_as_a_place(self, tool: Tool, tokens: List[Token], start: int) -> bool:
        """A tool of a platform category named where something runs: "on our k8s cluster", "only on
        Google Cloud", "inside a managed Kubernetes", not "what is Kubernetes" nor "moving to Docker"."""
        if not self._is_a_platform(tool):
            return False
        return any(t.text in LOCATIVE_PREPOSITIONS for t in tokens[max(0, start - PLACE_REACH) : start])

    def _is_a_platform(self, tool: Tool) -> bool:
        category = self.kb.category(tool.category)
        return category is not None and category.platform

    def _ends_phrase(self, tokens: List[Token], index: int, folded: str) -> bool:
        """A word introduced by "called" or "named" is a name when it is capitalised or ends its phrase
        (the message, punctuation or a function word follows): "a tool called Tide", "heard of mage?";
        in "named entity recognition" it is the first word of a term."""
        token = tokens[index]
        if token.original[:1].isupper() or not self._is_word(token) or index + 1 == len(tokens):
            return True
        following = tokens[index + 1]
        return (
            bool(folded[token.start + len(token.original) : following.start].strip())
            or following.text in EDGE_STOPWORDS
        )

    def resolve(self, text: str) -> Resolution:
        tokens = tokenize(text)
        tools, candidates, covered, starts = self._tools(tokens)
        category, phrase = self._category(tokens, _question_start(text))
        unknown = self._the_unknown(self._unknown(text, tokens, covered | set(phrase)), tokens, covered)
        if unknown is not None and not unknown.islower():
            # near misses of another word are no answer to "someone on reddit suggested Tracewise"
            candidates = [c for c in candidates if _likeness(unknown, c) >= CANDIDATE_LIKENESS]
        return Resolution(
            query=text,
            tools=[t.name for t in tools],
            places=tuple(t.name for t in tools if self._named_as_a_place(t, tokens, starts[t.name])),
            platforms=tuple(t.name for t in tools if self._is_a_platform(t)),
            kinds=tuple(dict.fromkeys(c for t in tools for c in (t.category, *t.secondary_categories))),
            candidates=[t.name for t in candidates],
            category=category,
            unknown=unknown,
            naming_words=tuple(tokens[i].stem for i in sorted(covered)),
            category_words=tuple(tokens[i].text for i in phrase),
            naming_phrases=_runs(tokens, covered),
        )


def _likeness(name: str, tool: Tool) -> float:
    """How like a tool's name or aliases a name is written (fuzz.WRatio, 0-100)."""
    return max(fuzz.WRatio(name.lower(), n.lower()) for n in (tool.name, *tool.aliases))


def _grows_into(shorter: _Hit, longer: _Hit) -> bool:
    """`longer` covers `shorter` and more, and may replace it: a guess, or an exact name that starts
    the longer name ("PyTorch" in "PyTorch Lightning")."""
    return (
        longer.start <= shorter.start
        and shorter.end <= longer.end
        and shorter.end - shorter.start < longer.end - longer.start
        and (not shorter.exact or longer.tool.name.lower().startswith(shorter.tool.name.lower()))
    )


def _runs(tokens: List[Token], covered: Set[int]) -> Tuple[str, ...]:
    """The words of each run of consecutive covered tokens, as typed."""
    runs: List[List[Token]] = []
    for index in sorted(covered):
        if runs and index - 1 in covered:
            runs[-1].append(tokens[index])
        else:
            runs.append([tokens[index]])
    return tuple(" ".join(t.original for t in run) for run in runs)


@functools.lru_cache(maxsize=None)
def default_resolver() -> Resolver:
    """The resolver over the project's base, built once per process on first use."""
    return Resolver(default_knowledge_base(), common_words(), rare_words())


def _capitalised_inside(folded: str, token: Token) -> bool:
    """ "Pipelinr" in "move everything to Pipelinr": capitalised (not all capitals), after another
    word of its sentence."""
    before = folded[: token.start].rstrip(" \t\"'(")
    return token.original.istitle() and bool(before) and before[-1] not in ".!?:;\n"
