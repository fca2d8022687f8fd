"""Custom actions. Each reads the tracker, asks the core, sends domain responses, returns events."""
from __future__ import annotations

import abc
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.kb import answers
from actions.kb.loader import KnowledgeBase
from actions.kb.resolver import Resolver, default_resolver

TOOLS_SLOT = "tools"
TOOL_ENTITY = "tool"
MAX_TOOLS_PER_ANSWER = 3


def _send(dispatcher: CollectingDispatcher, reply: answers.Reply) -> None:
    dispatcher.utter_message(response=reply.response, **reply.variables)


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
    def name(self) -> Text:
        """Every concrete action names itself."""


class ActionToolInfo(KnowledgeBaseAction):
    """"What is X?": a summary of each tool named, or an honest "I don't know"."""

    def name(self) -> Text:
        return "action_tool_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        mentioned = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == TOOL_ENTITY]
        names: List[str] = []
        candidates: List[str] = []
        for value in [str(e.get("value", "")) for e in mentioned]:
            tool = self.kb.find(value)
            found = [tool.name] if tool else self.resolver.resolve(value).tools
            names += [n for n in found if n not in names]
        if not names:  # NLU missed the tool or named something unknown: read the whole message
            resolution = self.resolver.resolve(tracker.latest_message.get("text") or "")
            names = resolution.tools
            candidates = resolution.candidates
        if not names:
            query = str(mentioned[0].get("value", "")) if mentioned else ""
            _send(dispatcher, answers.not_found(query, candidates))
            return []
        for name in names[:MAX_TOOLS_PER_ANSWER]:
            tool = self.kb.find(name)
            if tool is not None:
                _send(dispatcher, answers.summary(tool, self.kb))
        return [SlotSet(TOOLS_SLOT, names)]


class ActionNoteTools(KnowledgeBaseAction):
    """After a practice answer: a one-line note on each tool the question named, if any.

    "How do I track experiments with mlflow?" gets the practice answer from the ResponseSelector,
    then this note, and the tools slot is set so "is it open source?" can follow.
    """

    def name(self) -> Text:
        return "action_note_tools"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        names = self.resolver.resolve(tracker.latest_message.get("text") or "").tools
        for name in names[:MAX_TOOLS_PER_ANSWER]:
            tool = self.kb.find(name)
            if tool is not None:
                _send(dispatcher, answers.note(tool, self.kb))
        return [SlotSet(TOOLS_SLOT, names)] if names else []


def _events_before_this_message(tracker: Tracker) -> List[Dict[str, Any]]:
    """The conversation up to (not including) the user message being answered, newest first."""
    events = list(tracker.events)
    latest_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    return list(reversed(events[:latest_user]))


def _last_answer(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The newest bot action that answered something, before the current user message."""
    for event in _events_before_this_message(tracker):
        if event.get("event") == "action" and event.get("name") in ("utter_faq", "action_tool_info"):
            return event
    return None


def _last_faq_topic(tracker: Tracker) -> Optional[str]:
    """The `faq/<topic>` the ResponseSelector picked for the last practice question."""
    for event in _events_before_this_message(tracker):
        if event.get("event") != "user":
            continue
        selector = (event.get("parse_data") or {}).get("response_selector", {})
        key = selector.get("faq", {}).get("response", {}).get("intent_response_key")
        if key:
            return key.split("/", 1)[1]
    return None


class ActionTellMeMore(KnowledgeBaseAction):
    """"Tell me more": the long version of the last practice answer or tool summary."""

    def name(self) -> Text:
        return "action_tell_me_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        last = _last_answer(tracker)
        if last is not None and last.get("name") == "utter_faq":
            topic = _last_faq_topic(tracker)
            response = f"utter_more_{topic}"
            if topic and response in domain.get("responses", {}):
                dispatcher.utter_message(response=response)
                return []
        elif last is not None:
            tools = tracker.get_slot(TOOLS_SLOT) or []
            tool = self.kb.find(tools[0]) if tools else None
            if tool is not None:
                for reply in answers.details(tool):
                    _send(dispatcher, reply)
                return []
        dispatcher.utter_message(response=answers.NOTHING_MORE)
        return []
