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

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Set, Tuple

from core.message import (
    HOSTING_ASKED,
    LICENCE_WORDS,
    THE_LAST,
    THE_ONE,
    THE_SEVERAL,
    TOOL_NOUNS,
    Attribute,
    adds_to_comparison,
    asked_attribute,
    asked_attributes,
    asks_for_other_tools,
    constraints,
    is_question,
    names_a_place,
    opens_on_the_one,
    points_at_one,
    points_at_several,
    points_at_the_other,
    refers_to_own_stack,
    sentences,
    without_names,
)
from core.names import (
    AFFIRM,
    ASK_ALTERNATIVES,
    ASK_TOOL_ATTRIBUTE,
    ASK_TOOL_INFO,
    BOT_CHALLENGE,
    CHOOSE_OPTION,
    COMPARE_TOOLS,
    DENY,
    FALLBACK,
    FAQ,
    GOODBYE,
    GREET,
    HELP,
    INFORM,
    LIST_TOOLS,
    OUT_OF_SCOPE,
    RECOMMEND_TOOL,
    SKIP,
    TELL_ME_MORE,
    THANKS,
    WHAT_ABOUT,
)
from core.resolver import Resolution

# Intents whose action looks the tools up itself: a found name needs no rerouting.
TOOL_INTENTS = frozenset({ASK_TOOL_INFO, ASK_TOOL_ATTRIBUTE, COMPARE_TOOLS, ASK_ALTERNATIVES, WHAT_ABOUT})
# Intents a named tool or an asked-for tool list may take over: the ones that would not look it up.
OVERRIDABLE = frozenset({FAQ, FALLBACK, OUT_OF_SCOPE, GREET, GOODBYE, THANKS, HELP, TELL_ME_MORE, BOT_CHALLENGE})
# Answers to the assistant's own questions (the advice form, "did you mean"): taken over only by a
# message that is plainly about a tool it names ("no, mlflow"), never by an odd word ("idc tbh").
ANSWERS = frozenset({INFORM, AFFIRM, DENY, SKIP, CHOOSE_OPTION})
# Where an unsure practice answer goes instead, if NLU ranked it next.
SMALL_TALK = (THANKS, GREET, GOODBYE, HELP, BOT_CHALLENGE, OUT_OF_SCOPE)

# A practice answer the selector is less sure of than this is not sent (docs/evaluation.md has the
# trade-off measured on held-out practice questions and out-of-scope messages).
PRACTICE_CONFIDENCE = 0.2
# How sure NLU must be of the small-talk intent that replaces an unsure practice answer.
SMALL_TALK_CONFIDENCE = 0.05
# NLU this sure that a message is off-topic keeps it so, tool's name or not, unless it plainly asks a tool question.
SURE_OUT_OF_SCOPE = 0.6
# NLU this sure of a small-talk intent keeps it, even when the message asks about "it" ("how does this work?").
SURE_SMALL_TALK = 0.6
# How sure NLU must be of a small-talk intent to take it over the fallback, for an off-topic message.
SMALL_TALK_FALLBACK = 0.25
# The intent classifier this sure of a practice question, and its meaning this much nearer (cosine) to
# practice than to off-topic talk: the selector's best topic is answered down to this confidence.
SURE_FAQ = 0.95
PRACTICE_MARGIN = 0.2
SPREAD_PRACTICE = 0.1
# A practice answer at least this sure is kept even when the message has an unknown word in it.
SURE_PRACTICE = 0.5
# NLU ranks a list this high, and at least this share of the practice answer's confidence: torn.
TORN_LISTING = 0.2
TORN_SHARE = 0.8
# NLU ranks alternatives at least this high for a long story whose question asks for something else
# than the tool it names: the question decides ("Is there something lighter that covers the same ground?").
ALTERNATIVES_IN_DOUBT = 0.1
# Right after a practice answer, a question carries on from it: the selector's topic (read in the
# light of the last answer) is answered at this confidence, and at this similarity to its
# questions, when no off-topic example is nearer.
PRACTICE_IN_CONTEXT = 0.15
SIMILARITY_IN_CONTEXT = 0.35
# A message whose sentence embedding is less similar than this to every practice question the
# selector was trained on is not about MLOps practice, however the probabilities fall ("how do I
# tune my guitar?"). On held-out practice questions 2 of 348 fall below it; of out-of-scope
# messages, 64 of 70, and 87 of 105 with the everyday-sense examples (docs/evaluation.md). Nor is
# a message nearer to an off-topic training example than to any practice question ("how do dock
# workers load shipping containers"): no held-out practice question is, 56 of 67 held-out
# off-topic messages are.
PRACTICE_SIMILARITY = 0.45
# A message this similar to a practice question, whose topic the selector is sure of, is that
# question however unsure the intent classifier was ("wat is drift", "n canary?").
SURE_SIMILARITY = 0.6
# The intent classifier and the selector both this sure of a practice answer outweigh a low similarity:
# a paragraph of background ("we're building a Q&A assistant over our wiki, LLM plus retrieval") is
# like no single training question, yet plainly one topic.
BOTH_SURE = 0.9
# A job found by meaning (core/jobs.py) names the category of a request for tools that names none
# when its nearest document is at least this similar and it has at least this share of the vote.
JOB_SIMILARITY = 0.35
JOB_SHARE = 0.3
# A job this near, with this much of the vote, beats the practice topic's category: "how do people
# test their llm outputs automatically, any tools" is about evaluation tools, whatever the topic.
CLEAR_JOB_SIMILARITY = 0.6
CLEAR_JOB_SHARE = 0.75
# Words a message must have besides the tool nouns to describe a job ("tools?" describes none).
MIN_JOB_WORDS = 2

# Nouns that name tools whatever the sentence ("libraries"), and nouns that do only when asked for
# ("which vector stores...", not "what is a feature store").
_TOOL_NOUN_WORDS = re.compile(rf"\b(?:{TOOL_NOUNS})\b")
_ASKED_NOUNS = r"stores?|data ?bases?|dbs?|engines?|environments?|ides?|services?|apps?|projects?|stack|things|stuff"
_PEOPLE = r"i|we|you|u|people|ppl|teams?|folks|most people|companies|everyone"
_ASKS_FOR_TOOLS = re.compile(
    r"\b(?:tools?|tooling|libraries|library|libs?|frameworks?|platforms|software|options|solutions|products)\W+(?:\w+\W+){0,2}?"
    r"(?:for|to|2|4|that|which|people|should)\b|"
    rf"\b(?:which|any|some|recommend\w*|suggest\w*|good|best|popular|list)\b[\w\s/-]{{0,30}}\b(?:{TOOL_NOUNS})\b|"
    r"\bwhat\b[\w\s/-]{0,30}\b(?:tools|tooling|libraries|libs|frameworks|platforms|options|solutions|products)\b|"
    rf"\b(?:which|any|some|recommend\w*|suggest\w*|good|best(?! (?:way|practice|approach))|popular|list)\b"
    rf"[\w\s/-]{{0,30}}\b(?:{_ASKED_NOUNS})\b|"  # not "the best way to manage environments": a how
    rf"\b(?:tools?|libs|libraries|frameworks|options)\W*(?:pls|please|plz)?\W*$|\b(?:tools?|libs?|librar(?:y|"
    rf"ies)|frameworks?) recs?\b|"
    rf"\bwhat (?:can|could|should|do|would) (?:{_PEOPLE}) (?:use|try|pick|choose)\b|"
    rf"\bwhat\b.{{0,40}}\b(?:do|does|would|should) (?:{_PEOPLE}) (?:\w+ )?(?:use|recommend|pick)\b|"
    rf"\bwhat (?:do|does) (?:{_PEOPLE}) \w+ .{{0,80}}\bwith\b|"
    r"\bwhat (?:can|could|will|would) (?!i\b|we\b|you\b|u\b|it\b|this\b|that\b|they\b)\w+|"
    r"\b(?:anything|something|smth|sth|smthg|anythin|somethin) (?:to|for|that)\b|\bwhat to use\b|"
    r"\bwhat(?:'s| is) out there\b|"
    rf"\b(?:give|show|list|name|send) (?:me |us )?(?:\w+ ){{0,3}}(?:{TOOL_NOUNS})\b|"
    rf"\bwhat(?:'s| is) available\b|\bwhere (?:do|does|can|should|would) (?:{_PEOPLE}) (?:keep|store|put|host|run)\b|"
    r"\bis there (?:a|an|any) (?:tool|library|lib|framework|platform)\b|"
    # "experiment tracker names asap"
    r"\bjust (?:the )?names\b|\bnames\W*(?:asap|as soon as possible|please|pls|plz|only)?\W*$"
)
# "the options", "what tools", "libraries": asking for a list rather than one recommendation.
_ASKS_FOR_SEVERAL = re.compile(
    r"\b(?:tools|libraries|libs|frameworks|platforms|options|solutions|products|stores|"
    r"databases|dbs|engines|environments|ides|services|apps|projects|things)\b"
)
_COMPARES = re.compile(
    r"\bvs?\.?\b|\bversus\b|\bcompar(?:e|es|ed|ing|ison)\b|\bdiff\b|\bdiffer(?:s|ences?)?\b|"
    r"\bdifferent (?:from|than|to)\b|\b(?:how|in what ways?) (?:are|is)\b.{0,60}\bdifferent\b|\bbetter\b|"
    r"\bor\b|\bagainst\b|\bbetween\b|\bstack up\b|\bside by side\b|\bhead to head\b|\bpick\b.{0,60}\bor\b"
)
# What a replacement is asked to be: "lighter options", "anything simpler".
_LIGHTER = r"lighter|simpler|cheaper|leaner|easier|smaller"
_ALTERNATIVES = re.compile(
    # "instead of a cloud" says where it runs, not what replaces it
    r"\balternatives?\b|\balts?\b(?: to| for)?|\binstead of\b(?!\s+(?:a |an |the |their |some )?(?:public |"
    r"vendor'?s? )?(?:cloud|saas|hosted|managed)\b)|\b(?:use|using|try|pick|"
    r"recommend)\w* instead\b|\breplac\w*\b|\bsimilar to\b|\blike\b.{0,60}\bbut\b|"
    r"\bbesides\b|\bother than\b|\bapart from\b|\bother options\b|\b(?:what|who|where) else\b|"
    r"\bswitch(?:ing)? (?:from|away|off)\b|"
    r"\b(?:switch|move|migrate) to\s*(?:\?|$|what\b)|\bmove (?:off|away)\b|\bmigrat\w* (?:off|from)\b|\bswap\b|"
    r"\bditch\w*\b|\bif not\b|\bsuggestions\b|\bother tools like\b|\bcomparable\b|"
    r"\bothers like\b|\bsimilar (?:ones|tools)\b|\bmore like (?:that|this|it)\b|"
    rf"\b(?:{_LIGHTER})\b[\w\s-]{{0,20}}\b(?:options?|ones|tools|alternatives?)\b|"
    # "anything simpler than the first one", "something more simple what does the same job"
    rf"\b(?:anything|something|smth|sth)\s+(?:(?:a bit|much|more|less)\s+)?(?:{_LIGHTER}|simple|light|cheap|complex|"
    r"heavy|complicated)\b|\b(?:lighter|simpler|cheaper|leaner|easier) than\b|"
    r"\bdo(?:es)? the same (?:job|thing|work)\b"
)
# A fact asked so plainly it beats a practice answer: the licence, the docs, the language, open source.
_ASKS_A_FACT = re.compile(
    rf"{LICENCE_WORDS}|\blinks?\b|\burls?\b|website|homepage|home page|"
    r"\bdocs (?:for|of|on)\b|\bdocs\W*(?:pls|please|link)?\W*$|"
    r"documentation|where (?:can|do) i (?:find|get)\b.{0,60}\b(?:docs|code|repo)|\bwritten in\b|\bcoded in\b|"
    r"what language|which language|\bimplemented in\b|\b(?:which|what) (?:category|kind of tool|type of tool)\b|"
    r"\bis \S+ an? [\w\s/-]{1,60}\bor an? \b|\bis \S+ an? [\w\s/-]{0,60}\b(?:tool|library|lib|platform|"
    r"framework)\b[\w\s/-]{0,60}\bor\b|"
    r"open[\s-]?s(?:ou)?rce\??\s*$|\bis (?:it|\w+) open[\s-]?source\b|\boss\b|" + HOSTING_ASKED
)
# Work people do with tools: "deploy with X", "log my runs to X".
_TOOL_VERBS = (
    r"deploy|run|serv|track|log|train|host|monitor|orchestrat|schedul|version|stor|migrat|switch|integrat|build"
)
# "just text me the list of experiment trackers": a kind of tool named after it (the caller checks).
_LIST_OF = re.compile(r"\b(?:list|names|overview|rundown) of\b")
# What a name is the name of: "tecson feature store", "the blorp library", "zingle tracker".
_NAMED_KINDS = (
    r"stores?|tools?|librar(?:y|ies)|libs?|frameworks?|platforms?|dbs?|databases?|trackers?|servers?|"
    r"orchestrators?|registr(?:y|ies)"
)
# "tools for that", "which tools do it", "any that do this", "tools that can detect it automatically",
# "what could check all that": the message points back at the last answer ("it" is always a pronoun).
_REFERS_BACK = re.compile(
    rf"\b(?:{THE_LAST}|{THE_SEVERAL})\W*$|"
    rf"\b(?:for|do|does|with|about|like|on) (?:{THE_LAST}|{THE_SEVERAL})\b|\b(?:it|all (?:that|this))\b(?!')|"
    r"\b(?:that|this) (?:sort|kind|type) of (?:thing|stuff|problem|issue)s?\b|"  # "check that sort of thing"
    # "what tools would have caught that before the customers did", not "make sure that data is valid"
    r"\b(?:that|this)(?=\s*(?:[.?!,;]|(?:before|after|when|then|early|earlier|sooner|automatically|again)\b))"
)
# "compare them", "how do those two stack up", "compare all three": the tools discussed, compared.
_COMPARES_THOSE = re.compile(
    rf"\b(?:compar\w*|vs|versus|differ\w*|stack up|side by side|next to each other)\b.{{0,30}}\b(?:{THE_SEVERAL})\b|"
    rf"\b(?:{THE_SEVERAL})\b.{{0,30}}\b(?:compar\w*|stack up|differ\w*|side by side|next to each other)\b"
)
# "could you please tell me more about this?": the longer version of the last answer.
_MORE = re.compile(
    r"\b(?:tell|show|give) (?:me|us) more\b(?!\s+(?:about|abt|on)\s+(?!(?:this|that|it|them|those)\b))|"
    r"\bmore (?:details?|info)\b(?!\s+(?:about|abt|on)\s+(?!(?:this|that|it|them|those)\b))|"
    r"\belaborate\b|\bgo deeper\b|\bexpand on (?:this|that|it)\b"
)
# "what can you help me with?", "how does this work": what the assistant can do.
_ASKS_FOR_HELP = re.compile(
    # "what can you do", and as non-native speakers order it: "which things you can do for me?"
    r"\b(?:what|which)(?: \w+){0,3} (?:(?:can|could) (?:you|u)|(?:you|u) (?:can|could)) "
    r"(?:do|help (?:me |us )?(?:with)?)\b|"
    r"\bhow (?:does this|do i use this|do i use you) (?:work|thing)?|"
    r"\bwhat (?:kind of |sort of )?(?:questions|things|stuff) (?:can|could|should) i ask\b"
)
# "which tracker should I use", "whch hyperparam tuner shd i use": one tool for the job, recommended.
_ASKS_FOR_ONE = re.compile(
    r"\b(?:which|whch|wich|wht|what)\b[\w\s-]{0,40}?\b(?:should|shd|shud|shld|would (?:you|u)|"
    r"wud u|do (?:you|u))\s+(?:i |we |u |you )?(?:use|pick|choose|go with|get|recommend)\b"
)
# "examples?", "like what?", "such as?", "fine. tools?": the tools of what was just explained.
_ASKS_FOR_EXAMPLES = re.compile(
    r"^\W*(?:(?:ok|okay|fine|so|and|cool|great|right)\W+)?(?:any |some |got |give me |gimme )?"
    r"(?:examples?|egs?|e\.g\.?|like what|such as|tools|tooling|libs|libraries|"
    r"for (?:example|instance)|name (?:some|a few))\W*(?:pls|please|plz)?\W*$"
)
# "and X?", "n X?", "what about X": the last question again, about another tool.
# The words that open a follow-up: "and ...", "what about ...", "same for ...".
_FOLLOW_UP_OPENERS = r"and|n|also|what about|how about|wat abt|what abt|same for"
_FOLLOW_UP = re.compile(rf"^\W*(?:{_FOLLOW_UP_OPENERS}|&|\+)\s+\S+\W*$")
# "which of those", "any of them": some of the tools just listed.
_OF_THOSE = re.compile(rf"\b(?:which|any|all|some) of (?:{THE_SEVERAL})\b")
# "And Great Expectations, which was also on the list?", "ok and kestra too": with the names taken out,
# the opening of a follow-up and at most a clause about the name.
_FOLLOWS_UP_ON_A_NAME = re.compile(
    rf"^\W*(?:(?:ok|okay|so|right|fine)\W+)?(?:{_FOLLOW_UP_OPENERS})\W*"
    r"(?:(?:which|that|who)\b[^?.!]{0,60}|too|as well|(?:the )?same\b[^?.!]{0,20})?\W*$"
)
# "ok, and ...", "what about ...": a message that carries the last question on to something else.
_OPENS_A_FOLLOW_UP = re.compile(r"^\W*(?:(?:ok|okay|so|right|fine)\W+)?(?:and|also|what about|how about)\b")
# A sentence that opens by asking to be given something: "list ...", "pls show me ...", "can u name ...".
_REQUEST_OPENING = (
    r"^\W*(?:(?:ok|okay|so|pls|please|plz|just|quickly|now|then)\W+){0,3}(?:(?:can|could|would) (?:you|u) )?"
    r"(?:list|show|give|name|send|text)\W+(?:me\W+|us\W+)?(?:(?:some|a few|the|all|your)\W+)?"
)
# "my name is ...", "I work at ...": what follows is a person, a company or a place.
_INTRODUCTION = re.compile(
    r"\b(?:my name(?:'s| is)|i am|i'm|im|call me|this is|i work (?:at|for|in)|i live in|"
    r"greetings from|hello from|hi from)\b"
)
# "Hello, ...", "good afternoon. ...": a greeting before the question.
_GREETING = r"(?:hello|hi|hey|good (?:morning|afternoon|evening))\W+"
# "tell me about X and Y, ...", "explain X to me like I'm 5": a request about the names, however long.
_ASKS_ABOUT = re.compile(
    rf"^\W*(?:{_GREETING})?(?:(?:can|could|would) (?:you|u) )?"
    r"(?:please |pls |kindly )?(?:tell me (?:about|abt)|explain|describe|"
    r"give me (?:a |an )?(?:short |quick |brief )?(?:overview|summary|rundown|intro) of|"
    r"(?:i )?(?:want|would like|wanna|need) to know (?:more )?(?:about|abt))\b"
)
# "what even is it", "what actually is ...": words that only stress the question.
_HEDGE = r"actually|really|exactly|even"
# "what is it", "no clue what it is", "never heard of": asks what a named thing is, however long the message.
_ASKS_WHAT_IT_IS = re.compile(
    r"\bwhat(?:'s| is| r| are) (?:it|that|this|they|those)\b|\bwhat (?:it|that|this) (?:\w+ )?is\b|"
    rf"\bwhat (?:(?:{_HEDGE}) )?(?:is|does) (?:it|that|this)(?: one)?\b|"
    r"\bwhat\s+(?:[\w.&+-]+\s+){1,3}(?:is|does)\W*$|"
    r"\bno (?:clue|idea) what\b|\bnever heard of\b|\bheard (?:of|about)\b|\bwhat(?:'s| is) the deal with\b|"
    r"\b(?:do|d'|did) ?(?:you|u|ya) (?:know|recogni[sz]e) (?:it|that|this|them|those)(?: one)?\b|"  # "do you know it?"
    r"\b(?:wtf|wth|what the (?:heck|hell)) (?:is|r|are) (?:it|that|this|they|those)\b"
)


# A word as the names' words are read: "llama.cpp", "w&b".
_TOKEN = r"[\w&+-]+(?:\.[\w&+-]+)*"
# Words that ask about a name without adding a subject of their own ("could you describe X?").
_FILLER = frozenset(
    "a an the is are was what whats wats wat what's tell me us about abt describe explain could can would you u "
    "please pls plz info information on of do does know heard hear have ever any anything thing things this that "
    "it its i keep hearing deal with exactly so ok okay hey hi and or vs versus quick summary overview who "
    "made makes give some details detail more re regarding "
    # what impatient people add: "what the hell is a KitOps", "wtf even is kedro"
    "hell heck wtf wth fuck fucking freaking damn even actually really".split()
)
# A fact only a tool has (a practice has no licence): asked with no name, it is asked of the tool
# discussed. (The language and link cues are looser: "a hand written if-statement" asks no language.)
TOOLS_ONLY_FACTS = (Attribute.LICENCE,)
# Content words besides the names up to which a message is still just "about X".
MAX_SUBJECT_WORDS = 3
# Content words up to which a stated requirement ("only open source, no budget") is only that.
MAX_CONSTRAINT_WORDS = 8
# Content words up to which "... for that?" points at the last answer rather than at its own words.
MAX_POINTING_WORDS = 6


def _words(text: str) -> List[str]:
    return [w.strip("'.-") for w in re.findall(r"[a-z0-9&.+'-]+", text.lower())]


def _content_words(text: str) -> int:
    return sum(1 for w in _words(text) if w not in _FILLER)


def _words_besides(text: str, naming_words: Sequence[str]) -> int:
    """Content words besides the ones that name the tools, and the words that call it a tool: 1 in
    "what is a seldon crisis", 0 in "who makes seldon" and in "what is the hugging face transformers
    library"."""
    named = set(naming_words)
    return sum(
        1
        for w in _words(text)
        if w not in _FILLER
        and w not in named
        and re.sub(r"'s$", "", w) not in named
        and not re.fullmatch(TOOL_NOUNS, w)
    )


def _clauses(text: str) -> List[str]:
    """The sentences of a message and the parts of them between commas: "self-hosted please, our data
    isn't allowed to leave the university network" states its requirement in the first."""
    return [c for c in re.split(r"[,;:]\s*|(?<=[.?!])\s+", text) if c.strip()]


def says_only_names(text: str, resolution: Resolution) -> bool:
    """ "lang chain??", "langfow": the message names tools and says nothing else, so it asks no fact."""
    return bool(resolution.tools) and _words_besides(text, resolution.naming_words) == 0


def points_at_the_discussed(text: str) -> bool:
    """ "what is it?", "how do those two stack up?": the question is about tools named before it."""
    return points_at_one(text) or points_at_several(text)


def asks_of_the_background(text: str) -> bool:
    """The question of a long message is about the tools its background named: it points at them
    ("What is it?"), or opens on "that"/"this" and asks a fact ("Is that actually free to use?",
    not "Is that normal?")."""
    return points_at_the_discussed(text) or (opens_on_the_one(text) and asked_attribute(text) is not None)


def without_places(text: str, resolution: Resolution, conversation: Conversation) -> Resolution:
    """The question's names without the platforms it names as where something runs, when something
    else is its subject: another tool it names, tools it asks for, or what was discussed, which it
    points at or asks others for ("can that one be self-hosted, or does it only run on Google Cloud?",
    "what else could do the same thing on kubernetes?"). "can I run it on kubernetes?" with nothing
    discussed keeps it."""
    asks_for_tools_strongly = asks_for_tools(text, strongly=True)
    # "we have a kubernetes cluster with idle GPUs ... what tools are out there?": tools that run there
    context = (
        {*resolution.places, *resolution.platforms}
        if asks_for_tools_strongly and not resolution.category
        else set(resolution.places)
    )
    subjects = [t for t in resolution.tools if t not in context]
    if len(subjects) == len(resolution.tools):
        return resolution
    lowered = text.lower()
    pointing = (
        points_at_the_discussed(text)
        or bool(_REFERS_BACK.search(lowered))
        or asks_for_other_tools(text)
        or bool(_ALTERNATIVES.search(lowered))
    )
    discussed = bool(conversation.tools or conversation.last_answer)
    # "which tools can I use for serving on kubernetes?": tools that run there
    if not subjects and not asks_for_tools_strongly and not (pointing and discussed):
        return resolution
    return dataclasses.replace(resolution, tools=subjects, places=(), platforms=(), kinds=())


def points_back(text: str) -> bool:
    """ "Any tools for that?", "which ones do it": the message is about the last answer. A message
    that describes the job itself ("we tag thousands of photos by hand. what software is out there
    for that?") points at its own words instead."""
    lowered = text.lower()
    return bool(_ASKS_FOR_EXAMPLES.match(lowered)) or (  # "examples??": of the last answer
        bool(_REFERS_BACK.search(lowered)) and _content_words(text) <= MAX_POINTING_WORDS
    )


def _names_kinds_only(text: str) -> bool:
    """A bare kind of tool in the plural ("vector dbs?", "pipeline schedulers"): the tools of that kind,
    not the practice ("what are feature stores" asks what they are)."""
    lowered = text.lower().strip()
    return (
        _content_words(lowered) <= MAX_SUBJECT_WORDS
        and not re.match(r"^\W*(?:what|why|how|when|explain|define|should|do|does|is|are)\b", lowered)
        and bool(re.search(r"[a-z]{2,}s\W*$", lowered))
        and not re.search(r"(?:ss|ics|ops|is)\W*$", lowered)
    )


def asks_for_tools(text: str, strongly: bool = False) -> bool:
    """ "Which tools...", "what can I use to...", "libraries that...", "anything to label images".

    A bare "which ..." asks for tools only of a job the message names ("which orchestrators r
    there"); `strongly` leaves it out, for a job read from the practice topic ("which dev practices
    give the most bang for the buck" asks for practices)."""
    lowered = text.lower()
    return bool(_ASKS_FOR_TOOLS.search(lowered)) or (
        not strongly and bool(re.search(r"(?:^|[.?!;]\s)\W*which\b", lowered))  # "ok forget it. which ..."
    )


@dataclass(frozen=True)
class Parse:
    """What NLU made of a message: its intent ranking (best first) and the response selector's confidence."""

    intent: str
    confidence: float
    ranking: Sequence[Tuple[str, float]] = ()
    practice_confidence: float = 0.0
    category_entity: Optional[str] = None
    practice_similarity: float = 1.0  # highest cosine to a practice training example; 1.0 when unknown
    topic_category: Optional[str] = None  # the tool category of the practice topic the selector picked
    off_topic_similarity: float = 0.0  # highest cosine to an off-topic training example; 0.0 when unknown
    job_category: Optional[str] = None  # the category the message's meaning is nearest to (core/jobs.py)
    job_similarity: float = 0.0  # cosine of that category's nearest document
    job_share: float = 0.0  # that category's part of the nearest documents' vote
    learned_attribute: Optional[str] = None  # the fact the attribute classifier read, when it was sure


# What the last answer was about, for `Conversation.last_answer`.
ANSWERED_PRACTICE = "practice"
ANSWERED_TOOL = "tool"


@dataclass(frozen=True)
class Conversation:
    """What the conversation holds before this message, from the tracker's slots and last answer:
    the tools discussed and what the assistant answered last (a practice topic, a tool). Empty when
    NLU runs without a conversation (`rasa test nlu`, /model/parse)."""

    tools: Tuple[str, ...] = ()
    last_answer: str = ""


def _carries_the_last_question(text: str, attribute: Optional[Attribute], unnamed: str = "") -> bool:
    """ "and tecton?", "ok, and Feast, does that one clear our list?", "And Great Expectations, which
    was also on the list?": the last question again, about the one tool this message names; not when
    it asks a fact of its own or what the tool is. `unnamed` is the text without the names."""
    lowered = text.lower()
    return _follows_up_on_the_name(text, attribute, unnamed) or (
        bool(_OPENS_A_FOLLOW_UP.match(lowered))
        and any(points_at_one(s) and s.rstrip().endswith("?") for s in sentences(text))
        and attribute is None
        and not _ASKS_WHAT_IT_IS.search(lowered)
    )


def _follows_up_on_the_name(text: str, attribute: Optional[Attribute], unnamed: str) -> bool:
    """ "and tecton?", "And Fiddler AI, same question?": nothing but a follow-up's opening around the
    name (`unnamed` is the text without it)."""
    return bool(_FOLLOW_UP.search(text.lower()) or (attribute is None and _FOLLOWS_UP_ON_A_NAME.match(unnamed.lower())))


def _tool_question(text: str, tool_count: int, attribute: Optional[Attribute], unnamed: str = "") -> str:
    """Which kind of tool question a message with names in it asks; `attribute` is the fact it asks,
    read without the names (`unnamed`)."""
    lowered = text.lower()
    if tool_count == 1 and _carries_the_last_question(text, attribute, unnamed):
        return WHAT_ABOUT  # "n tecton?": the last question again, about Tecton
    if tool_count >= 2 and _COMPARES.search(lowered):
        return COMPARE_TOOLS
    if _ALTERNATIVES.search(lowered):
        return ASK_ALTERNATIVES
    if attribute is not None:
        return ASK_TOOL_ATTRIBUTE
    return ASK_TOOL_INFO


def _unknown_is_asked_about(text: str, unknown: str, category_words: Sequence[str] = ()) -> bool:
    """ "is quibblenet a good feature store?", "quibblenet vs mlflow": the unknown name is the subject."""
    if unknown.islower() and re.search(r"(?:ing|ed|ly|ise|ised|ising|isation|ize|ized|izing)$", unknown):
        return False  # "is anonymising a dataset enough": an English word the dictionary lacks; "Featurely" is a name
    name = re.escape(unknown.lower())
    quote = "[\"'\u2018\u2019\u201c\u201d]"
    lowered = re.sub(rf"{quote}({name}){quote}", r"\1", text.lower())  # "switch to 'Driftwarden'"
    if re.search(rf"\b{name}\s+(?:\w+\s+)?(?:{_NAMED_KINDS})\b", lowered):
        return True  # "tecson feature store - worth it?": the name of a store, a library, a tool
    if re.search(
        rf"\b(?:{_TOOL_VERBS})\w*\s+(?:\w+\s+){{0,2}}(?:with|on|via|in|to|using|into|from)\s+{name}\b", lowered
    ):
        return True  # "how do i deploy with kubrixa", "log my runs to zembla", "we deploy our models with gorsewick"
    if re.search(rf"\b{name}\s+(?:vs|versus)\b|\b(?:vs|versus)\s+{name}\b", lowered):
        return True
    if re.search(rf"\b{name}\s+or\b|\bor\s+{name}\b", lowered) and _content_words(text) <= 2 * MAX_SUBJECT_WORDS:
        return True  # "fizzmodel or nexalyze for drift?", not "... my funcs or is that overkill"
    if category_words and re.search(
        rf"\b{name}\s+(?:as\s+)?(?:(?:our|a|an|the|my)\s+)?{re.escape(category_words[0])}|"
        rf"\b{re.escape(category_words[-1])}\w*\s+(?:called|named|like)\s+{name}\b",
        lowered,
    ):
        return True  # "Quantiva AutoML, is it any good?", "evaluate Modelhaven as our model registry"
    return bool(
        re.search(
            rf"\b(?:is|are|about|of|to|try|tried|trying|use|used|using|called|named|does|has|heard|whats|"
            rf"what's|suggested|suggests|recommended|recommends|mentioned|pitched|proposed)\s+{name}\b",
            lowered,
        )
    )


def _starts_with_what_is(text: str, tools: Sequence[str], naming_words: Sequence[str] = ()) -> bool:
    """ "what's vllm and why does everyone use it", "Hello, what is Evidentely? Our consultant...",
    "Before I say yes, what is Prodigy actually?": a sentence, or a clause of it after a comma or
    colon, opens by asking what a named tool is (as typed, typos and all)."""
    for sentence in sentences(text.lower()):
        for opening in re.finditer(
            rf"(?:^|[,:;]\s)\W*(?:so |ok |and |{_GREETING})?"
            rf"(?:what(?: (?:{_HEDGE}))?(?:'s| is|s| does| do)|wats|wat is) "
            rf"(?:(?:{_HEDGE}) )?(?:the |a |an )?([\w.&+-]+)",
            sentence,
        ):
            if opening.group(1) in naming_words or any(
                opening.group(1) in name.lower().split() or opening.group(1) == name.lower() for name in tools
            ):
                return True
    return False


def _pointed_question(
    text: str,
    tool_count: int,
    unknown: Optional[str] = None,
    tools: Sequence[str] = (),
    naming_words: Sequence[str] = (),
) -> Optional[str]:
    """A tool question so plainly asked that it beats a confident practice answer, or None.

    Two names and "vs"/"or" compare; "alternatives", "switch to", "what else" ask for
    alternatives; a licence, link or language asks for that fact; "what is it" asks what it is.
    """
    lowered = text.lower()
    names = tool_count + (1 if unknown else 0)
    if names >= 2 and _compares_names(lowered, naming_words, unknown):
        return COMPARE_TOOLS
    if (
        tool_count == 1
        and re.search(rf"\b(?:{THE_LAST}|them)\b", lowered)
        and re.search(
            r"\bcompar\w* (?:it|that|this)|\bdifferen\w* (?:from|to|than)\b|\bvs\.?\b|\bversus\b|\bstack up\b|"
            r"\b(?:it|that|this|they)\b(?: \w+)? compare\b|"  # "how does it compare with lime for what we need"
            # "And CrewAI, it is similar thing?", "is that the same thing?"
            r"\b(?:(?:is|are) (?:it|that|this|they)|(?:it|that|this|they) (?:is|are|'s)) "
            r"(?:a |the )?(?:similar|same|alike)\b",
            lowered,
        )
    ):
        return COMPARE_TOOLS  # "how is it different from datadog?": the tool discussed and this one
    if tool_count == 1 and adds_to_comparison(lowered):
        return COMPARE_TOOLS  # "throw Hyperopt into the comparison too": the tools compared, and this one
    if unknown and _unknown_is_asked_about(text, unknown) and re.search(r"\b(?:vs|versus|or)\b", lowered):
        return COMPARE_TOOLS  # "drazzik vs mlgorp": neither is known, which the comparison says
    if tool_count == 1 and _ALTERNATIVES.search(lowered):
        return ASK_ALTERNATIVES
    if _ASKS_A_FACT.search(lowered):
        return ASK_TOOL_ATTRIBUTE
    if tool_count and (
        _ASKS_WHAT_IT_IS.search(lowered)
        or any(_ASKS_ABOUT.search(s) for s in sentences(lowered))
        or _starts_with_what_is(text, tools, naming_words)
    ):
        return ASK_TOOL_INFO
    return None


def _compare_cue(sentence: str, words: Set[str]) -> bool:
    """A comparison cue in the sentence; a bare "or" only between two of the names ("mlflow or wandb for
    a team of 3", not "should my jupiter notebooks go in git or is that weird")."""
    cues = [m.group() for m in _COMPARES.finditer(sentence)]
    if any(cue != "or" for cue in cues) or not cues or not words:
        return bool(cues)
    tokens = re.findall(_TOKEN, sentence)
    named = [i for i, token in enumerate(tokens) if token in words]
    return any(token == "or" and named[0] < i < named[-1] for i, token in enumerate(tokens)) if named else True


def _compares_names(lowered: str, naming_words: Sequence[str], unknown: Optional[str]) -> bool:
    """A comparison asked in a sentence that holds two of the names: in "...Docker images, Alpine,
    numpy... Which base image is better?" the "better" compares no names."""
    parts = sentences(lowered)
    words = {w.lower() for w in naming_words} | ({unknown.lower()} if unknown else set())
    if len(parts) == 1 or not naming_words:
        return _compare_cue(lowered, words)
    return any(
        _compare_cue(p, words) and (len(words & set(re.findall(_TOKEN, p))) >= 2 or points_at_several(p)) for p in parts
    )


def _on_topic(parse: Parse) -> bool:
    """Like some practice question, and no nearer to an off-topic example than to every one; or, for
    a long message whose sentence is like no single question, both classifiers sure it is practice."""
    if parse.practice_similarity >= max(PRACTICE_SIMILARITY, parse.off_topic_similarity):
        return True
    both_sure = parse.intent == FAQ and min(parse.confidence, parse.practice_confidence) >= BOTH_SURE
    return both_sure and parse.practice_similarity > parse.off_topic_similarity


def _unsure_practice(parse: Parse, on_topic: bool) -> str:
    """Where a practice answer the selector is unsure of goes: small talk NLU ranked next, or the
    fallback. A message like the practice questions is never called off-topic: "our inference
    images are 4gb, how do i shrink them" gets "please rephrase", not "outside what I know"."""
    for name, confidence in parse.ranking:
        if name in SMALL_TALK and confidence >= SMALL_TALK_CONFIDENCE and not (on_topic and name == OUT_OF_SCOPE):
            return name
    return FALLBACK


@dataclass(frozen=True)
class _Reading:
    """What the rules read off one message, worked out once."""

    text: str
    parse: Parse
    resolution: Resolution
    conversation: Conversation = Conversation()
    background: Tuple[str, ...] = ()  # tools a long message named outside its question

    @property
    def lowered(self) -> str:
        return self.text.lower()

    @property
    def on_topic(self) -> bool:
        return _on_topic(self.parse)

    @property
    def unsure(self) -> bool:
        """The practice answer is a guess: unsure, or about nothing the selector learnt."""
        return self.parse.practice_confidence < PRACTICE_CONFIDENCE or not self.on_topic

    @property
    def unknown(self) -> Optional[str]:
        """The name the base does not know, unless the asker owns it: "everything sits in our own
        datacenter" speaks of their thing, not of a tool."""
        unknown = self.resolution.unknown
        if unknown and re.search(rf"\b(?:our|my|your|their|own)\s+{re.escape(unknown.lower())}\b", self.lowered):
            return None
        return unknown

    @property
    def names(self) -> int:
        return len(self.resolution.tools) + (1 if self.unknown else 0)

    @property
    def named_category(self) -> Optional[str]:
        """The job the message names in its own words."""
        return self.parse.category_entity or self.resolution.category

    @property
    def category(self) -> Optional[str]:
        """The job named, else the job described (by meaning), else the job of the practice topic
        the message is about ("tools for explaining why my model predicted that" is about
        explainability)."""
        return self.named_category or unnamed_category(self.text, self.parse, self.resolution)

    @property
    def plainly_off_topic(self) -> bool:
        """NLU is sure the message is off-topic, and its meaning is nearer to off-topic talk than to
        any practice question."""
        return (
            self.parse.intent == OUT_OF_SCOPE
            and self.parse.confidence >= SURE_OUT_OF_SCOPE
            and self.parse.off_topic_similarity > self.parse.practice_similarity
        )

    @property
    def about_a_name(self) -> bool:
        """The message, or a question sentence of it that holds the name, says little besides the
        name: "what is zorbulator?", "And FeatureBase? Someone on the team mentioned that one too."."""
        if _content_words(self.text) <= MAX_SUBJECT_WORDS:
            return True
        named = [w.lower() for w in self.resolution.naming_words] + (self.resolution.unknown or "").lower().split()
        return any(
            is_question(sentence)
            and _content_words(sentence) <= MAX_SUBJECT_WORDS
            and any(re.search(rf"\b{re.escape(word)}\b", sentence.lower()) for word in named)
            for sentence in sentences(self.text)
            if named
        )

    @functools.cached_property
    def names_in_its_questions(self) -> bool:
        """The names are in the message's questions, or it asks none: in "what about streaming? our
        events go through kafka" Kafka is background."""
        questions = [s.lower() for s in sentences(self.text) if is_question(s)]
        named = [w.lower() for w in self.resolution.naming_words]
        return not questions or any(re.search(rf"\b{re.escape(w)}\b", q) for q in questions for w in named)

    @property
    def unknown_asked_about(self) -> bool:
        unknown = self.resolution.unknown
        return (
            unknown is not None
            and bool(unknown)
            and not self.resolution.tools
            and _unknown_is_asked_about(self.text, unknown, self.resolution.category_words)
            and not self.introduces_someone
        )

    @property
    def introduces_someone(self) -> bool:
        """ "my name is Priyanka", "i work at Zalando": the odd name is a person or a place, not a tool."""
        return bool(_INTRODUCTION.search(self.lowered))

    @functools.cached_property
    def unnamed(self) -> str:
        """The text without the words that named tools: "what is lang chian" asks no language."""
        return without_names(self.text, self.resolution.naming_phrases)

    @property
    def torn_towards_the_tools(self) -> bool:
        """NLU as ready to list tools as to answer the practice, and two readings agree on which tools:
        the kind of the practice topic the selector picked and the kind the search by meaning found."""
        scores = dict(self.parse.ranking)
        listing = scores.get(LIST_TOOLS, 0.0)
        return (
            self.parse.intent in (FAQ, FALLBACK)
            and not self.names
            and not self.unknown
            and listing >= TORN_LISTING
            and listing >= TORN_SHARE * scores.get(FAQ, 0.0)
            and reads_a_job(self.parse)
            and self.parse.job_category == self.parse.topic_category
            # not "Sorry if this is basic, but what is a feature store?": a practice question it knows
            and not (self.parse.practice_confidence >= BOTH_SURE and self.parse.practice_similarity >= SURE_SIMILARITY)
        )

    @property
    def plainly_practice(self) -> bool:
        """The intent classifier is sure it is a practice question and its meaning is plainly nearer
        to practice than to off-topic talk, though the selector spreads its answer over neighbouring
        topics ("our churn model quietly got worse over six months and nobody noticed": monitoring,
        concept drift, feedback): its best guess beats "please rephrase"."""
        parse = self.parse
        return (
            parse.intent == FAQ
            and parse.confidence >= SURE_FAQ
            and parse.practice_confidence >= SPREAD_PRACTICE
            and parse.practice_similarity >= PRACTICE_SIMILARITY
            and parse.practice_similarity - parse.off_topic_similarity >= PRACTICE_MARGIN
        )

    @property
    def means_a_names_kind(self) -> bool:
        """What the message means is the kind of tool it names: "Can you tell me something about
        Marquez? I found it in a blog about lineage." is about the lineage tool, not the novelist. The
        job found by meaning, or the practice topic the selector is sure of, is a named tool's category."""
        kinds = self.resolution.kinds
        by_job = reads_a_job(self.parse) and self.parse.job_category in kinds
        by_topic = self.parse.practice_confidence >= SURE_PRACTICE and self.parse.topic_category in kinds
        # the name alone pulls the meaning its way: "the writer Kafka, which book of his..." is still
        # nearer to off-topic talk than to any practice question
        nearer_practice = self.parse.practice_similarity > self.parse.off_topic_similarity
        return bool(kinds) and nearer_practice and (by_job or by_topic)

    @property
    def asks_for_others_of_the_background(self) -> bool:
        """A long message's question asks for something else than the tool its background named, and
        names no tool or kind itself ("...set up Kubeflow on a managed Kubernetes cluster ... Is there
        something lighter that covers the same ground?"): NLU, reading the whole story, heard practice."""
        return (
            bool(self.background)
            and not self.names
            and not self.named_category
            and asks_for_other_tools(self.text)
            and not asks_for_tools(self.text, strongly=True)
            and (
                bool(_ALTERNATIVES.search(self.lowered))
                or dict(self.parse.ranking).get(ASK_ALTERNATIVES, 0.0) >= ALTERNATIVES_IN_DOUBT
            )
        )

    @property
    def carries_the_last_question(self) -> bool:
        """ "And Fiddler AI, same question?": the last question again, of the one tool it names."""
        return len(self.resolution.tools) == 1 and _follows_up_on_the_name(self.text, self.attribute, self.unnamed)

    @functools.cached_property
    def attribute(self) -> Optional[Attribute]:
        """The fact asked, read without the names."""
        return asked_attribute(self.unnamed)

    @functools.cached_property
    def attributes(self) -> List[Attribute]:
        return asked_attributes(self.unnamed)

    def tool_question(self, tool_count: int) -> str:
        return _tool_question(self.text, tool_count, self.attribute, self.unnamed)

    @property
    def asks_only_the_name(self) -> bool:
        """The message, or a question sentence of it, says nothing besides the names: "who makes seldon",
        "what's Feast. one paragraph, I have a meeting in 5 min"; not "what is a seldon crisis"."""
        naming = self.resolution.naming_words
        return not _words_besides(self.text, naming) or any(
            is_question(s) and not _words_besides(s, naming) and _content_words(s) > 0 for s in sentences(self.text)
        )

    @property
    def compares_the_discussed(self) -> bool:
        """ "OK, put the two side by side for me.", heard as thanks or off-topic: the tools discussed before,
        compared. A message the selector is sure is a practice question goes through `_route_other`
        first (a narrowed list may still win there) and is compared there otherwise."""
        return (
            not self.names
            and not self.named_category
            and bool(_COMPARES_THOSE.search(self.lowered))
            and not (self.parse.intent == FAQ and self.parse.practice_confidence >= SURE_PRACTICE)
        )

    @property
    def kind_named(self) -> Optional[str]:
        """A pattern for the words that named the kind of tool the resolver found ("experiment\\W+trackers"),
        or None when it found none."""
        words = self.resolution.category_words
        if not words or not self.resolution.category:
            return None
        return r"\W+".join(map(re.escape, words))

    @property
    def names_the_kind_with_a_tool_noun(self) -> bool:
        """ "need model monitoring tools asap", "ok, model monitoring tools then": the kind of tool named and
        then what its tools are, in a sentence that states the need; a question about them ("how do
        monitoring tools detect drift", "what is an end to end ml platform") asks something else."""
        kind = self.kind_named
        if kind is None:
            return False
        return any(
            re.search(rf"\b{kind}\W+(?:{TOOL_NOUNS})\b", sentence.lower()) and not is_question(sentence)
            for sentence in sentences(self.text)
        )

    @property
    def asks_only_what_it_is(self) -> bool:
        """ "what is tensorbaord? my notebook keeps printing a link to it", "someone keeps pushing Polars as
        a pandas replacement. what is it exactly?": the question asks what the tool is; the fact or the
        replacement is in what the message states around it."""
        parts = sentences(self.text)
        asked = " ".join(p for p in parts if is_question(p))
        if not asked or len(asked) == len(" ".join(parts)):
            return False
        lowered = asked.lower()
        return (
            asked_attribute(without_names(asked, self.resolution.naming_phrases)) is None
            and not _ALTERNATIVES.search(lowered)
            and not _COMPARES.search(lowered)
            and bool(
                _ASKS_WHAT_IT_IS.search(lowered)
                or _starts_with_what_is(asked, self.resolution.tools, self.resolution.naming_words)
            )
        )

    @property
    def requests_the_kind(self) -> bool:
        """ "list experiment trackers. quickly, I have a meeting in 5 min", "pls show me vector dbs": a
        sentence that opens by asking for the kind of tool it names."""
        kind = self.kind_named
        if kind is None:
            return False
        named = [w.lower() for w in self.resolution.naming_words]
        return any(
            re.match(rf"{_REQUEST_OPENING}(?:\w+\W+){{0,2}}?{kind}", s.lower())
            # "give me workflow orchestrators. and if the list is just airflow airflow airflow I'm leaving":
            # the request names no tool, whatever the rest does
            and not any(re.search(rf"\b{re.escape(w)}\b", s.lower()) for w in named)
            for s in sentences(self.text)
        )

    @property
    def asks_which_of_the_kind(self) -> bool:
        """ "ok then which experiment trackers do you actually know", "and which vector dbs are there": which
        ones of the kind of tool it names, in the plural (one to use, "which tracker should I use", is a
        recommendation)."""
        kind = self.kind_named
        if kind is None or not self.resolution.category_words[-1].endswith("s"):
            return False
        return bool(re.search(rf"\bwhich\W+(?:\w+\W+){{0,2}}?{kind}", self.lowered))

    def pointed(self) -> Optional[str]:
        if self.names and self.asks_only_what_it_is:
            return ASK_TOOL_INFO  # "we're replacing the cron jobs ... what's Prefect?": the question decides
        return _pointed_question(
            self.text,
            len(self.resolution.tools),
            self.unknown,
            self.resolution.tools,
            self.resolution.naming_words,
        )


def route(
    text: str,
    parse: Parse,
    resolution: Resolution,
    conversation: Conversation = Conversation(),
    background: Sequence[str] = (),
) -> Optional[str]:
    """The intent the message should have instead of NLU's, or None to keep NLU's. `text` is the
    message's question; `background`, the tools the rest of a long message named."""
    reading = _Reading(text, parse, resolution, conversation, tuple(background))
    if (
        parse.intent not in (COMPARE_TOOLS, LIST_TOOLS)
        and len(resolution.tools) <= 1
        and refers_to_own_stack(text)
        and _COMPARES.search(reading.lowered)
    ):
        return COMPARE_TOOLS  # "compare it with what we're using now": the tool discussed, and theirs
    if (
        parse.intent in OVERRIDABLE
        and reading.compares_the_discussed
        and (not reading.plainly_off_topic or _content_words(text) <= MAX_POINTING_WORDS)
    ):
        # "put all three next to each other then", "Can you put the two side by side for me?", heard as
        # thanks or off-topic; not "how are they different from igneous rocks?", which says what it compares
        return COMPARE_TOOLS
    if parse.intent in TOOL_INTENTS:
        return _route_tool_question(reading)
    if parse.intent in (LIST_TOOLS, RECOMMEND_TOOL):
        return _route_tool_request(reading)
    if parse.intent in OVERRIDABLE:
        return _route_other(reading)
    if parse.intent in ANSWERS and resolution.tools and reading.about_a_name:
        return reading.tool_question(reading.names)
    return None


def _route_tool_question(m: _Reading) -> Optional[str]:
    """NLU heard a tool question: only its kind may change, or it states a requirement."""
    intent = m.parse.intent
    if not m.names and not is_question(m.text) and constraints(m.text).labels and not _ALTERNATIVES.search(m.lowered):
        return INFORM  # "It has to be open source, we can't pay for anything": for the questionnaire or the list
    if intent in (ASK_TOOL_INFO, ASK_TOOL_ATTRIBUTE, ASK_ALTERNATIVES) and m.names and m.asks_only_what_it_is:
        return (
            None if intent == ASK_TOOL_INFO else ASK_TOOL_INFO
        )  # "what is tensorbaord? my notebook keeps printing a link to it"
    if (
        intent == ASK_TOOL_ATTRIBUTE
        and m.attribute in (None, Attribute.CATEGORY)
        and len(m.attributes) <= 1
        and len(sentences(m.text)) >= 2
        and _starts_with_what_is(m.text, m.resolution.tools, m.resolution.naming_words)
    ):
        # "And what is OpenLineage then? It is connected with it somehow?": no fact named, or only its kind,
        # which its summary says too
        return ASK_TOOL_INFO
    if intent == COMPARE_TOOLS and not m.names and m.attribute is not None and not _COMPARES.search(m.lowered):
        return ASK_TOOL_ATTRIBUTE  # "and wich lisence exactly": one fact, nothing compared
    if intent == COMPARE_TOOLS and not m.names and points_at_the_other(m.text) and not _COMPARES.search(m.lowered):
        return ASK_TOOL_INFO  # "ok, and tell me more about the other one": one tool, the one not answered about
    if m.names and intent != COMPARE_TOOLS:
        pointed = m.pointed()  # "terraform changed its licence, what do people switch to"
        if pointed in (COMPARE_TOOLS, ASK_ALTERNATIVES) and pointed != intent:
            return pointed
    if (
        intent == ASK_TOOL_INFO
        and m.names
        and m.attribute not in (None, Attribute.CATEGORY)
        and (not _ASKS_WHAT_IT_IS.search(m.lowered) or len(m.attributes) >= 2)
    ):
        # "what's airflow coded in", not "our repo uses hydra, no clue what it is"; "what KIND of tool is
        # it and what is it even written in" asks two facts
        return ASK_TOOL_ATTRIBUTE
    if (
        intent == ASK_ALTERNATIVES
        and m.attribute is Attribute.OPEN_SOURCE
        and not _ALTERNATIVES.search(m.lowered)
        and is_question(m.text)
    ):
        return ASK_TOOL_ATTRIBUTE  # "is that thing even open source or are we completely locked in?": the fact
    if (
        intent == ASK_TOOL_INFO
        and len(m.resolution.tools) == 1
        and _carries_the_last_question(m.text, m.attribute, m.unnamed)
    ):
        return WHAT_ABOUT  # "and tecton?": whatever was asked last, now about Tecton
    if intent == WHAT_ABOUT and not m.names and m.parse.practice_confidence >= SURE_PRACTICE:
        return FAQ  # "what about shadow deployment?" after a practice answer
    if (
        intent in (ASK_TOOL_ATTRIBUTE, ASK_TOOL_INFO)
        and not m.names
        and (m.named_category or m.attribute is None)
        and asks_for_tools(m.text)
    ):
        return LIST_TOOLS  # "hpo libs?", "libraries for it?": tools for a job, not a fact about a tool
    if (
        intent == ASK_ALTERNATIVES
        and not m.names
        and m.named_category
        and asks_for_tools(m.text)
        and not points_at_the_discussed(m.text)
    ):
        # "our chatbot leaks PII. what guardrail tools exist": a kind of tool, no tool to replace; not "the DAG
        # files have become a mess. what could replace it?", which replaces the tool discussed
        return LIST_TOOLS
    return None


def _route_tool_request(m: _Reading) -> Optional[str]:
    """NLU heard a request for a list or a recommendation."""
    intent = m.parse.intent
    if intent == LIST_TOOLS and len(m.resolution.tools) == 1 and _ALTERNATIVES.search(m.lowered):
        return ASK_ALTERNATIVES  # "other options than dvc for data versioning": what replaces DVC
    if (
        intent in (RECOMMEND_TOOL, LIST_TOOLS)
        and len(m.resolution.tools) == 1
        and not m.named_category
        and m.pointed() == ASK_TOOL_INFO
    ):
        return ASK_TOOL_INFO  # "Could you tell me about Great Expectation library?", "what's CML in that list?"
    if len(m.resolution.tools) >= 2 and m.pointed() == COMPARE_TOOLS:
        return COMPARE_TOOLS  # "ray tune or optuna or hyperopt for tuning, which is best": those, side by side
    if (
        m.resolution.unknown
        and not m.resolution.tools
        and not m.introduces_someone
        and (m.about_a_name or m.unknown_asked_about)
    ):
        return m.tool_question(1)  # "is zorbulator a good feature store?"
    if (
        intent == LIST_TOOLS
        and not m.named_category
        and not clear_job(m.parse)
        and not m.names
        and m.attribute is not None
        and not asks_for_tools(m.text)
    ):
        # "free?" after a tool: the tool's, not a category's; "what sort of tool would you file that
        # under?", whatever job its words resemble
        return ASK_TOOL_ATTRIBUTE
    if intent == RECOMMEND_TOOL and m.category and _ASKS_FOR_SEVERAL.search(m.lowered):
        return LIST_TOOLS  # "what are the end to end options": a list, not one pick
    if intent == RECOMMEND_TOOL and not m.category and not m.names and re.search(rf"\b(?:{THE_LAST})\b", m.lowered):
        return LIST_TOOLS  # "what would I use for that?" after a practice answer: that topic's tools
    return None


def _route_other(m: _Reading) -> Optional[str]:
    """NLU heard a practice question, small talk, or nothing sure: the names and cues may decide."""
    intent = m.parse.intent
    # "only open source. finance gave us zero budget", "self-hosted, our cluster has no internet access": a
    # requirement (in a sentence or a clause of its own), for the list or the advice, however off-topic
    # the rest sounds
    states_a_requirement = (
        not m.names
        and not m.named_category
        and intent in (FALLBACK, OUT_OF_SCOPE, FAQ)
        # right after tools were answered, "...run on our own kubernetes cluster, no SaaS" narrows them,
        # however sure the selector is of the practice its platform's name suggests
        and (
            m.parse.practice_confidence < SURE_PRACTICE
            or (bool(m.conversation.tools) and m.conversation.last_answer != ANSWERED_PRACTICE)
        )
        and any(_content_words(c) <= MAX_CONSTRAINT_WORDS and constraints(c).labels for c in _clauses(m.text))
        and not is_question(m.text)
    )
    if states_a_requirement:
        return INFORM
    if m.asks_for_others_of_the_background:
        return ASK_ALTERNATIVES  # "...a vendor pitched Databricks, feels huge for us. whats a simpler alternative?"
    follow_up = _follow_up_from_the_conversation(m)
    if follow_up is not None:
        return follow_up
    if (
        not m.names
        and not m.named_category
        and m.attribute in TOOLS_ONLY_FACTS
        and (is_question(m.text) or points_at_the_discussed(m.text) or _OPENS_A_FOLLOW_UP.match(m.lowered))
        and not asks_for_tools(m.text)
    ):
        # "and the licence. legal WILL ask about that too", "fine, then just give me the licence of the one
        # you do know": only a tool has a licence, so the tool discussed, however NLU heard the rest
        return ASK_TOOL_ATTRIBUTE
    if (
        intent == OUT_OF_SCOPE
        and m.parse.confidence < SURE_OUT_OF_SCOPE
        and _runner_up(m.parse) == ASK_TOOL_ATTRIBUTE
        and m.attribute is not None
        and not m.names
        and not m.named_category
    ):
        return ASK_TOOL_ATTRIBUTE  # "send me the link please": NLU torn between off-topic and a fact it reads
    if intent == OUT_OF_SCOPE and m.parse.confidence >= SURE_OUT_OF_SCOPE:
        return _route_sure_off_topic(m)
    if (
        not m.names
        and not m.named_category
        and points_at_the_other(m.text)
        and not m.plainly_off_topic
        and (intent != FAQ or m.parse.practice_confidence < SURE_PRACTICE)
    ):
        return ASK_TOOL_INFO  # "And the other one he mentioned?": the tool named beside the one answered
    if intent == FALLBACK and _second(m.parse) == COMPARE_TOOLS and _COMPARES_THOSE.search(m.lowered):
        # "okay, between these two which one you suggest if we validate only pandas dataframes? please
        # compare them": NLU torn between comparing and a practice answer; the message says which
        return COMPARE_TOOLS
    closing = [n for n, c in m.parse.ranking if n in (THANKS, GOODBYE) and c >= SMALL_TALK_FALLBACK]
    if intent == FAQ and closing and m.parse.practice_confidence < SURE_PRACTICE and not is_question(m.text):
        # "Just dropping by to say thank you. Last week you pointed me to Great Expectations ...": it asks
        # nothing, and NLU heard thanks beside an unsure practice answer
        return closing[0]
    pointed = m.pointed() if m.names else None
    if pointed is not None:
        return pointed
    if m.unknown_asked_about:
        return m.tool_question(1)  # "is quibblenet a good feature store?": we don't know it
    if not m.names and _OF_THOSE.search(m.lowered) and constraints(m.text).labels:
        return LIST_TOOLS  # "Which of those could we run in our own data centre?": the last list, narrowed
    if not m.names and _COMPARES_THOSE.search(m.lowered) and intent in (FALLBACK, OUT_OF_SCOPE, FAQ, HELP):
        return COMPARE_TOOLS  # "how do those two stack up? I only have my laptop": the tools discussed
    if (
        not m.names
        and not m.named_category
        and _ASKS_FOR_EXAMPLES.match(m.lowered)
        and intent in (FALLBACK, OUT_OF_SCOPE, FAQ, HELP)
    ):
        return LIST_TOOLS  # "examples?" after a practice answer: that topic's tools
    if not m.names and not m.named_category and intent in (FALLBACK, OUT_OF_SCOPE, FAQ, HELP):
        if asks_for_tools(m.text) and _REFERS_BACK.search(m.lowered):
            return LIST_TOOLS  # "any tools for that?", "what tools do you know for that job": what "that" was
        if (
            intent != HELP
            and (intent in (FALLBACK, OUT_OF_SCOPE) or m.unsure or names_a_place(m.text))
            and _ALTERNATIVES.search(m.lowered)
            # with nothing discussed, "are there products that check ... sent prices in cents instead of
            # euros" replaces no tool: it asks for tools
            and (bool(m.conversation.tools or m.background) or not asks_for_tools(m.text))
        ):
            # "too much abstraction. what else is there", "anything simpler than the first one for a team of
            # three?": alternatives to a tool discussed
            return ASK_ALTERNATIVES
    if (
        not m.names
        and _ASKS_FOR_HELP.search(m.lowered)
        and (intent != FAQ or m.parse.practice_confidence < SURE_PRACTICE)
    ):
        # "Hello, what can you help me with? I am new in our ML team.", "what sort of things can you do
        # for me?" (no fact of a tool asked)
        return None if intent == HELP else HELP
    if not m.names and not m.named_category and intent == FALLBACK and m.attribute is not None:
        # "free?", "oss?" after a tool; "ok which ones are open source" after a list; not "...: is this a
        # real person or an automated bot?", which NLU ranked a bot challenge next
        return BOT_CHALLENGE if _second(m.parse) == BOT_CHALLENGE else ASK_TOOL_ATTRIBUTE
    if m.requests_the_kind:
        return LIST_TOOLS  # "list experiment trackers. quickly, I have a meeting in 5 min", heard as help
    if not m.names and m.asks_which_of_the_kind and m.parse.practice_confidence < SURE_PRACTICE:
        return LIST_TOOLS
    if (
        not m.names
        and not m.named_category
        and intent in (HELP, OUT_OF_SCOPE, FAQ, FALLBACK)
        and not (intent in (HELP, OUT_OF_SCOPE) and m.parse.confidence >= SURE_SMALL_TALK)
        and m.attribute is not None
        and (points_at_the_discussed(m.text) or m.attribute in TOOLS_ONLY_FACTS)
        and is_question(m.text)
        and not asks_for_tools(m.text)
    ):
        # "could it run in our own data centre?", "what category would u put it in", "and the exact
        # licence?" after a tool: the action answers for the tool discussed, or gives the practice
        # answer when there is none
        return ASK_TOOL_ATTRIBUTE
    if (
        not m.names
        and _MORE.search(m.lowered)
        and (intent in (FALLBACK, OUT_OF_SCOPE, THANKS) or (intent == FAQ and m.unsure))
    ):
        return TELL_ME_MORE  # "Thank you, could you please tell me more about this? I have a meeting."
    if m.named_category and not m.names and _ASKS_FOR_ONE.search(m.lowered) and not _ASKS_FOR_SEVERAL.search(m.lowered):
        return RECOMMEND_TOOL  # "whch hyperparam tuner shd i use": one pick, through the questionnaire
    if m.category and asks_for_tools(m.text, strongly=not m.named_category) and len(m.resolution.tools) < 2:
        return LIST_TOOLS
    if not m.names and intent in (FAQ, FALLBACK, OUT_OF_SCOPE) and m.names_the_kind_with_a_tool_noun:
        return LIST_TOOLS  # "need model monitoring tools asap our model went weird overnight"
    if m.named_category and not m.names and (_names_kinds_only(m.text) or _LIST_OF.search(m.lowered)):
        return LIST_TOOLS  # "vector dbs?", "pipeline schedulers": a kind of tool in the plural, nothing else
    # Off-topic talk that happens to hold a tool's word ("my bedroom has terrible airflow") is not
    # a tool question unless the tool is what it is about, or a fact about it is asked.
    asks_a_fact = bool(_ASKS_A_FACT.search(m.lowered)) or m.attribute is Attribute.OPEN_SOURCE
    practice_unsure = m.parse.practice_confidence < PRACTICE_CONFIDENCE
    if m.resolution.tools:
        named_unsure = (  # "the shortlist is X and Y.", not "what about streaming? our events go through kafka"
            intent == FALLBACK
            and m.parse.practice_confidence < SURE_PRACTICE
            and m.parse.off_topic_similarity < m.parse.practice_similarity  # not "how many pandas are left"
            and m.names_in_its_questions
        )
        # A sure practice answer to a question whose names are background stays practice.
        background = m.parse.practice_confidence >= SURE_PRACTICE and not m.names_in_its_questions
        if (
            m.about_a_name
            or m.carries_the_last_question
            or asks_a_fact
            or named_unsure
            or (m.on_topic and (intent != FAQ or practice_unsure) and not background)
        ):
            return m.tool_question(m.names)
    if (
        m.unknown
        and not m.resolution.tools
        and (intent == FALLBACK or (intent == FAQ and m.parse.practice_confidence < SURE_PRACTICE))
        and (asks_a_fact or _ASKS_WHAT_IT_IS.search(m.lowered))
        and not m.introduces_someone
    ):
        # "And FeatureVault, is that one free too?", "Our consultant keeps recommending Verta for managing
        # our models. What is it?": we don't know it
        return m.tool_question(1)
    if m.torn_towards_the_tools:
        # "need a tool where 5 doctors can draw boxes on x-ray images. what exists?": NLU torn between the
        # labelling answer and a list, and the topic's kind of tool is the job read by meaning
        return LIST_TOOLS
    if intent == FAQ and m.parse.practice_confidence >= SURE_PRACTICE and m.on_topic:
        return None  # "how do I track experiments with mlflow?": a practice answer, then a note on MLflow
    if m.resolution.unknown and intent in (FAQ, FALLBACK, OUT_OF_SCOPE) and m.about_a_name and not m.introduces_someone:
        return m.tool_question(1)  # "what is zorbulator?": the assistant says it does not know it
    unsure_elsewhere = intent == FALLBACK or (intent == OUT_OF_SCOPE and m.parse.confidence < SURE_OUT_OF_SCOPE)
    if (
        unsure_elsewhere
        and m.parse.practice_confidence >= SURE_PRACTICE
        and m.on_topic
        and (_second(m.parse) == FAQ or m.parse.practice_similarity >= SURE_SIMILARITY)
    ):
        return FAQ  # "drift??", "hi whats a canary release": unsure to the intent classifier, plain to the selector
    if intent == FAQ and m.unsure and not m.plainly_practice:
        return _unsure_practice(m.parse, m.on_topic)
    if intent == FALLBACK and not m.on_topic:
        talk = [(c, n) for n, c in m.parse.ranking if n in SMALL_TALK + (TELL_ME_MORE,) and c >= SMALL_TALK_FALLBACK]
        if talk:
            return max(talk)[1]  # "thank you so much!!", "can u go deeper on that": unsure, but not a question
    return None


def _route_sure_off_topic(m: _Reading) -> Optional[str]:
    """NLU is sure the message is off-topic: a tool's word in it counts only when the message is
    nothing but the name ("who makes seldon") or asks what only a tool has ("wat lang is polars in",
    "kafka vs pulsar", "lighter options than great expectations"); "what is a seldon crisis" and
    "the main theme of kafka's metamorphosis" stay off-topic."""
    tools = m.resolution.tools
    if not m.names and _ASKS_FOR_HELP.search(m.lowered):
        return HELP  # "Good morning! Which things you can do for me?": what the assistant covers answers it
    if not tools:
        # "how do i deploy with kubrixa" asks about a tool; "a good recipe of pierogi?", written in lower
        # case and nearer to off-topic talk than to any practice question, is about food
        off_topic_word = m.unknown is not None and m.unknown.islower() and not m.on_topic
        return m.tool_question(1) if m.unknown_asked_about and not off_topic_word else None
    only_the_name = m.asks_only_the_name or (
        len(tools) == 1 and _carries_the_last_question(m.text, m.attribute, m.unnamed)
    )  # "And Great Expectations, which was also on the list?"
    how = re.search(r"\bhow (?:does|do) ([\w\s.&+-]{1,40}?) (?:actually |really )?work\b", m.lowered)
    asks_how_it_works = how is not None and not _words_besides(how.group(1), m.resolution.naming_words)
    asks_what_a_tool_has = (
        asks_how_it_works  # "in a nutshell how does great expectations work"
        or m.attribute is not None
        or bool(_ASKS_A_FACT.search(m.lowered))
        or (len(tools) >= 2 and bool(_COMPARES.search(m.lowered)))
        or (len(tools) == 1 and bool(_ALTERNATIVES.search(m.lowered)))
    )
    return m.tool_question(m.names) if only_the_name or asks_what_a_tool_has or m.means_a_names_kind else None


def reads_a_job(parse: Parse) -> bool:
    """The search by meaning found a kind of tool near enough, and with enough of the vote, to count."""
    return bool(parse.job_category) and parse.job_similarity >= JOB_SIMILARITY and parse.job_share >= JOB_SHARE


def clear_job(parse: Parse) -> bool:
    """The search by meaning found a kind of tool so near, and so agreed on, that it beats the practice
    topic's kind and a name it does not know ("tools to build a chatbot and connect it with WhatsApp")."""
    return reads_a_job(parse) and parse.job_similarity >= CLEAR_JOB_SIMILARITY and parse.job_share >= CLEAR_JOB_SHARE


def described_job(text: str, parse: Parse, resolution: Resolution) -> Optional[str]:
    """The category a message describes in its own words, found by meaning: only for a message
    that names no tool, no category and does not point back at the last answer."""
    if (
        reads_a_job(parse)
        and _content_words(text) - len(_TOOL_NOUN_WORDS.findall(text.lower())) >= MIN_JOB_WORDS
        and (not resolution.tools or (len(resolution.tools) == 1 and asks_for_tools(text, strongly=True)))
        and (not resolution.unknown or (clear_job(parse) and asks_for_tools(text, strongly=True)))
        and not points_back(text)
    ):
        return parse.job_category
    return None


def unnamed_category(
    text: str, parse: Parse, resolution: Resolution, conversation: Conversation = Conversation()
) -> Optional[str]:
    """The category of a request for tools that names none: the job it describes, else the job of
    its practice topic; of one that names a kind, the kind both of those agree on instead, if another.
    None when the message names one (the action reads it) or points back: right
    after a practice answer, "is there software that checks that automatically before training
    runs?" asks for the tools of the answer's topic, whatever job its own words suggest."""
    named = parse.category_entity or resolution.category
    if named:
        # "something to trace our LLM app in prod: prompts, cost, latency": the job read by meaning and
        # the practice topic the selector is sure of agree on another kind; the named one is what is worked on
        agreed = (
            reads_a_job(parse)
            and parse.practice_confidence >= SURE_PRACTICE
            and parse.job_category == parse.topic_category
        )
        # "which eval tools work for rag?" asks for the kind it names with a tool noun
        phrase = r"\W+".join(map(re.escape, resolution.category_words))
        as_a_kind = not phrase or bool(
            any(re.fullmatch(TOOL_NOUNS, w) for w in resolution.category_words)
            or re.search(rf"\b{phrase}\W+(?:\w+\W+)?(?:{TOOL_NOUNS})\b", text.lower())
        )
        return parse.job_category if agreed and not as_a_kind and parse.job_category != named else None
    if conversation.last_answer == ANSWERED_PRACTICE and not resolution.tools and _REFERS_BACK.search(text.lower()):
        return None
    topic = parse.topic_category if lists_the_topics_job(text, parse, resolution) else None
    job = described_job(text, parse, resolution)
    if (
        parse.practice_confidence >= SURE_PRACTICE
        and (topic is not None or parse.intent == FAQ)
        and not (job is not None and clear_job(parse))
    ):
        return topic  # the selector is sure which practice the message is about: that practice's tools
    return job or topic


def lists_the_topics_job(text: str, parse: Parse, resolution: Resolution) -> bool:
    """Whether a tool list for `text` takes its job from the practice topic the message is about:
    on topic, no names, no words of its own for the job, and not pointing back ("tools for that?"
    means the last answer's topic, which the action reads)."""
    return (
        _on_topic(parse)
        and not resolution.tools
        and not resolution.unknown
        and not (parse.category_entity or resolution.category)
        and not points_back(text)
    )


def _follow_up_from_the_conversation(m: _Reading) -> Optional[str]:
    """What the last answer makes of a message the classifiers are unsure of.

    After a practice answer, "how do i learn it" (heard as help) is the practice question the
    selector is sure of. After a tool's answer, "Given what I said about our data, can we run that
    inside our own walls?" (heard as an unsure practice question) asks the fact the attribute
    classifier read about the tool discussed."""
    intent, last = m.parse.intent, m.conversation.last_answer
    if (
        last == ANSWERED_PRACTICE
        and intent in (FAQ, FALLBACK, OUT_OF_SCOPE)
        and not m.names
        and not m.named_category
        and m.attribute is None
        and is_question(m.text)
        and _content_words(m.text) >= MIN_JOB_WORDS  # "examples??" asks for the last answer's tools
        and not _MORE.search(m.lowered)  # "tell me more, I need ammo for the meeting": more of the same
        and not asks_for_tools(m.text)
        and m.parse.practice_confidence >= PRACTICE_IN_CONTEXT
        and m.parse.practice_similarity >= max(SIMILARITY_IN_CONTEXT, m.parse.off_topic_similarity)
    ):
        # "And how is it different from a canary?", "and if one slips through, how do we go back
        # quickly?": a question right after a practice answer carries on from it, so the topic the
        # selector reads in that light (its conversation prior) is answered, though the words alone are
        # too vague to resemble one practice question closely
        return FAQ
    if (
        last == ANSWERED_PRACTICE
        and intent == HELP
        and not m.names
        and m.parse.practice_confidence >= SURE_PRACTICE
        and not _ASKS_FOR_HELP.search(m.lowered)
    ):
        return FAQ
    if (
        last == ANSWERED_TOOL
        and m.conversation.tools
        and intent in (FAQ, FALLBACK, OUT_OF_SCOPE)
        and not m.names
        and not m.named_category
        and m.parse.practice_confidence < SURE_PRACTICE
        and m.parse.learned_attribute is not None
        and re.search(rf"\b(?:{THE_ONE}|{THE_LAST})\b", m.lowered)
        and is_question(m.text)
        and not asks_for_tools(m.text)
    ):
        return ASK_TOOL_ATTRIBUTE
    return None


def _runner_up(parse: Parse) -> Optional[str]:
    """The best intent NLU ranked after its own, not the fallback."""
    return next((name for name, _ in parse.ranking if name not in (FALLBACK, parse.intent)), None)


def _second(parse: Parse) -> Optional[str]:
    """The best intent NLU ranked that is not the fallback."""
    return next((name for name, _ in parse.ranking if name != FALLBACK), None)
