"""Chooses which domain response answers a question about a tool, and with what variables.

Pure: it names responses (the text lives in domain.yml) and never writes English itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Sequence

from actions.kb.loader import KnowledgeBase
from actions.kb.schema import PROPRIETARY, UNKNOWN, Tool

SUMMARY_OPEN = "utter_tool_summary_open"
SUMMARY_OPEN_UNCHECKED = "utter_tool_summary_open_licence_unchecked"
SUMMARY_CLOSED = "utter_tool_summary_closed"
DETAILS = "utter_tool_details"
SEED_MENTION = "utter_tool_seed_mention"
UNKNOWN_TOOL = "utter_tool_unknown"
UNKNOWN_WITH_SUGGESTIONS = "utter_tool_unknown_with_suggestions"
ASK_WHICH_TOOL = "utter_ask_which_tool"
NOTHING_MORE = "utter_nothing_more"
TOOL_NOTE = "utter_tool_note"


@dataclass(frozen=True)
class Reply:
    response: str
    variables: Dict[str, str] = field(default_factory=dict)


def summary(tool: Tool, kb: KnowledgeBase) -> Reply:
    category = kb.category(tool.category)
    variables = {
        "name": tool.name,
        "summary": tool.summary,
        "category": category.label if category else tool.category,
        "license": tool.license,
        "url": str(tool.url),
    }
    if not tool.open_source or tool.license == PROPRIETARY:
        return Reply(SUMMARY_CLOSED, variables)
    if tool.license == UNKNOWN:
        return Reply(SUMMARY_OPEN_UNCHECKED, variables)
    return Reply(SUMMARY_OPEN, variables)


def note(tool: Tool, kb: KnowledgeBase) -> Reply:
    """A one-line aside about a tool that a practice question named."""
    category = kb.category(tool.category)
    return Reply(TOOL_NOTE, {"name": tool.name, "summary": tool.summary,
                             "category": category.label if category else tool.category})


def details(tool: Tool) -> List[Reply]:
    """The long description, then what the seed talks said about the tool, with their source."""
    replies = [Reply(DETAILS, {"name": tool.name, "description": tool.description, "best_for": tool.best_for})]
    replies += [
        Reply(SEED_MENTION, {"name": tool.name, "source": m.source, "said": m.said})
        for m in tool.seed_mentions
    ]
    return replies


def not_found(query: str, candidates: Sequence[str]) -> Reply:
    if candidates:
        return Reply(UNKNOWN_WITH_SUGGESTIONS, {"query": query, "suggestions": ", ".join(candidates)})
    if query:
        return Reply(UNKNOWN_TOOL, {"query": query})
    return Reply(ASK_WHICH_TOOL)
