"""Custom actions. Each reads the tracker, asks the core, sends domain responses, returns events.

Every tool question has a kind (`info`, `attribute:<name>`, `alternatives`, `compare`), so that
follow-ups can ask it again: "what about Y?" repeats the kind for Y, and picking a did-you-mean
option answers the question that was pending.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from core import advice, answers
from core.loader import KnowledgeBase
from core.message import (
    THE_SEVERAL,
    Attribute,
    Constraints,
    Hosting,
    adds_to_comparison,
    asked_about_a_name,
    asked_attribute,
    asked_attributes,
    asks_for_other_tools,
    chosen_option,
    constraints,
    in_order,
    is_question,
    names_a_place,
    names_an_unknown_tool,
    open_source_optional,
    points_at_one,
    points_at_several,
    points_at_the_other,
    referred_count,
    refers_to_own_stack,
    sentences,
    without_own_platform,
)
from core.names import (
    ACTION_CHOOSE_OPTION,
    ACTION_COMPARE_TOOLS,
    ACTION_LIST_TOOLS,
    ACTION_NOTE_TOOLS,
    ACTION_RECOMMEND_TOOL,
    ACTION_TELL_ME_MORE,
    ACTION_TOOL_ALTERNATIVES,
    ACTION_TOOL_ATTRIBUTE,
    ACTION_TOOL_INFO,
    ACTION_WHAT_ABOUT,
    AFFIRM,
    ASK_ALTERNATIVES,
    ASK_TOOL_ATTRIBUTE,
    ASK_TOOL_INFO,
    BOT_CHALLENGE,
    CATEGORY_ENTITY,
    CATEGORY_SLOT,
    CHOOSE_OPTION,
    COMPARE_TOOLS,
    DENY,
    FAQ,
    GOODBYE,
    GREET,
    HELP,
    HOSTING_SLOT,
    INFORM,
    LAST_QUESTION_SLOT,
    LEARNED_ATTRIBUTE,
    MORE_SLOT,
    OPEN_SOURCE_SLOT,
    OPTION_ENTITY,
    OUT_OF_SCOPE,
    OWN_TOOLS_SLOT,
    RECOMMEND_TOOL,
    ROUTED_CATEGORY,
    SHOWN_SLOT,
    SKIP,
    STOP,
    SUBJECTS,
    TELL_ME_MORE,
    THANKS,
    TOOL_ENTITY,
    TOOLS_SLOT,
    TOPIC_SLOT,
    UTTER_FAQ,
    WHAT_ABOUT,
)
from core.resolver import Resolver, default_resolver
from core.schema import Tool

INFO = "info"
ATTRIBUTE = "attribute:"
ATTRIBUTES_JOINED = "+"  # "attribute:open_source+language": a question that asks two facts
ALTERNATIVES = "alternatives"
COMPARE = "compare"
LIST = "list"
RECOMMEND = "recommend"

MAX_TOOLS_PER_ANSWER = 3
PAGE_SIZE = 5
ALTERNATIVES_PAGE_SIZE = 4
ANY = "any"
YES = "yes"

# How sure the response selector must be for a tool action to give its practice answer instead of
# asking which tool was meant (the NLU router keeps a practice answer this sure, too).
SURE_PRACTICE = 0.5
# How sure the attribute classifier must be before its reading of a question stands in for keywords.
SURE_ATTRIBUTE = 0.5
# Actions whose numbered list "compare them" means.
LISTING_ACTIONS = (ACTION_LIST_TOOLS, ACTION_TOOL_ALTERNATIVES, ACTION_RECOMMEND_TOOL, ACTION_TELL_ME_MORE)
# Actions that answer about one tool or a few named ones: "anything simpler?" after them means that tool's job.
TOOL_ANSWERS = (ACTION_TOOL_INFO, ACTION_TOOL_ATTRIBUTE, ACTION_WHAT_ABOUT, ACTION_CHOOSE_OPTION)
# Bot actions that answer a question: "tell me more" continues the newest of them.
ANSWERING_ACTIONS = (
    UTTER_FAQ,
    ACTION_TOOL_INFO,
    ACTION_TOOL_ATTRIBUTE,
    ACTION_LIST_TOOLS,
    ACTION_COMPARE_TOOLS,
    ACTION_TOOL_ALTERNATIVES,
    ACTION_WHAT_ABOUT,
    ACTION_CHOOSE_OPTION,
    ACTION_RECOMMEND_TOOL,
    ACTION_TELL_ME_MORE,
)


def _send(dispatcher: CollectingDispatcher, reply: answers.Reply) -> None:
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    dispatcher.utter_message(response=reply.response, buttons=buttons, **reply.variables)


def _entity_values(tracker: Tracker, entity: str) -> List[str]:
    return [str(e.get("value", "")) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def _text(tracker: Tracker) -> str:
    """What the latest message asks: its question when it is long (the NLU router's focus), else all
    of it, with slips in ordinary words put right ("licnese" -> "license")."""
    subjects = tracker.latest_message.get(SUBJECTS) or {}
    return str(subjects.get("focus") or tracker.latest_message.get("text") or "")


def _asked_text(tracker: Tracker) -> str:
    """The question without the words that named tools, for reading which fact it asks ("what is
    lang chian" asks none)."""
    subjects = tracker.latest_message.get(SUBJECTS) or {}
    return str(subjects.get("unnamed") or _text(tracker))


def _names_text(tracker: Tracker) -> str:
    """The same question as the user wrote it: where tool names are read ("superwise" stays a name)."""
    subjects = tracker.latest_message.get(SUBJECTS) or {}
    return str(subjects.get("written") or _text(tracker))


def _whole_text(tracker: Tracker) -> str:
    """All the latest message says, background included: requirements stated anywhere count."""
    subjects = tracker.latest_message.get(SUBJECTS) or {}
    return str(subjects.get("text") or tracker.latest_message.get("text") or "")


def _context_tools(tracker: Tracker) -> List[str]:
    """Tools a long message named in its background, in order of mention ("...KServe and Seldon
    Core. How do those two stack up?")."""
    return list((tracker.latest_message.get(SUBJECTS) or {}).get("context") or [])


def _asks_past(name: str, text: str) -> bool:
    """The message's question points at several tools discussed, and the odd name is in another
    sentence: "we can't send customer tickets outside our own VPC. which of the two can we run
    ourselves?" ("we evaluate Harborlight. is it open source?" asks about the name: "it" is one)."""
    parts = in_order(text)
    lowered = name.lower()
    pointing = [p for p in parts if points_at_several(p)]
    return bool(pointing) and all(lowered not in p.lower() for p in pointing)


def _places(tracker: Tracker) -> List[str]:
    """Platforms the latest message named as where something runs, when its subject is another tool."""
    return list((tracker.latest_message.get(SUBJECTS) or {}).get("places") or [])


def _learned_attribute(tracker: Tracker) -> List[Attribute]:
    """The fact the attribute classifier reads in the latest message, when it is sure of one."""
    learned = tracker.latest_message.get(LEARNED_ATTRIBUTE) or {}
    if float(learned.get("confidence") or 0.0) < SURE_ATTRIBUTE:
        return []
    return [a for a in Attribute if a.value == learned.get("name")]


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


@dataclass
class Lookup:
    """The tools a message names: found ones, near misses to offer, and what the user typed."""

    tools: List[Tool] = field(default_factory=list)
    candidates: List[str] = field(default_factory=list)
    query: str = ""
    unknown: bool = False  # the query is a name the base does not hold


class KnowledgeBaseAction(Action, metaclass=abc.ABCMeta):
    """Base of the actions that use the knowledge base; tests hand in a resolver of their own.

    Abstract, so that rasa-sdk's executor, which registers every concrete `Action` subclass,
    skips it.
    """

    def __init__(self, resolver: Optional[Resolver] = None) -> None:
        self._resolver = resolver

    @property
    def resolver(self) -> Resolver:
        return self._resolver or default_resolver()

    @property
    def kb(self) -> KnowledgeBase:
        return self.resolver.kb

    @abc.abstractmethod
    def name(self) -> str:
        """Every concrete action names itself."""

    def tools(self, names: Sequence[str]) -> List[Tool]:
        return [t for t in (self.kb.find(n) for n in names) if t is not None]

    def lookup(self, tracker: Tracker) -> Lookup:
        """The tools the latest message names: the resolver's reading of the whole message first
        (it sees "kube flow" and typos the lookup tables miss), else NLU's entities (button payloads)."""
        text = _names_text(tracker)
        resolution = self.resolver.resolve(without_own_platform(text))
        # "...run on our own kubernetes cluster", "or does it only run on Google Cloud?": their platform,
        # which NLU's entities still name (the router read it: assistant/nlu/routing.py, without_places)
        platform = set(_places(tracker)) | (
            set(self.resolver.resolve(text).tools) - set(resolution.tools)
            if without_own_platform(text) != text
            else set()
        )
        found: Dict[str, Tool] = {t.name: t for t in self.tools(resolution.tools) if t.name not in platform}
        candidates: List[str] = list(resolution.candidates)
        picked = self.picked_by_position(tracker)
        if picked is not None and not found:  # "is the first one open source?", "alternatives to the second one"
            return Lookup([picked])
        # NLU's entities cover the whole text: in a long message, background included, so there only the
        # question's own names count; elsewhere they add what the lookup tables matched ("alt to comet").
        entity_values = [] if _text(tracker) != _whole_text(tracker) else _entity_values(tracker, TOOL_ENTITY)
        entity_values = [v for v in entity_values if v not in platform]  # "we have zero kubernetes people"
        if not found:
            for value in entity_values:
                tool = self.kb.find(value)
                if tool is not None and tool.name in platform:
                    continue
                if tool is None:
                    by_value = self.resolver.resolve(value)
                    found.update((t.name, t) for t in self.tools(by_value.tools))
                    candidates += by_value.candidates
                else:
                    found.setdefault(tool.name, tool)
        if resolution.unknown:  # "what is zorbulator?": say we don't know it
            return Lookup(
                list(found.values()), [c for c in dict.fromkeys(candidates) if c not in found], resolution.unknown, True
            )
        return Lookup(
            list(found.values()),
            [c for c in dict.fromkeys(candidates) if c not in found],
            entity_values[0] if entity_values and not found else "",
        )

    def picked_by_position(self, tracker: Tracker) -> Optional[Tool]:
        """The tool of the last numbered options a question names by its place in words ("the first
        one", "the second"): not a bare number, which a longer question may hold for other reasons.
        With no options shown, the place is among the tools discussed, in the order they were named
        (compared Kubeflow with Metaflow: "anything simpler than the first one?")."""
        text = _text(tracker).lower()
        options = tracker.get_slot(SHOWN_SLOT) or []
        discussed = list(tracker.get_slot(TOOLS_SLOT) or [])
        if points_at_the_other(text) and not options:
            others = [n for n in reversed(_recent_tools(tracker, MAX_TOOLS_PER_ANSWER + 1)) if n not in discussed]
            if others:  # "And the other one he mentioned?": the newest tool named beside the one answered
                return self.kb.find(others[0])
        number = re.search(r"\b(?:number|no\.?|nr\.?|#)\s*(\d+)", text)  # "tell me about number 3"
        in_words = not re.search(r"\d", text) and names_a_place(text)
        if not number and not in_words:
            return None  # most messages: no place named, so nothing of the conversation is read
        if not options:
            options = discussed if len(discussed) >= 2 else _recent_tools(tracker, MAX_TOOLS_PER_ANSWER)
        if options and number and 1 <= int(number.group(1)) <= len(options):
            return self.kb.find(options[int(number.group(1)) - 1])
        if not options or not in_words:
            return None
        picked = chosen_option(text, len(options))
        return self.kb.find(options[picked]) if picked is not None else None

    def category_named(self, tracker: Tracker) -> Optional[str]:
        """The tool category the router read the message as asking for (assistant/nlu/tool_router.py:
        the job it describes, its practice topic's, or those two agreeing against a kind it names only
        as the thing worked on, "something to trace our LLM app"), else the one it names."""
        category = self.category_said(tracker)
        routed = (tracker.latest_message.get("intent") or {}).get(ROUTED_CATEGORY)
        return routed if routed and self.kb.category(routed) else category

    def category_said(self, tracker: Tracker) -> Optional[str]:
        """The tool category the latest message names in words (NLU's entity or the resolver), not
        one guessed from the job it describes. In a long message only its question counts: "a
        volunteer built it in a notebook ... what tools do ppl use to run a bot over sms" names no
        kind of tool in its question."""
        in_the_question = _text(tracker) == _whole_text(tracker)  # NLU's entities cover the whole text
        for value in _entity_values(tracker, CATEGORY_ENTITY) if in_the_question else []:
            category = value if self.kb.category(value) else self.resolver.resolve(value).category
            if category:
                return category
        return self.resolver.resolve(_names_text(tracker)).category

    def narrowed_last_list(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
        """ "Just the free ones", "which of those can I run myself without paying anyone": right after a
        numbered list, a requirement that names no tool and no kind of tool narrows that list. After
        alternatives, "which of those are open source?" narrows them too, and any other requirement
        ("self-hosted ones?") brings the alternatives again with it. None when the message is
        something else."""
        last = _last_answer(tracker)
        listed_last = last in LISTING_ACTIONS and (
            last != ACTION_TELL_ME_MORE or tracker.get_slot(LAST_QUESTION_SLOT) in (LIST, ALTERNATIVES)
        )
        if not tracker.get_slot(SHOWN_SLOT) or not listed_last:
            return None
        wanted = constraints(_text(tracker))
        if wanted.open_source is not True and not (wanted.hosting and self.refers_to_last_list(tracker)):
            return None
        if self.lookup(tracker).tools or self.category_said(tracker):
            return None
        filters_those = wanted.open_source is True and self.refers_to_last_list(tracker)  # "which of those are oss?"
        if last == ACTION_TOOL_ALTERNATIVES and self.remembered(tracker) and not filters_those:
            return self.answer(ALTERNATIVES, self.remembered(tracker)[:1], dispatcher, tracker)
        return self.last_list_meeting(Constraints(wanted.open_source, wanted.hosting), dispatcher, tracker)

    def last_list_meeting(
        self, needs: Constraints, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        """The tools of the last numbered list that meet `needs`, numbered again ("which of those are
        open source?")."""
        listed = self.remembered(tracker, SHOWN_SLOT) + self.remembered(tracker, MORE_SLOT)
        fitting = [t for t in listed if advice.satisfies(t, needs)]
        shown = fitting[:PAGE_SIZE]
        for reply in answers.those_that_fit(shown, len(fitting), needs):
            _send(dispatcher, reply)
        return [*self.listed(shown, fitting[PAGE_SIZE:]), SlotSet(LAST_QUESTION_SLOT, LIST)] if shown else []

    def next_page(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """ "More", "any others?": the next page of the last numbered list."""
        shown = self.remembered(tracker, SHOWN_SLOT)
        rest = self.remembered(tracker, MORE_SLOT)
        if not rest:
            dispatcher.utter_message(response=answers.LIST_END)
            return []
        page = rest[:PAGE_SIZE]
        for reply in answers.next_page(page, len(shown) + 1, len(rest) - len(page)):
            _send(dispatcher, reply)
        return self.listed(shown + page, rest[PAGE_SIZE:])

    def remembered(self, tracker: Tracker, slot: str = TOOLS_SLOT) -> List[Tool]:
        """The tools a slot holds; for the tools discussed, the ones this message's background named
        come first, the last named first ("those two" are the last two)."""
        names = list(tracker.get_slot(slot) or [])
        if slot == TOOLS_SLOT and _context_tools(tracker):
            names = list(reversed(_context_tools(tracker))) + [n for n in names if n not in _context_tools(tracker)]
        return self.tools(names)

    # -- answering one kind of question ------------------------------------------------------
    def answer(
        self, kind: str, tools: List[Tool], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        """Answers a tool question of `kind` about `tools` (at least one) and remembers it."""
        events: List[EventType] = [SlotSet(TOOLS_SLOT, [t.name for t in tools]), SlotSet(LAST_QUESTION_SLOT, kind)]
        if kind == COMPARE:
            if len(tools) < 2:
                dispatcher.utter_message(response=answers.COMPARE_NEEDS_TWO)
                return events[:1]
            for reply in answers.comparison(tools[:MAX_TOOLS_PER_ANSWER], self.kb):
                _send(dispatcher, reply)
        elif kind == ALTERNATIVES:
            wanted = constraints(_whole_text(tracker))
            ranked = advice.alternatives(self.kb, tools[0], wanted)
            shown = ranked[:ALTERNATIVES_PAGE_SIZE]
            _send(dispatcher, answers.alternatives_list(tools[0], shown, wanted))
            events += [SlotSet(TOOLS_SLOT, [tools[0].name]), *self.listed(shown, ranked[len(shown) :])]
        elif kind.startswith(ATTRIBUTE):  # one fact or several ("oss? written in?"), three answers at most
            asked = [Attribute(value) for value in kind[len(ATTRIBUTE) :].split(ATTRIBUTES_JOINED)]
            pairs = [(tool, attribute) for tool in tools for attribute in asked][:MAX_TOOLS_PER_ANSWER]
            for tool, attribute in pairs:
                _send(dispatcher, answers.attribute(tool, attribute, self.kb))
        else:
            for tool in tools[:MAX_TOOLS_PER_ANSWER]:
                _send(dispatcher, answers.summary(tool, self.kb))
                for reply in answers.status_note(tool):
                    _send(dispatcher, reply)
        return events

    @staticmethod
    def listed(shown: Sequence[Tool], rest: Sequence[Tool]) -> List[EventType]:
        """Remembers a numbered list: what the numbers pick, and what "more" shows next."""
        return [SlotSet(SHOWN_SLOT, [t.name for t in shown]), SlotSet(MORE_SLOT, [t.name for t in rest])]

    @staticmethod
    def did_you_mean(kind: str, found: Lookup, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """Offers the near misses as numbered options; picking one answers the question of `kind`."""
        _send(dispatcher, answers.not_found(found.query or _names_text(tracker), found.candidates))
        return [SlotSet(SHOWN_SLOT, found.candidates), SlotSet(LAST_QUESTION_SLOT, kind), SlotSet(MORE_SLOT, [])]

    @staticmethod
    def unknown(found: Lookup, dispatcher: CollectingDispatcher, keep: Sequence[Tool] = ()) -> List[EventType]:
        """ "I don't know a tool called X": forgets the tools discussed, so "is it open source?" can't
        misfire, except the known ones `keep` that X was to be compared with."""
        _send(dispatcher, answers.not_found(found.query, []))
        return [SlotSet(TOOLS_SLOT, [t.name for t in keep])]

    @staticmethod
    def refers_to_last_list(tracker: Tracker) -> bool:
        """ "those", "them", "which ones", or a bare "open src only" right after a list: the message is
        about the list just shown."""
        if not tracker.get_slot(SHOWN_SLOT):
            return False
        text = _text(tracker).lower()
        if re.search(rf"\b(?:{THE_SEVERAL}|ones|any of|which of|of the list)\b|^\W*which\b", text):
            return True
        return _last_answer(tracker) in LISTING_ACTIONS and len(text.split()) <= 4

    def ask(
        self, kind: str, dispatcher: CollectingDispatcher, tracker: Tracker, use_remembered: bool = True
    ) -> List[EventType]:
        """Answers about the tools the message names, or offers near misses, or admits ignorance."""
        found = self.lookup(tracker)
        if found.tools:
            return self.answer(kind, found.tools, dispatcher, tracker)
        discussed = max(len(self.remembered(tracker)), len(_recent_tools(tracker, 2)))
        if found.unknown and discussed >= 2 and _asks_past(found.query, _text(tracker)):
            found = Lookup(found.tools)  # the odd name is background: the question is about the tools discussed
        named = asked_about_a_name(_names_text(tracker))
        if (
            found.unknown
            # a slip ("is it clowd only") has near misses; "Harborlight", "FeatureVault" are written as names
            and (not found.candidates or found.query != found.query.lower())
            and ((named or "").lower() == found.query.lower() or names_an_unknown_tool(_text(tracker), found.query))
        ):
            # "What is Harborlight, and is it open source?", "we should use Pipewright instead, is that
            # one open source?": "it" is that name, not the tool discussed before
            if found.candidates:
                return self.did_you_mean(kind, found, dispatcher, tracker)
            return self.unknown(found, dispatcher)
        remembered = self.remembered(tracker)
        if use_remembered and points_at_several(_text(tracker)) and not found.candidates and not found.unknown:
            # "which of the two could we run on our own servers?", "are both of them open source?": each
            several = remembered if len(remembered) >= 2 else self.tools(_recent_tools(tracker, 2))
            if len(several) >= 2:
                wanted = min(max(referred_count(_text(tracker)) or 2, 2), MAX_TOOLS_PER_ANSWER)
                return self.answer(kind, several[:wanted], dispatcher, tracker)
        if use_remembered and remembered and points_at_one(_text(tracker)):  # "what lang is it written in"
            one = _context_tools(tracker) and not points_at_several(_text(tracker))
            return self.answer(kind, remembered[:1] if one else remembered, dispatcher, tracker)
        if found.candidates:
            return self.did_you_mean(kind, found, dispatcher, tracker)
        if found.unknown:
            return self.unknown(found, dispatcher)
        if use_remembered and remembered and not found.query:  # "is it open source?"
            return self.answer(kind, remembered, dispatcher, tracker)
        practice = _sure_practice_answer(tracker)
        if practice is not None and not found.query:  # "can we run it in-house?" with no tool discussed
            dispatcher.utter_message(response=practice)
            return []
        if named and not found.query and self.resolver.resolve(named).category is None:
            found = Lookup([], [], named, True)  # "what is flow pilot": English words, yet a name we don't know
        _send(dispatcher, answers.not_found(found.query, []))
        return []


class ActionToolInfo(KnowledgeBaseAction):
    """ "What is X?": a summary of each tool named, or an honest "I don't know"."""

    def name(self) -> str:
        return ACTION_TOOL_INFO

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        # "...a contractor keeps mentioning BentoML. What is it?": the background's tool; "and what even
        # IS it?" right after a fact about Kueue: Kueue; never a tool from further back
        just_answered = _last_answer(tracker) in TOOL_ANSWERS and points_at_one(_text(tracker))
        return self.ask(INFO, dispatcher, tracker, use_remembered=bool(_context_tools(tracker)) or just_answered)


class ActionToolAttribute(KnowledgeBaseAction):
    """ "Is X open source?", "X's licence", "link to X", "what kind of tool is X", "X written in"."""

    def name(self) -> str:
        return ACTION_TOOL_ATTRIBUTE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        narrowed = self.narrowed_last_list(dispatcher, tracker)
        if narrowed is not None:
            return narrowed
        text = _text(tracker)
        remembered = self.remembered(tracker)
        restates = not is_question(text) and bool(constraints(text).labels)
        if restates and remembered and _last_answer(tracker) == ACTION_TOOL_ALTERNATIVES:
            # "self-hosted only" after alternatives: the alternatives again, with that requirement
            return self.answer(ALTERNATIVES, remembered[:1], dispatcher, tracker)
        asked = asked_attributes(_asked_text(tracker)) or _learned_attribute(tracker)
        if (
            asked[:1] == [Attribute.OPEN_SOURCE]
            and self.refers_to_last_list(tracker)
            and not self.lookup(tracker).tools
        ):
            return self.last_list_meeting(Constraints(open_source=True), dispatcher, tracker)
        if (
            asked[:1] == [Attribute.OPEN_SOURCE]
            and _last_answer(tracker) in (UTTER_FAQ, ACTION_TELL_ME_MORE)
            and tracker.get_slot(TOPIC_SLOT)
            and (points_at_several(text) or re.match(r"^\W*which\b", text.lower()))
            and not self.lookup(tracker).tools
        ):
            # "which of those are open source?" after a practice answer: that topic's open-source tools
            return await ActionListTools(self.resolver).run(dispatcher, tracker, domain)
        if not asked:  # the attribute is not one we can name: the summary holds them all
            return self.ask(INFO, dispatcher, tracker)
        return self.ask(ATTRIBUTE + ATTRIBUTES_JOINED.join(a.value for a in asked), dispatcher, tracker)


class ActionToolAlternatives(KnowledgeBaseAction):
    """ "Alternatives to X", "open-source alternative to SageMaker", "like Airflow but simpler"."""

    def name(self) -> str:
        return ACTION_TOOL_ALTERNATIVES

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        narrowed = self.narrowed_last_list(dispatcher, tracker)
        if narrowed is not None:
            return narrowed
        found = self.lookup(tracker)
        names_nothing = not (found.tools or found.candidates or found.unknown)
        last = _last_answer(tracker)
        if names_nothing and last in LISTING_ACTIONS and tracker.get_slot(LAST_QUESTION_SLOT) == LIST:
            # "any others?" after a list: its next page
            return self.next_page(dispatcher, tracker)
        if names_nothing and not self.remembered(tracker) and last in (UTTER_FAQ, ACTION_TELL_ME_MORE):
            # "our cron jobs fail silently" answered, then "what tools would replace that?": that practice's tools
            return await ActionListTools(self.resolver).run(dispatcher, tracker, domain)
        return self.ask(ALTERNATIVES, dispatcher, tracker)


class ActionCompareTools(KnowledgeBaseAction):
    """ "X vs Y", "compare X, Y and Z", "compare it with Y", "compare them"."""

    def name(self) -> str:
        return ACTION_COMPARE_TOOLS

    def compares_the_unknown(self, text: str, found: Lookup) -> bool:
        """The unknown name is one of those compared: fewer than two known tools are named, or it
        shares a sentence with a known one. In "Ollama vs llama.cpp vs vLLM. WHICH ONE. I've read
        ten reddit threads" Reddit is not compared, nor the asker's own thing in "compare them. nothing
        leaves our datacenter"."""
        if not names_an_unknown_tool(text, found.query):
            return False
        if len(found.tools) < 2:
            return True
        return any(
            found.query.lower() in sentence.lower() and self.resolver.resolve(sentence).tools
            for sentence in sentences(text)
        )

    def with_own_tools(self, tools: List[Tool], tracker: Tracker) -> List[Tool]:
        """ "compare it with what we're using now": the tools compared, and the ones the asker said they use."""
        discussed = tools or self.remembered(tracker)
        if points_at_several(_text(tracker)) and len(discussed) < 2:
            discussed = self.tools(_recent_tools(tracker, 2))
        own = [t for t in self.tools(tracker.get_slot(OWN_TOOLS_SLOT) or []) if t not in discussed]
        return (discussed[: MAX_TOOLS_PER_ANSWER - len(own[:1])] + own)[:MAX_TOOLS_PER_ANSWER] if own else tools

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        found = self.lookup(tracker)
        tools = found.tools
        if refers_to_own_stack(_text(tracker)) and tracker.get_slot(OWN_TOOLS_SLOT) and not found.unknown:
            own_too = self.with_own_tools(tools, tracker)
            if len(own_too) >= 2:  # "now compare both of them against what we already run"
                return self.answer(COMPARE, own_too, dispatcher, tracker)
        if found.unknown and self.compares_the_unknown(_text(tracker), found):
            # "compare zorbulator and mlflow": no comparison with a tool we don't know
            if found.candidates:
                return self.did_you_mean(COMPARE, found, dispatcher, tracker)
            # "mlflow", then "vs quorvex": MLflow stays the tool discussed ("ok, alternatives then")
            return self.unknown(found, dispatcher, keep=found.tools or self.remembered(tracker)[:1])
        wanted = min(max(referred_count(_text(tracker)) or 2, 2), MAX_TOOLS_PER_ANSWER)  # "all three"
        if len(tools) == 1:  # "compare it with Y", "throw Y in and compare all three": the tools discussed, and Y
            text = _text(tracker)
            adds = (
                points_at_several(text)
                or adds_to_comparison(text)
                or (tracker.get_slot(LAST_QUESTION_SLOT) == COMPARE and not points_at_one(text))
            )
            if adds:  # "compare them + deequ", "throw Y into the comparison too": the ones before, and Y
                wanted = MAX_TOOLS_PER_ANSWER
            earlier = [t for t in self.remembered(tracker) if t.name != tools[0].name]
            if len(earlier) < wanted - 1:
                earlier += [t for t in self.tools(_recent_tools(tracker, MAX_TOOLS_PER_ANSWER + 1)) if t not in earlier]
            tools = [t for t in earlier if t.name != tools[0].name][: wanted - 1] + tools
        elif 2 <= len(tools) < MAX_TOOLS_PER_ANSWER and points_at_one(_text(tracker)) and self.remembered(tracker):
            # "how does it stack up against SGLang and TGI?": the tool discussed, and these
            discussed = self.remembered(tracker)[0]
            tools = ([discussed] if discussed not in tools else []) + tools
        elif not tools and not found.candidates:  # "compare them": the list shown, else the tools discussed
            tools = self.remembered(tracker)[: referred_count(_text(tracker)) or None]  # "those two": two
            if len(tools) < 2 and _last_answer(tracker) in LISTING_ACTIONS:
                tools = self.remembered(tracker, SHOWN_SLOT)
            if len(tools) < wanted:  # the last tools discussed, oldest first
                recent = self.tools(_recent_tools(tracker, wanted))
                tools = recent if len(recent) > len(tools) else tools
        if len(tools) < 2 and found.candidates:
            return self.did_you_mean(INFO, found, dispatcher, tracker)
        if len(tools) < 2:
            dispatcher.utter_message(response=answers.COMPARE_NEEDS_TWO)
            return []
        return self.answer(COMPARE, tools, dispatcher, tracker)


class ActionWhatAbout(KnowledgeBaseAction):
    """ "What about Y?": the last tool question again, about Y."""

    def name(self) -> str:
        return ACTION_WHAT_ABOUT

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        kind = tracker.get_slot(LAST_QUESTION_SLOT) or INFO
        if kind in (LIST, RECOMMEND):
            kind = INFO
        found = self.lookup(tracker)
        if kind.startswith(ATTRIBUTE) and found.tools:
            # "can I host marimo myself?", then "what about deepnote": the same fact, and what Deepnote is
            # (people ask either, and the second tool is often new to them)
            events = self.answer(kind, found.tools, dispatcher, tracker)
            for tool in found.tools[:MAX_TOOLS_PER_ANSWER]:
                _send(dispatcher, answers.summary(tool, self.kb))
            return events
        if kind == COMPARE and found.tools:  # compared X and Z; "what about Y?" compares X and Y
            earlier = [t for t in self.remembered(tracker) if t.name not in {f.name for f in found.tools}]
            return self.answer(COMPARE, earlier[:1] + found.tools, dispatcher, tracker)
        return self.ask(kind, dispatcher, tracker, use_remembered=False)


class ActionChooseOption(KnowledgeBaseAction):
    """ "2", "the second one", a button: picks from the last numbered options and answers."""

    def name(self) -> str:
        return ACTION_CHOOSE_OPTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        options = self.remembered(tracker, SHOWN_SLOT)
        affirmed = _intent(tracker) == AFFIRM
        if not options:
            if affirmed:  # "ok cool" after an answer; as the first words, what the assistant can do
                started = any(e.get("event") == "bot" for e in _events_before_this_message(tracker))
                dispatcher.utter_message(response=answers.OK_WHAT_NEXT if started else answers.HELP)
            else:
                dispatcher.utter_message(response=answers.NO_OPTIONS)
            return []
        picked = next((chosen_option(v, len(options)) for v in _entity_values(tracker, OPTION_ENTITY)), None)
        if picked is None:
            picked = chosen_option(_text(tracker), len(options))
        if picked is None and affirmed and len(options) == 1:  # "Did you mean X?" "yes"
            picked = 0
        if picked is None:
            _send(dispatcher, answers.pick_a_number(len(options)))
            return []
        kind = tracker.get_slot(LAST_QUESTION_SLOT) or INFO
        if kind in (LIST, RECOMMEND, ALTERNATIVES):  # a pick from a list asks what the tool is
            kind = INFO
        if kind == COMPARE:
            return self.answer(COMPARE, self.remembered(tracker)[:1] + [options[picked]], dispatcher, tracker)
        return self.answer(kind, [options[picked]], dispatcher, tracker)


class ActionListTools(KnowledgeBaseAction):
    """ "What can I use for experiment tracking?": the best-known few, numbered, and an offer of more."""

    def name(self) -> str:
        return ACTION_LIST_TOOLS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        narrowed = self.narrowed_last_list(dispatcher, tracker)
        if narrowed is not None:
            return narrowed
        focus = self.remembered(tracker)
        other_tools = focus and _last_answer(tracker) in TOOL_ANSWERS and asks_for_other_tools(_text(tracker))
        if other_tools and not self.lookup(tracker).tools and self.category_said(tracker) is None:
            # "anything simpler?", "options that do the same job?" after a tool: tools for its job
            return self.answer(ALTERNATIVES, focus[:1], dispatcher, tracker)
        category = self.category_named(tracker)
        open_source = constraints(_whole_text(tracker)).open_source is True
        narrows = self.refers_to_last_list(tracker) or (
            _last_answer(tracker) in LISTING_ACTIONS
            and bool(tracker.get_slot(SHOWN_SLOT))
            and not self.lookup(tracker).tools
        )
        explicitly = re.search(
            rf"\b(?:which|any|some) of (?:{THE_SEVERAL})\b|\bfrom (?:{THE_SEVERAL})\b", _text(tracker).lower()
        )
        if open_source and ((category is None and narrows) or (explicitly and tracker.get_slot(SHOWN_SLOT))):
            # "only open source" right after a list, "which of those are open source, not another dashboard"
            return self.last_list_meeting(Constraints(open_source=True), dispatcher, tracker)
        last_topic = _last_faq_topic(tracker) if category is None else None  # a practice answer, whoever sent it
        if category is None and (_last_answer(tracker) in (UTTER_FAQ, ACTION_TELL_ME_MORE) or last_topic):
            # "explain feature stores", then "any tools for that?", also with a turn not understood between
            topic = tracker.get_slot(TOPIC_SLOT) or last_topic
            category = advice.category_for_practice(self.kb, topic) if topic else None
        asked = asked_attribute(_asked_text(tracker))
        if category is None and asked is not None and self.remembered(tracker):
            return self.ask(ATTRIBUTE + asked.value, dispatcher, tracker)  # "free?" after a tool: that tool's
        if category is None and _last_answer(tracker) is not None:  # "what other tools do that?" after a tool
            remembered = self.remembered(tracker)
            category = remembered[0].category if remembered else None
        if category is None:  # "a contractor wants us to store our embeddings in vectorvault", then "what tools
            category = _kind_said_before(tracker)  # do you know for that job": the kind the asker described
        if category is None:
            dispatcher.utter_message(response=answers.ASK_WHICH_CATEGORY)
            return []
        ranked = self.kb.tools_in(category)
        if open_source:
            ranked = advice.open_source_only(ranked)
            replies = answers.open_source_list(self.kb, category, ranked[:PAGE_SIZE], len(ranked))
        else:
            replies = answers.tool_list(self.kb, category, ranked[:PAGE_SIZE], 1, len(ranked))
        for reply in replies:
            _send(dispatcher, reply)
        shown = ranked[:PAGE_SIZE]
        return [*self.listed(shown, ranked[PAGE_SIZE:]), SlotSet(LAST_QUESTION_SLOT, LIST)]


def _events_before_this_message(tracker: Tracker) -> List[Dict[str, Any]]:
    """The conversation up to (not including) the user message being answered, newest first."""
    events = list(tracker.events)
    latest_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    return list(reversed(events[:latest_user]))


def _kind_said_before(tracker: Tracker) -> Optional[str]:
    """The kind of tool the asker's previous message named or described (the NLU router's reading)."""
    previous = next((e for e in _events_before_this_message(tracker) if e.get("event") == "user"), None)
    subjects = ((previous or {}).get("parse_data") or {}).get(SUBJECTS) or {}
    return subjects.get("kind") or None


def _selected_response(tracker: Tracker) -> Dict[str, Any]:
    return ((tracker.latest_message.get("response_selector") or {}).get("faq") or {}).get("response") or {}


def _selected_practice_topic(tracker: Tracker) -> Optional[str]:
    """The practice topic NLU's response selector picked for the latest message ("data_drift")."""
    key = str(_selected_response(tracker).get("intent_response_key") or "")
    return key.split("/", 1)[1] if key.startswith("faq/") else None


def _sure_practice_answer(tracker: Tracker) -> Optional[str]:
    """The practice answer NLU's response selector picked for the latest message, if it was sure."""
    topic = _selected_practice_topic(tracker)
    if topic and float(_selected_response(tracker).get("confidence") or 0.0) >= SURE_PRACTICE:
        return answers.practice_answer(topic)
    return None


def _last_answer(tracker: Tracker) -> Optional[str]:
    """The newest bot action that answered something, before the current user message."""
    for event in _events_before_this_message(tracker):
        if event.get("event") == "action" and event.get("name") in ANSWERING_ACTIONS:
            return event.get("name")
    return None


def _last_faq_topic(tracker: Tracker) -> Optional[str]:
    """The topic of the newest practice answer (`utter_faq/<topic>` or `utter_more_<topic>`) the bot sent."""
    practice_was_last = _last_answer(tracker) == UTTER_FAQ
    for event in _events_before_this_message(tracker):
        if event.get("event") == "user":  # NLU's pick, when the bot's messages carry no response names
            key = (
                (event.get("parse_data") or {})
                .get("response_selector", {})
                .get("faq", {})
                .get("response", {})
                .get("intent_response_key")
            )
            if key and practice_was_last:
                return key.split("/", 1)[1]
        if event.get("event") != "bot":
            continue
        sent = (event.get("metadata") or {}).get("utter_action") or ""
        topic = answers.practice_topic(sent)
        if topic is not None:
            return topic
        if sent and sent != answers.TOOL_NOTE:  # the newest answer was about something else
            return None
    return None


def _recent_tools(tracker: Tracker, count: int) -> List[str]:
    """The last `count` different tools the conversation was about, oldest first ("compare them"): the
    tools answered about, and those a message named beside its question ("My colleague talks about Kueue
    and Volcano. First, what is Kueue?", then "Both of them are open source?")."""
    names: List[str] = []
    for event in _events_before_this_message(tracker):
        mentioned: List[str] = []
        if event.get("event") == "slot" and event.get("name") == TOOLS_SLOT:
            mentioned = list(event.get("value") or [])
        elif event.get("event") == "user":
            mentioned = list(((event.get("parse_data") or {}).get(SUBJECTS) or {}).get("context") or [])
        for name in mentioned:
            if name not in names:
                names.append(name)
        if len(names) >= count:
            break
    return list(reversed(names[:count]))


class ActionTellMeMore(KnowledgeBaseAction):
    """ "Tell me more" / "more": the long practice answer, the next page of a list, or a tool's details."""

    def name(self) -> str:
        return ACTION_TELL_ME_MORE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        last = _last_answer(tracker)
        topic = _last_faq_topic(tracker)  # a practice answer, whichever action sent it
        if last == UTTER_FAQ or topic is not None:
            response = answers.longer_practice_answer(str(topic))
            if topic and response in domain.get("responses", {}):
                dispatcher.utter_message(response=response)
                return []
        elif last is not None and tracker.get_slot(LAST_QUESTION_SLOT) in (LIST, ALTERNATIVES):
            return self.next_page(dispatcher, tracker)
        elif last is not None:
            tools = self.remembered(tracker)
            if tools:
                for reply in answers.details(tools[0]):
                    _send(dispatcher, reply)
                return []
        dispatcher.utter_message(response=answers.NOTHING_MORE)
        return []


class ActionNoteTools(KnowledgeBaseAction):
    """After a practice answer: a one-line note on each tool the question named, if any, and the
    answer's topic kept in the `topic` slot.

    "How do I track experiments with mlflow?" gets the practice answer from the ResponseSelector,
    then this note, and the tools slot is set so "is it open source?" can follow; the topic slot
    lets "any tools for that?" list the topic's tools later.
    """

    def name(self) -> str:
        return ACTION_NOTE_TOOLS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        names = self.resolver.resolve(_names_text(tracker)).tools
        for tool in self.tools(names)[:MAX_TOOLS_PER_ANSWER]:
            _send(dispatcher, answers.note(tool, self.kb))
        topic = _selected_practice_topic(tracker)
        events: List[EventType] = [SlotSet(TOPIC_SLOT, topic)] if topic else []
        return events + ([SlotSet(TOOLS_SLOT, names), SlotSet(LAST_QUESTION_SLOT, INFO)] if names else [])


# -- the recommendation form ---------------------------------------------------------------------
# Messages with these intents are questions of their own, not answers to the form: the form lets
# them through (nothing extracted) and the rules answer them before it asks again.
NOT_AN_ANSWER = frozenset(
    {
        FAQ,
        ASK_TOOL_INFO,
        ASK_TOOL_ATTRIBUTE,
        COMPARE_TOOLS,
        ASK_ALTERNATIVES,
        WHAT_ABOUT,
        CHOOSE_OPTION,
        TELL_ME_MORE,
        HELP,
        BOT_CHALLENGE,
        STOP,
        GREET,
        GOODBYE,
        THANKS,
        OUT_OF_SCOPE,
    }
)
# Intents whose whole point is to state requirements: read them whatever the form asked.
STATES_REQUIREMENTS = frozenset({INFORM, RECOMMEND_TOOL})
DECLINES = frozenset({DENY, SKIP})


def _states_requirements(tracker: Tracker) -> bool:
    """The message states what the tool must be (open source, self-hosted or managed) and asks
    nothing of a named tool: "self hosted. we're on prem", not "is MLflow self-hosted?"."""
    text = _text(tracker)
    named = (tracker.latest_message.get(SUBJECTS) or {}).get("tools")
    wanted = constraints(text)
    return not named and not is_question(text) and (wanted.open_source is not None or wanted.hosting is not None)


class ValidateToolRecommendationForm(FormValidationAction, KnowledgeBaseAction):
    """Reads the form's answers from the text, so "self hosted pls" or "skip" work on any channel.

    A slot is read when the form asked for it, or, for a change of mind ("actually, managed"),
    from any message that states requirements.
    """

    def name(self) -> str:
        return "validate_tool_recommendation_form"

    @staticmethod
    def _reads(tracker: Tracker, slot: Optional[str]) -> bool:
        """Whether the message answers the form's question for `slot` (None: any of its questions)."""
        intent = _intent(tracker)
        if intent in STATES_REQUIREMENTS:
            return True
        requested = tracker.get_slot("requested_slot")
        if requested is not None and _states_requirements(tracker):
            return True  # "has to be free, no budget", "we'd run it on our own server": an answer, however classified
        return requested is not None and (slot is None or requested == slot) and intent not in NOT_AN_ANSWER

    async def extract_recommend_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if not self._reads(tracker, CATEGORY_SLOT):
            return {}
        category = self.category_named(tracker)
        if category:
            return {CATEGORY_SLOT: category}
        if tracker.get_slot("requested_slot") == CATEGORY_SLOT and _intent(tracker) not in STATES_REQUIREMENTS:
            dispatcher.utter_message(response=answers.RECOMMEND_CATEGORY_NEEDED)
            return {CATEGORY_SLOT: None}  # asked again, never guessed
        return {}

    async def extract_recommend_open_source(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if not self._reads(tracker, OPEN_SOURCE_SLOT):
            return {}
        wanted = constraints(_text(tracker))
        stated = wanted.open_source
        if stated is not None or open_source_optional(_text(tracker)):
            return {OPEN_SOURCE_SLOT: YES if stated else ANY}
        if tracker.get_slot("requested_slot") == OPEN_SOURCE_SLOT:
            if wanted.hosting is not None:  # "must it be open source?" "we want to host it ourselves": no licence asked
                return {OPEN_SOURCE_SLOT: ANY}
            intent = _intent(tracker)
            if intent == AFFIRM:
                return {OPEN_SOURCE_SLOT: YES}
            if intent in DECLINES:
                return {OPEN_SOURCE_SLOT: ANY}
        return {}

    async def extract_recommend_hosting(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        stated = constraints(_text(tracker)).hosting
        if not self._reads(tracker, HOSTING_SLOT if stated is None else None):
            return {}  # a hosting requirement counts whichever of the form's questions it answers
        if stated is not None:
            return {HOSTING_SLOT: stated.value}
        if tracker.get_slot("requested_slot") == HOSTING_SLOT and _intent(tracker) in DECLINES | {AFFIRM}:
            return {HOSTING_SLOT: ANY}
        return {}


class ActionRecommendTool(KnowledgeBaseAction):
    """The form's result: the best fit for the answers, with its reason and runners-up."""

    def name(self) -> str:
        return ACTION_RECOMMEND_TOOL

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        category = tracker.get_slot(CATEGORY_SLOT)
        hosting = tracker.get_slot(HOSTING_SLOT)
        wanted = Constraints(
            open_source=True if tracker.get_slot(OPEN_SOURCE_SLOT) == YES else None,
            hosting=Hosting(hosting) if hosting in (h.value for h in Hosting) else None,
        )
        reset = [SlotSet(CATEGORY_SLOT, None), SlotSet(OPEN_SOURCE_SLOT, None), SlotSet(HOSTING_SLOT, None)]
        if not category or self.kb.category(category) is None:
            dispatcher.utter_message(response=answers.ASK_WHICH_CATEGORY)
            return reset
        ranked = advice.recommend(self.kb, category, wanted)
        _send(dispatcher, answers.recommendation(self.kb, category, ranked, wanted))
        top = ranked[:3]
        return [
            *reset,
            *self.listed(top, []),
            SlotSet(TOOLS_SLOT, [t.name for t in top[:1]]),
            SlotSet(LAST_QUESTION_SLOT, RECOMMEND),
        ]
