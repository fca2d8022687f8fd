"""Decides, after the classifiers, whether the knowledge base should take a message over.

The classifiers see wording; the resolver sees names. When they disagree the names decide:
- a message that names a tool the resolver finds is a tool question, however unsure NLU was
  ("kserv?", "could you describe ClearML?");
- a message that asks about a name the base does not hold is a tool question about an unknown
  tool, so the assistant can say it does not know it ("what is zorbulator?");
- a message that asks for tools and names a job ("which tools can watch my models for drift?")
  lists that job's tools instead of answering the practice question;
- a practice answer the response selector is unsure of is not sent: the message goes to the
  small-talk intent NLU ranked next, or to the fallback ("cheers, that was helpful").

Pure: it reads the text, NLU's ranking and a resolution, and names an intent. The Rasa component
(assistant/nlu/tool_router.py) applies it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from actions.kb.message import asked_attribute
from actions.kb.resolver import Resolution

FAQ = "faq"
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
ASK_TOOL_INFO = "ask_tool_info"
ASK_TOOL_ATTRIBUTE = "ask_tool_attribute"
LIST_TOOLS = "list_tools"
COMPARE_TOOLS = "compare_tools"
ASK_ALTERNATIVES = "ask_alternatives"
RECOMMEND_TOOL = "recommend_tool"
INFORM = "inform"
WHAT_ABOUT = "what_about"

# Intents whose action looks the tools up itself: a found name needs no rerouting.
TOOL_INTENTS = frozenset({ASK_TOOL_INFO, ASK_TOOL_ATTRIBUTE, COMPARE_TOOLS, ASK_ALTERNATIVES, WHAT_ABOUT})
# Intents a named tool or an asked-for tool list may take over: the ones that would not look it up.
OVERRIDABLE = frozenset({FAQ, FALLBACK, OUT_OF_SCOPE, INFORM, "greet", "goodbye", "thanks", "help", "tell_me_more",
                         "affirm", "deny", "skip", "choose_option", "bot_challenge"})
# Where an unsure practice answer goes instead, if NLU ranked it next.
SMALL_TALK = ("thanks", "greet", "goodbye", "help", "bot_challenge", OUT_OF_SCOPE)

# A practice answer the selector is less sure of than this is not sent (docs/evaluation.md has the
# trade-off measured on held-out practice questions and out-of-scope messages).
PRACTICE_CONFIDENCE = 0.2
# How sure NLU must be of the small-talk intent that replaces an unsure practice answer.
SMALL_TALK_CONFIDENCE = 0.05
# A practice answer at least this sure is kept even when the message has an unknown word in it.
SURE_PRACTICE = 0.5

# Nouns that name tools whatever the sentence ("libraries"), and nouns that do only when asked for
# ("which vector stores...", not "what is a feature store").
_TOOL_NOUNS = r"tools?|librar(?:y|ies)|libs?|frameworks?|platforms?|software|packages?|products?|options?|solutions?|vendors?"
_ASKED_NOUNS = r"stores?|databases?|dbs?|engines?|environments?|ides?|services?|apps?|projects?|stack"
_ASKS_FOR_TOOLS = re.compile(
    rf"\b(?:{_TOOL_NOUNS})\b.*\b(?:for|to|that|which|can|do|i|we|people|would|should)\b|"
    rf"\b(?:which|what|any|some|recommend\w*|suggest\w*|good|best|popular|list)\b[\w\s/-]{{0,30}}\b(?:{_TOOL_NOUNS})\b|"
    rf"\b(?:which|any|some|recommend\w*|suggest\w*|good|best|popular|list)\b[\w\s/-]{{0,30}}\b(?:{_ASKED_NOUNS})\b|"
    r"\bwhat (?:can|could|should|do|would) (?:i|we|you|people|teams?|folks) (?:use|try|pick|choose)\b|"
    r"\b(?:do|does|would|should|could|can) (?:people|you|i|we|teams?|folks|most people) (?:use|recommend|pick)\b|"
    r"\b(?:anything|something) (?:to|for|that)\b|\bwhat to use\b|\bwhat(?:'s| is) out there\b|"
    r"\bis there (?:a|an|any) (?:tool|library|lib|framework|platform|way)\b"
)
_COMPARES = re.compile(r"\bvs\.?\b|\bversus\b|\bcompar\w*|\bdiff(?:erence|erent)?s?\b|\bbetter\b|\bor\b|\bagainst\b|"
                       r"\bstack up\b")
_ALTERNATIVES = re.compile(r"\balternatives?\b|\binstead of\b|\breplace\w*\b|\bsimilar to\b|\blike\b.*\bbut\b|"
                           r"\bbesides\b|\bother than\b|\bapart from\b")


# Words that ask about a name without adding a subject of their own ("could you describe X?").
_FILLER = frozenset(
    "a an the is are was what whats wats wat what's tell me us about abt describe explain could can would you u "
    "please pls plz info information on of do does know heard hear have ever any anything thing things this that "
    "it its i keep hearing deal with exactly so ok okay hey hi and or vs versus quick summary overview who "
    "made makes give some details detail more re regarding".split()
)
# Content words besides the names up to which a message is still just "about X".
MAX_SUBJECT_WORDS = 3


def _content_words(text: str) -> int:
    return sum(1 for w in re.findall(r"[a-z0-9&.+'-]+", text.lower()) if w.strip("'.-") not in _FILLER)


def asks_for_tools(text: str) -> bool:
    """"Which tools...", "what can I use to...", "libraries that...", "anything to label images"."""
    return bool(_ASKS_FOR_TOOLS.search(text.lower()))


@dataclass(frozen=True)
class Parse:
    """What NLU made of a message: its intent ranking (best first) and the response selector's confidence."""

    intent: str
    confidence: float
    ranking: Sequence[Tuple[str, float]] = ()
    practice_confidence: float = 0.0
    category_entity: Optional[str] = None


def _tool_question(text: str, tool_count: int) -> str:
    """Which kind of tool question a message with names in it asks."""
    lowered = text.lower()
    if tool_count >= 2 and _COMPARES.search(lowered):
        return COMPARE_TOOLS
    if _ALTERNATIVES.search(lowered):
        return ASK_ALTERNATIVES
    if asked_attribute(text) is not None:
        return ASK_TOOL_ATTRIBUTE
    return ASK_TOOL_INFO


def _unsure_practice(parse: Parse) -> str:
    """Where a practice answer the selector is unsure of goes: small talk NLU ranked next, or fallback."""
    for name, confidence in parse.ranking:
        if name in SMALL_TALK and confidence >= SMALL_TALK_CONFIDENCE:
            return name
    return FALLBACK


def route(text: str, parse: Parse, resolution: Resolution) -> Optional[str]:
    """The intent the message should have instead of NLU's, or None to keep NLU's."""
    intent = parse.intent
    category = parse.category_entity or resolution.category
    if intent == RECOMMEND_TOOL and resolution.unknown and not resolution.tools:
        return _tool_question(text, 1)  # "is zorbulator a good feature store?"
    if intent not in OVERRIDABLE:
        return None  # the tool intents look names up themselves
    if category and asks_for_tools(text) and not resolution.tools:
        return LIST_TOOLS
    about_a_name = _content_words(text) <= MAX_SUBJECT_WORDS
    if resolution.tools and (about_a_name or intent != FAQ or parse.practice_confidence < PRACTICE_CONFIDENCE):
        return _tool_question(text, len(resolution.tools) + (1 if resolution.unknown else 0))
    if intent == FAQ and parse.practice_confidence >= SURE_PRACTICE:
        return None  # "how do I track experiments with mlflow?": a practice answer, then a note on MLflow
    if resolution.unknown and intent in (FAQ, FALLBACK, OUT_OF_SCOPE, INFORM) and (about_a_name or intent != FAQ):
        return _tool_question(text, 1)  # "what is zorbulator?": the assistant says it does not know it
    if intent == FAQ and parse.practice_confidence < PRACTICE_CONFIDENCE:
        return _unsure_practice(parse)
    return None
