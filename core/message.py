"""Reads what a message asks beyond its tool names: which attribute, which option, which constraints.

Pure and keyword-based on purpose: NLU decides the intent ("a question about an attribute"), and
these small readers decide the detail ("the licence") the same way for every channel and phrasing.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

from rapidfuzz import fuzz, process

from core.resolver import common_words


class Attribute(str, enum.Enum):
    OPEN_SOURCE = "open_source"
    LICENCE = "licence"
    LINK = "link"
    CATEGORY = "category"
    LANGUAGE = "language"
    HOSTING = "hosting"


# Where a tool runs: "can we self-host it", "run it in-house", "is it cloud only". One definition for
# the attribute asked and for the requirement stated ("alternatives we can run ourselves").
_SELF_HOSTED = (
    r"self[\s-]?host\w*|on[\s-]?prem\w*|in[\s-]?house|air[\s-]?gapped|"
    r"\b(?:host|run|install|deploy)\w*\b(?: \w+){0,3}? (?:ourselves|myself|locally)\b|"
    r"\b(?:our|my) (?:\w+'s )?own (?:\w+ )?(?:servers?|infra\w*|hardware|machines?|box(?:es)?|clusters?|"
    r"data ?cent(?:re|er)s?|k8s|kubernetes|gpus?)\b|\b(?:run|install)\w*\b.{0,20}\b(?:laptops?|locally|own machines?)\b"
)
_MANAGED = r"managed|\bsaas\b|hosted for (?:us|me)|cloud service|fully hosted|serverless|\bhosted\b"
# "we can't send the wiki to a saas", "no managed services": a hosted service refused asks for self-hosting.
_NOT = r"\b(?:no|not|never|nothing|can'?t|cannot|won'?t|mustn'?t|don'?t|doesn'?t|isn'?t|aren'?t)\b"
_REFUSES_MANAGED = rf"{_NOT}[^.?!,;]{{0,40}}(?:{_MANAGED})"
# "so we don't run it ourselves", "not self-hosted": running it themselves refused asks for a managed service.
_REFUSES_SELF_HOSTING = rf"{_NOT}[^.?!,;]{{0,20}}(?:{_SELF_HOSTED})"
_CLOUD_ONLY = (
    r"(?:cloud|saas|managed)[\s-]?only|only (?:in|on) (?:the |their )?cloud|only (?:as )?(?:a )?(?:saas|managed)"
)
# A question about where a named tool runs: "can we self-host it", "is it cloud only".
# "a library or a server we must run?", "is that one a lib or a service": what it is delivered as.
_LIBRARY_OR_SERVICE = r"\blib(?:rary)?\b.{0,20}\bor\b.{0,20}\b(?:service|server|saas|platform)\b"
HOSTING_ASKED = f"{_SELF_HOSTED}|{_CLOUD_ONLY}|{_LIBRARY_OR_SERVICE}"


# Words that point back at what the conversation was about, defined once for the router and the actions:
# one tool ("is it open source?"), the last answer, tool or topic ("tools for that?"), several tools.
THE_ONE = r"it|its|it's|this one|that one|the other one"
THE_LAST = r"it|this|that"
THE_SEVERAL = (
    r"those|these|them|they|both|either|the two|the three|all three|all of them|either of them|both of them|"
    r"each other"
)


# "Is that actually free to use?", "does this run on k8s": a question that opens on "that" or "this"
_OPENS_ON_THE_ONE = re.compile(r"^\W*(?:(?:and|so|ok|but)\W+)?(?:is|was|does|can|will|could) (?:that|this)\b")


def points_at_one(text: str) -> bool:
    """ "is it open source?", "that one": the message is about one tool discussed before."""
    return bool(re.search(rf"\b(?:{THE_ONE})\b", text.lower()))


def points_at_the_other(text: str) -> bool:
    """ "And the other one he mentioned?": the tool named beside the one just answered about; not
    "is it open source like the other one?", which asks about "it"."""
    return bool(re.search(r"(?<!like )(?<!than )(?<!as )\bthe other (?:one|tool)\b", text.lower()))


def opens_on_the_one(text: str) -> bool:
    """ "Is that actually free to use?", "does this run on k8s": a question about the thing just
    mentioned, a tool or not ("Is that normal?")."""
    return bool(_OPENS_ON_THE_ONE.search(text.lower()))


def points_at_several(text: str) -> bool:
    """ "compare those two", "either of them": the message is about several tools discussed before."""
    return bool(re.search(rf"\b(?:{THE_SEVERAL})\b", text.lower()))


# One more tool for a comparison: "throw Hyperopt into the comparison too", "compare them + deequ".
_ADDS_TO_COMPARISON = re.compile(
    r"\bcompar\w*\b.{0,40}(?:\b(?:too|also|as well)\b|\+)|^\s*(?:\+|plus\b)|"  # "+ pachyderm", "plus lakefs"
    r"\b(?:add|throw|toss|include|put)\b.{0,40}\b(?:compar\w*|mix|in there|too)\b"  # "throw Git LFS in there too"
)


def adds_to_comparison(text: str) -> bool:
    """ "throw Hyperopt into the comparison too": a tool joins the ones compared."""
    return bool(_ADDS_TO_COMPARISON.search(text.lower()))


# Nouns that name tools whatever the sentence ("libraries"), for the router's and the reader's patterns.
TOOL_NOUNS = (
    r"tools?|tooling|librar(?:y|ies)|libs?|frameworks?|platforms?|software|packages?|products?|options?|"
    r"solutions?|vendors?"
)

# Other tools asked for, not a fact about the one discussed: "anything simpler?", "what could we use
# instead?", "options that do the same job".
_ASKS_FOR_OTHERS = re.compile(
    rf"\b(?:{TOOL_NOUNS}|alternatives?|anything|something|others?|instead|replacements?|substitutes?)\b"
)


# Where the asker would run a tool: "on our own k8s cluster", "in my kubernetes". A tool named there
# is their platform, not the tool asked about.
_OWN_PLATFORM = re.compile(
    r"\b(?:on|in|to|into|inside)?\s*(?:our|my)\s+(?:own\s+)?(?:[\w-]+\s+)?(?:k8s|kubernetes|openshift)(?:\s+clusters?)?\b|"
    r"\b(?:we're|we are|we run|since we're)\s+(?:already\s+)?on\s+(?:k8s|kubernetes|openshift)\b|"
    # the platform they lack: "we have zero kubernetes people", "nobody here knows k8s", "without kubernetes"
    r"\b(?:no|zero|without|lack(?:ing)?|(?:don'?t|do not) have|(?:nobody|no one|noone)(?: here| on the team)? knows)"
    r"\s+(?:any\s+)?(?:k8s|kubernetes|openshift)(?:\s+(?:people|engineers?|experts?|expertise|experience|skills|"
    r"knowledge|team|admins?|ops))?\b",
    re.IGNORECASE,
)


def without_own_platform(text: str) -> str:
    """The text without the asker's own platform: "can we run it on our own k8s cluster?" asks about "it"."""
    return _OWN_PLATFORM.sub(" ", text)


def asks_for_other_tools(text: str) -> bool:
    """ "Is there anything simpler?" after a tool: tools for its job, not a fact about it."""
    return bool(_ASKS_FOR_OTHERS.search(text.lower()))


# "licence", as people spell it ("license", "lisence", "licsense", "lic"), for the router and the reader.
LICENCE_WORDS = r"licen[cs]\w*|lisen[cs]\w*|licsen\w*|licens\w*|licn?se\w*|\blic\b"

# Checked in order: "what licence is this open-source tool under" asks for the licence; "is it free or
# do we need to pay for a licence", "which wouldn't cost us licence fees" ask what it costs.
_ATTRIBUTE_PATTERNS = (
    (
        Attribute.OPEN_SOURCE,
        rf"\b(?:pay|paying|buy|cost\w*|fees?|free)\b.{{0,25}}(?:{LICENCE_WORDS})|(?:{LICENCE_WORDS})\W*(?:fees?|costs?)\b",
    ),
    (
        Attribute.LICENCE,
        f"{LICENCE_WORDS}|\\bspdx\\b|\\bgpl\\b|\\bmit\\b|apache[\\s-]?2|apache licen",
    ),
    (
        Attribute.LANGUAGE,
        r"\bwritten\b|language|\blang\b|coded|implemented|built (?:with|in)|"
        r"\bin (?:go|golang|rust|java|python|c\+\+|cpp|scala|typescript|javascript|ruby|kotlin)\b|"
        r"\b(?:is|it's|its|isn't) (?:it )?(?:go|golang|rust|java|c\+\+|cpp|scala|typescript|javascript|ruby|kotlin)\b",
    ),
    (
        Attribute.LINK,
        r"\blinks?\b|\burls?\b|website|web site|\bsite\b|homepage|home page|\bdocs?\b|documentation|"
        r"\bgithub\b(?! actions)|\brepo\b|repository|where (?:can|do) i (?:find|get|download)|"
        # "where can I point the team to read up on it?": where to read about it is its docs
        r"\bread up on\b|\bwhere\b.{0,40}\b(?:read|learn) (?:about|more|up)\b",
    ),
    (Attribute.HOSTING, HOSTING_ASKED),
    (
        Attribute.OPEN_SOURCE,
        r"open[\s-]?sou?r[cs]ed?|open[\s-]?src|\boss\b|\bfoss\b|\bfree\b|proprietary|closed[\s-]?source|"
        r"commercial|\bpaid\b|\bpay\b|pricing|\bprice|costs?\b|source code",
    ),
    (
        Attribute.CATEGORY,
        r"categor\w*|what kind|which kind|what type|which type|what sort|kind of tool|type of tool|\barea\b|"
        r"\ban? [\w\s/-]{0,40}(?:tool|platform|library|orchestrator|framework|store|database)\b",
    ),
)


def without_names(text: str, naming_phrases: Sequence[str]) -> str:
    """The text without the words that named tools, for reading what it asks: "lang chian" names
    LangChain and asks no language, "is lang chain open source" asks whether it is open source."""
    for phrase in sorted(naming_phrases, key=len, reverse=True):
        words = [re.escape(w) for w in phrase.split()]
        text = re.sub(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", " ", text, flags=re.IGNORECASE)
    return text


def in_order(text: str) -> List[str]:
    """The sentences of a message, in the order written."""
    return [p for p in re.split(r"(?<=[.?!;])\s+", text.strip()) if p.strip(" .?!;")]


def sentences(text: str) -> List[str]:
    """The sentences of a message, questions first: "thank you. is it open source? we cannot pay
    for licences" asks whether it is open source, and the rest is why."""
    return sorted(in_order(text), key=lambda p: not p.rstrip().endswith("?")) or [text]


def the_one_question(parts: Sequence[str]) -> Optional[int]:
    """Where the only question among several sentences (`in_order`) is ("We use Ray for training.
    What is Ray Serve?" -> 1); None for one sentence, or for no or several questions."""
    asking = [i for i, p in enumerate(parts) if p.rstrip().endswith("?")]
    return asking[0] if len(parts) >= 2 and len(asking) == 1 else None


# A message this long (sentences, or words) is background and a question: the question decides.
LONG_MESSAGE_SENTENCES = 3
LONG_MESSAGE_WORDS = 40


def focus(text: str) -> str:
    """The part of a message that asks: in a long message, its question sentences, so the tools
    named in the background are context, not the subject; with no question mark, its last sentence
    when that opens like a question. A short message, or one with no question mark and no such last
    sentence ("and where are ITS docs. a link. please."), is all question."""
    parts = in_order(text)
    if len(parts) < 2 or (len(parts) < LONG_MESSAGE_SENTENCES and len(text.split()) < LONG_MESSAGE_WORDS):
        return text
    # "what's Feast. one paragraph, I have a meeting in 5 min", "netflix made it right? whatever. is it
    # free or not": the sentences with a question mark or that open on a question or a request
    questions = [
        p
        for p in parts
        if p.rstrip().endswith("?") or re.match(_ASKING_OPENING, p.lower()) or re.search(_REQUEST_CLAUSE, p.lower())
    ]
    if not questions and re.match(_QUESTION_OPENING, parts[-1].lower()):
        return parts[-1]  # a texted paragraph that ends "... what tools do ppl use to run a bot over sms"
    return " ".join(questions) if questions else text


# The words a question opens on, as people type them.
_QUESTION_WORDS = (
    # "has to be free" and "have to run it ourselves" state a need; "has it got a UI" asks
    r"is|are|does|do|did|can|could|would|will|should|shall|has(?! to\b)|have(?! to\b)|what|whats|what's|wat|wats|"
    r"wht|which|whch|wich|"
    r"who|whom|whose|where|when|why|how|hw|r|any"
)
# A sentence whose first word (after "ok", "so", "and"...) asks or requests: "is it free or not",
# "compare them", not "I have a meeting in 5 min" or "can't wait".
_ASKING_OPENING = (
    r"^\W*(?:(?:ok|okay|so|and|but|also|then|well|hey|hi|pls|please|btw|um|uh|oh|right|lol|hmm|hm|fine|just)\W+){0,3}"
    rf"(?:{_QUESTION_WORDS}|compare|tell|show|list|give|explain|describe|recommend|suggest)(?!n't|n\u2019t|'t|\u2019t)\b"
)
# A request after a comma: "Before I let him spend a week on it, tell me what Dagster actually is."
_REQUEST_CLAUSE = (
    r"[,;:]\s*(?:(?:so|and|but|then|please|pls|just|first)\s+)?(?:tell|show|give|explain|describe) (?:me|us)\b"
)
# Looser, for the last sentence of a texted paragraph: up to two words of any kind before it.
_QUESTION_OPENING = rf"^\W*(?:\w+\W+){{0,2}}?(?:{_QUESTION_WORDS})\b"


# A message that is nothing but a request to describe something by name: "what is flow pilot",
# "tell me about trace loop?", maybe with a question about it after. The name is at most three words.
_NOT_A_NAME = r"(?!(?:our|my|your|their|the|this|that|these|those|it|they|we|you|i)\b)"
_ASKS_ABOUT_A_NAME = re.compile(
    r"^\W*(?:[^:?!.]{0,80}:\s*)?(?:(?:so|and|ok|okay|hey|hi|hello|um)\W+)?"  # "Before I take that meeting: what is..."
    r"(?:what(?:'s|s| is)|wats?|tell me about|explain|describe|have you heard of|heard of|do you know|info on)\s+"
    r"(?:the |a |an )?(?P<name>[a-z0-9][\w.+-]*(?: (?!(?:and|or|but|why|how|what|is|for)\b)[\w.+-]+){0,2})"
    # "what is brim stack is it for m l ops": a question about it may follow
    r"(?:\W*$|\W+(?:and |so )?(?:(?:how|why|what|where|when) )?(?:is|does|can|do) (?:it|this|that|they)\b.{0,200}$)",
    re.IGNORECASE,
)
# "does gorse moor have a self hosted version", "is quill stack open source": a fact asked of a name.
_ASKS_A_FACT_OF_A_NAME = re.compile(
    rf"^\W*(?:does|do|can|is|are)\s+{_NOT_A_NAME}(?P<name>[a-z0-9][\w.+-]*(?: [\w.+-]+){{0,2}}?)\s+"
    r"(?:have|has|support|offer|come with|run on|open[\s-]?source|free\b|self[\s-]?host|a (?:managed|hosted|cloud)|"
    r"cloud[\s-]?only)",
    re.IGNORECASE,
)


def asked_about_a_name(text: str) -> Optional[str]:
    """The name a message asks about, when that is all it asks: "what is flow pilot" -> "flow pilot",
    "does gorse moor have a self-hosted version?" -> "gorse moor". The caller decides whether that
    is a tool (NLU said the message asks about one)."""
    match = _ASKS_ABOUT_A_NAME.match(text.strip()) or _ASKS_A_FACT_OF_A_NAME.match(text.strip())
    name = match.group("name") if match else None
    if name is None or points_at_one(name) or points_at_several(name) or re.fullmatch(rf"(?:{THE_LAST})", name.lower()):
        return None  # "what is it", "tell me about those": the tools discussed, not a name
    return name


def names_an_unknown_tool(text: str, name: str) -> bool:
    """The odd word is used as a tool's name, not as a thing of the asker's: "and Censius, is it the same
    kind of tool?", but not "could we run it inside our own VPC?"."""
    lowered = text.lower()
    if name.lower() not in lowered:
        return False
    return not re.search(rf"\b(?:our|my|your|their|the|a|an|own|this|that)\s+{re.escape(name.lower())}\b", lowered)


def is_question(text: str) -> bool:
    """Asks rather than states: a question mark, or a sentence that opens on a question or a request
    ("can it run on prem", "ok so is it free"; not "we run it on prem", "it has to be open source")."""
    return "?" in text or any(re.match(_ASKING_OPENING, s.lower()) for s in sentences(text))


def _clause_attribute(clause: str) -> Optional[Attribute]:
    """The attribute one clause asks about: the first pattern that matches ("what licence is this
    open-source tool under" asks for the licence)."""
    lowered = clause.lower()
    return next((attribute for attribute, pattern in _ATTRIBUTE_PATTERNS if re.search(pattern, lowered)), None)


def asked_attribute(text: str) -> Optional[Attribute]:
    """The attribute a question asks about, or None when it names none. When the message asks
    something ("?"), only its questions are read: in "we'd like to try our new pricing algorithm on
    real customers. How do teams do that?" nothing is asked about a price."""
    parts = sentences(text)
    # "netflix made it right? whatever. is it free or not"; a question of a word or two ("True?") asks
    # about the sentences before it: "Procurement says it's a paid product. True?"
    questions = [s for s in parts if is_question(s) and len(re.findall(r"[a-z]{3,}", s.lower())) > 1] or parts
    return next((a for a in map(_clause_attribute, questions) if a is not None), None)


def asked_attributes(text: str) -> List[Attribute]:
    """Every attribute a message asks about, in the order asked: "is dagster free, and can it run
    on a laptop?" asks whether it is open source and where it runs. One a clause; the question
    sentences only, when there are any."""
    questions = [s for s in sentences(text) if s.rstrip().endswith("?")] or [text]
    clauses = [c for q in questions for c in re.split(r"[,;:?+]|\band\b|\balso\b|\bplus\b", q) if c.strip()]
    found = [a for a in map(_clause_attribute, clauses) if a is not None]
    return list(dict.fromkeys(found)) or ([first] if (first := asked_attribute(text)) else [])


_ORDINALS = {
    "first": 1,
    "one": 1,
    "second": 2,
    "two": 2,
    "third": 3,
    "three": 3,
    "fourth": 4,
    "four": 4,
    "fifth": 5,
    "five": 5,
    "sixth": 6,
    "six": 6,
    "seventh": 7,
    "seven": 7,
    "eighth": 8,
    "eight": 8,
    "ninth": 9,
    "nine": 9,
    "tenth": 10,
    "ten": 10,
}
_ORDINAL_WORDS = [w for w in _ORDINALS if len(w) >= 4]


def _slip_of(word: str, choices: Sequence[str]) -> Optional[str]:
    """The choice a word is a slip of ("frist" of "first"): only for a word of four letters or more
    that is no ordinary English word itself ("send" is not "second", "fist" is not "first")."""
    if word in choices:
        return word
    if len(word) < 4 or word in common_words():
        return None
    match = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=80)
    return match[0] if match is not None else None


def _ordinal_word(words: Sequence[str]) -> Optional[int]:
    """ "second", "secnd", "3rd"; a bare "one" only when no other ordinal is there ("the secnd one"),
    and never before "of": "is Featurely one of them?" counts, it picks nothing."""
    for word in words:
        if word in _ORDINALS and word != "one":
            return _ORDINALS[word]
        slip = _slip_of(word, _ORDINAL_WORDS)
        if slip is not None:
            return _ORDINALS[slip]
    counts = any(w == "one" and after == "of" for w, after in zip(words, words[1:]))
    return 1 if "one" in words and not counts and not {"other", "which", "any", "no"} & set(words) else None


_HOW_MANY = {"both": 2, "two": 2, "2": 2, "three": 3, "3": 3, "all": 3}


def referred_count(text: str) -> Optional[int]:
    """How many tools "compare all three", "those two", "both of them" mean; None when it says no number."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return max((_HOW_MANY[w] for w in words if w in _HOW_MANY), default=None)


_PLACES = ("first", "second", "third", "fourth", "fifth", "last")
# "last" before a noun other than an option's is a time ("a vendor pitched it last week"), no place
_LAST_AS_TIME = re.compile(r"\blast\s+(?!(?:one|ones|option|options|tool|item|pick|entry|of|on|in)\b)[a-z]+")


# "the pipelines one", "which one is the git-for-a-SQL-database one?", "the one Meta makes for the
# same job": a tool pointed at by what it is, not by its name or its place in a list.
_DESCRIBED_ONE = re.compile(
    r"\bthe ((?:[\w.&+'-]+ ){0,3}?[\w.&+'-]+) (?:one|tool)\b"
    r"|\bthe one (?:that |which )?((?:from|by|made by|[a-z]+ (?:makes|made|built))\b[^.?!,;]{0,60})"
)
# Words that place a tool in time or in the conversation, not by what it is; and words that join a
# description to the rest of the sentence, never part of it ("the licence of the one you know").
_RELATIVE = frozenset("other old new current next same real latest newest previous only".split())
_JOINING = frozenset("the of a an at to in on for with and or is are you we i least".split())


def _described(text: str) -> Optional[re.Match]:
    """The first "the ... one" that describes a tool."""
    for match in _DESCRIBED_ONE.finditer(text.lower()):
        if match.group(2):
            return match  # "the one Meta makes for the same job"
        words = set(match.group(1).split())
        if not (words & _JOINING or words & _RELATIVE or names_a_place(match.group(1))):
            return match
    return None


def described_one(text: str) -> Optional[str]:
    """What a message says of the one tool it points at ("pipelines" in "and the pipelines one?"),
    or None: "the second one" and "the other one" point by place."""
    match = _described(text)
    return None if match is None else match.group(2) or match.group(1)


def naming_the_described(text: str, name: str) -> str:
    """The message with the tool it describes called by its name: "and the pipelines one?" ->
    "and Kubeflow Pipelines?"."""
    match = _described(text)
    return text if match is None else text[: match.start()] + name + text[match.end() :]


# A place that something is compared with, not picked: "is it in the same category as the first?"
# ("simpler than the first one" picks it: alternatives to it).
_COMPARED_PLACE = re.compile(r"\b(?:as|like) the [a-z]+\b")


def names_a_place(text: str) -> bool:
    """ "the first one", "the frist", "the last": a place in a list, in words (cardinals like "one"
    and "two" are left out: they count things as often as they pick them); not a place compared with."""
    words = re.findall(r"[a-z]+", _COMPARED_PLACE.sub(" ", _LAST_AS_TIME.sub(" ", text.lower())))
    return any(_slip_of(w, _PLACES) is not None for w in words)


def chosen_option(text: str, option_count: int) -> Optional[int]:
    """The 0-based option a reply like "2", "#2", "the second one" or "the last one" picks.

    None when the reply picks nothing, or a number outside the options shown.
    """
    lowered = _LAST_AS_TIME.sub(" ", text.lower())
    number: Optional[int] = None
    digits = re.search(r"\d+", lowered)
    if digits:
        # a number of more than three digits picks no option; int() of thousands of digits would
        # cost time growing with their square (and raise beyond 4,300)
        number = int(digits.group()) if len(digits.group()) <= 3 else None
    elif re.search(r"\blast\b", lowered):
        number = option_count
    elif re.search(r"\b(?:the|that) other\b", lowered):  # "the other one" is clear between two only; not "any other"
        number = 2 if option_count == 2 else None
    else:
        number = _ordinal_word(re.findall(r"[a-z]+", lowered))
    if number is None or not 1 <= number <= option_count:
        return None
    return number - 1


class Hosting(str, enum.Enum):
    SELF_HOSTED = "self-hosted"
    MANAGED = "managed"


@dataclass(frozen=True)
class Constraints:
    """What a user requires of a tool: "open-source", "managed", "simpler"."""

    open_source: Optional[bool] = None
    hosting: Optional[Hosting] = None
    simpler: bool = False

    @property
    def labels(self) -> Sequence[str]:
        labels = []
        if self.open_source is True:
            labels.append("open-source")
        elif self.open_source is False:
            labels.append("commercial")
        if self.hosting is not None:
            labels.append(self.hosting.value)
        if self.simpler:
            labels.append("simpler")
        return labels


_OPEN_SOURCE = (
    r"open[\s-]?source|open[\s-]?src|\boss\b|\bfoss\b|\bfree\b|self[\s-]?hostable|"
    r"\b(?:no|without|zero) (?:licen[cs]e |subscription )?(?:fees?|costs?|budget)\b|\bbudget of (?:exactly )?zero\b|"
    # money said with a negation: "without a subscription", "can't pay", "not pay them", "no paid licence"
    r"(?:\b(?:no|not|without|never|cannot)\b|n't)(?: \w+){0,4}? (?:pay(?:ing)?|paid|subscriptions?)\b|"
    r"\bcosts? (?:us )?nothing\b"
)
_NOT_OPEN_SOURCE = r"(?:\bnot\b|n't|\bno need\b)[\w\s]{0,20}open[\s-]?source"
_CLOSED = r"commercial|proprietary|closed[\s-]?source|\bpaid\b|enterprise"
_SIMPLER = r"simpler|simple|easier|lighter|lightweight|less complex|smaller|minimal"


def open_source_optional(text: str) -> bool:
    """ "It doesn't need to be open source": the user waives the requirement."""
    return bool(re.search(_NOT_OPEN_SOURCE, text.lower()))


def constraints(text: str) -> Constraints:
    """The requirements a message states; everything it does not mention stays open."""
    lowered = text.lower()
    open_source: Optional[bool] = None
    if re.search(_OPEN_SOURCE, lowered) and not open_source_optional(lowered):
        open_source = True
    elif re.search(_CLOSED, lowered):
        open_source = False
    hosting: Optional[Hosting] = None
    if re.search(_REFUSES_SELF_HOSTING, lowered):  # "managed so we don't run it ourselves"
        hosting = Hosting.MANAGED
    elif re.search(_SELF_HOSTED, lowered) or re.search(_REFUSES_MANAGED, lowered):
        hosting = Hosting.SELF_HOSTED
    elif re.search(_MANAGED, lowered):
        hosting = Hosting.MANAGED
    return Constraints(open_source, hosting, bool(re.search(_SIMPLER, lowered)))


# "we version our datasets with DVC today", "Our pipelines run on Apache Airflow 2", "we're on Snowflake":
# the asker says what they already use (not "we're choosing between vLLM and TGI").
_SAYS_WHAT_WE_USE = re.compile(
    r"\b(?:we|i|our (?:\w+ ){0,2}?\w+|my (?:\w+ ){0,2}?\w+)(?:'re|'ve|'m| are| have| am| had)?"
    r"(?: (?:currently|already|still|now|mostly|mainly|all|just|only))?"
    r" (?:use[sd]?|using|run|runs|running|rely on|relies on|built (?:on|with)|live[sd]? (?:on|in)|"
    r"(?:are|is|were|was) on|on|version|versions|track|tracks|store|stores|deploy|deploys|host|hosts|"
    r"went with|picked|standardi[sz]ed on|moved to|migrated to|have|has|got)\b"
)
# "what we're using now", "what we already run", "our current stack": the tools the asker said they use.
_REFERS_TO_OWN_STACK = re.compile(
    r"\b(?:what|the (?:one|tool|thing)s?(?: that)?) (?:we|i)(?:'re|'ve| are| have| am|'m)? (?:\w+ ){0,2}?"
    r"(?:use|using|run|running|have|got|on)\b|"
    r"\b(?:our|my) (?:current|existing|present|old|own) (?:\w+ )?(?:setup|stack|tools?|tooling|one|solution|system)\b"
)


def says_what_they_use(text: str) -> List[str]:
    """The statements in which the asker says what they already use, one per sentence or clause:
    "we version our datasets with DVC today. a colleague mentioned lakeFS, what is that?" says it in its
    first sentence. Questions say nothing of the kind ("do you use mlflow?")."""
    clauses = [c for s in sentences(text) if not is_question(s) for c in re.split(r"[,;:]\s*|\bbut\b", s)]
    return [c for c in clauses if _SAYS_WHAT_WE_USE.search(c.lower())]


def refers_to_own_stack(text: str) -> bool:
    """ "compare it with what we're using now", "against what we already run": the tools the asker uses."""
    return bool(_REFERS_TO_OWN_STACK.search(text.lower()))
