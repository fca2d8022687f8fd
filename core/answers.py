"""Chooses which domain response answers a question about a tool, and with what variables.

Pure: it names responses (the text lives in domain.yml) and never writes English itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from core.advice import alternatives, best_known, is_open_source
from core.loader import KnowledgeBase
from core.message import Attribute, Constraints
from core.schema import UNKNOWN, Tool

SUMMARY_OPEN = "utter_tool_summary_open"
SUMMARY_OPEN_UNCHECKED = "utter_tool_summary_open_licence_unchecked"
SUMMARY_CLOSED = "utter_tool_summary_closed"
DETAILS = "utter_tool_details"
# Said after a tool's summary when the project is no longer what it was.
STATUS_MAINTENANCE = "utter_tool_status_maintenance"
STATUS_ARCHIVED = "utter_tool_status_archived"
STATUS_DISCONTINUED = "utter_tool_status_discontinued"
_STATUS_NOTES = {"maintenance": STATUS_MAINTENANCE, "archived": STATUS_ARCHIVED, "discontinued": STATUS_DISCONTINUED}
SEED_MENTION = "utter_tool_seed_mention"
UNKNOWN_TOOL = "utter_tool_unknown"
ASK_WHICH_TOOL = "utter_ask_which_tool"
NOTHING_MORE = "utter_nothing_more"
TOOL_NOTE = "utter_tool_note"
DID_YOU_MEAN = "utter_tool_did_you_mean"
IS_OPEN_SOURCE = "utter_tool_is_open_source"
IS_OPEN_SOURCE_UNCHECKED = "utter_tool_is_open_source_licence_unchecked"
IS_CLOSED = "utter_tool_is_closed"
IS_CLOSED_WITH_OPEN_ALTERNATIVES = "utter_tool_is_closed_with_open_alternatives"
LICENCE = "utter_tool_licence"
LICENCE_UNCHECKED = "utter_tool_licence_unchecked"
LICENCE_PROPRIETARY = "utter_tool_licence_proprietary"
LINK = "utter_tool_link"
CATEGORY = "utter_tool_category"
CATEGORY_WITH_SECONDARY = "utter_tool_category_with_secondary"
LANGUAGE = "utter_tool_language"
LANGUAGE_MANAGED = "utter_tool_language_managed_service"
# Where a tool runs, by its offering in the base.
HOSTING_LIBRARY = "utter_tool_hosting_library"
HOSTING_SELF_HOSTED = "utter_tool_hosting_self_hosted"
HOSTING_MANAGED = "utter_tool_hosting_managed"
HOSTING_BOTH = "utter_tool_hosting_both"
_HOSTING_BY_OFFERING = {
    "library": HOSTING_LIBRARY,
    "self-hosted": HOSTING_SELF_HOSTED,
    "managed": HOSTING_MANAGED,
    "self-hosted-and-managed": HOSTING_BOTH,
}
LIST = "utter_tool_list"
LIST_MORE_OFFER = "utter_tool_list_more_offer"
LIST_PAGE = "utter_tool_list_page"
LIST_OPEN_SOURCE = "utter_tool_list_open_source"
LIST_OPEN_SOURCE_NONE = "utter_tool_list_open_source_none"
OPEN_SOURCE_OF_THOSE = "utter_tool_list_open_source_of_those"
OPEN_SOURCE_NONE_OF_THOSE = "utter_tool_list_open_source_none_of_those"
THOSE_THAT_FIT = "utter_tool_list_those_that_fit"
NONE_OF_THOSE_FITS = "utter_tool_list_none_of_those_fits"
LIST_END = "utter_tool_list_end"
PICK_A_NUMBER = "utter_pick_a_number"
ASK_WHICH_CATEGORY = "utter_ask_which_category"
COMPARE_OPEN = "utter_compare_tool_open"
COMPARE_CLOSED = "utter_compare_tool_closed"
COMPARE_SAME_CATEGORY = "utter_compare_same_category"
COMPARE_SAME_CATEGORY_BEST_KNOWN = "utter_compare_same_category_best_known"
COMPARE_DIFFERENT_CATEGORIES = "utter_compare_different_categories"
COMPARE_NEEDS_TWO = "utter_compare_needs_two"
ALTERNATIVES = "utter_tool_alternatives"
ALTERNATIVES_WITH_CONSTRAINTS = "utter_tool_alternatives_with_constraints"
NO_ALTERNATIVES = "utter_tool_no_alternatives"
RECOMMEND_CATEGORY_NEEDED = "utter_recommend_category_needed"
RECOMMENDATION = "utter_recommendation"
RECOMMENDATION_ALONE = "utter_recommendation_alone"
RECOMMENDATION_NONE = "utter_recommendation_none"
NO_OPTIONS = "utter_no_options_to_choose"
OK_WHAT_NEXT = "utter_ok_what_next"
HELP = "utter_help"
# How practice answers' responses begin: the selected topic's answer (`utter_faq/<topic>`), its longer version.
_PRACTICE_ANSWERS = ("utter_faq/", "utter_more_")
# The responses an answer about a tool is made of: what it is, one fact, a comparison.
ABOUT_TOOLS = frozenset(
    {
        SUMMARY_OPEN,
        SUMMARY_OPEN_UNCHECKED,
        SUMMARY_CLOSED,
        IS_OPEN_SOURCE,
        IS_OPEN_SOURCE_UNCHECKED,
        IS_CLOSED,
        IS_CLOSED_WITH_OPEN_ALTERNATIVES,
        LICENCE,
        LICENCE_UNCHECKED,
        LICENCE_PROPRIETARY,
        LINK,
        CATEGORY,
        CATEGORY_WITH_SECONDARY,
        LANGUAGE,
        LANGUAGE_MANAGED,
        HOSTING_LIBRARY,
        HOSTING_SELF_HOSTED,
        HOSTING_MANAGED,
        HOSTING_BOTH,
        COMPARE_OPEN,
        COMPARE_CLOSED,
        COMPARE_SAME_CATEGORY,
        COMPARE_SAME_CATEGORY_BEST_KNOWN,
        COMPARE_DIFFERENT_CATEGORIES,
        COMPARE_NEEDS_TWO,
    }
)


def practice_answer(topic: str) -> str:
    """The response of a practice topic's answer."""
    return _PRACTICE_ANSWERS[0] + topic


def longer_practice_answer(topic: str) -> str:
    """The response of a practice topic's longer answer ("tell me more")."""
    return _PRACTICE_ANSWERS[1] + topic


def practice_topic(response: str) -> Optional[str]:
    """The topic a practice answer's response (or its longer version's) is about; None for any other."""
    prefix = next((p for p in _PRACTICE_ANSWERS if response.startswith(p)), None)
    return response[len(prefix) :] if prefix is not None else None


OFFERING_LABELS = {
    "library": "library",
    "self-hosted": "self-hosted",
    "managed": "managed service",
    "self-hosted-and-managed": "self-hosted or managed",
}
ANY = "any"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    response: str
    variables: Dict[str, str] = field(default_factory=dict)
    buttons: Sequence[Button] = ()


def numbered(names: Sequence[str], start: int = 1) -> str:
    """ "1) MLflow, 2) Weights & Biases": options a user can pick by number on any channel."""
    return ", ".join(f"{i}) {name}" for i, name in enumerate(names, start))


def option_buttons(names: Sequence[str]) -> List[Button]:
    """One button per option; its payload picks the option the way a typed "2" does."""
    return [Button(name, f'/choose_option{{"option":"{i}"}}') for i, name in enumerate(names, 1)]


def _category_label(kb: KnowledgeBase, category_id: str) -> str:
    category = kb.category(category_id)
    return category.label if category else category_id


def summary(tool: Tool, kb: KnowledgeBase) -> Reply:
    variables = {
        "name": tool.name,
        "summary": tool.summary,
        "category": _category_label(kb, tool.category),
        "license": tool.license,
        "url": str(tool.url),
    }
    if not is_open_source(tool):
        return Reply(SUMMARY_CLOSED, variables)
    if tool.license == UNKNOWN:
        return Reply(SUMMARY_OPEN_UNCHECKED, variables)
    return Reply(SUMMARY_OPEN, variables)


def status_note(tool: Tool) -> List[Reply]:
    """A line saying the tool is in maintenance, archived or discontinued; nothing for an active one."""
    response = _STATUS_NOTES.get(tool.status)
    return [Reply(response, {"name": tool.name})] if response else []


def note(tool: Tool, kb: KnowledgeBase) -> Reply:
    """A one-line aside about a tool that a practice question named."""
    return Reply(
        TOOL_NOTE, {"name": tool.name, "summary": tool.summary, "category": _category_label(kb, tool.category)}
    )


def details(tool: Tool) -> List[Reply]:
    """The long description, then what the seed talks said about the tool, with their source."""
    replies = [Reply(DETAILS, {"name": tool.name, "description": tool.description, "best_for": tool.best_for})]
    replies += [
        Reply(SEED_MENTION, {"name": tool.name, "source": m.source, "said": m.said}) for m in tool.seed_mentions
    ]
    return replies


def not_found(query: str, candidates: Sequence[str]) -> Reply:
    """An honest "I don't know": the closest names as numbered choices, or a request for a name."""
    if candidates:
        return Reply(DID_YOU_MEAN, {"query": query, "options": numbered(candidates)}, option_buttons(candidates))
    if query:
        return Reply(UNKNOWN_TOOL, {"query": query})
    return Reply(ASK_WHICH_TOOL)


def attribute(tool: Tool, asked: Attribute, kb: KnowledgeBase) -> Reply:
    """One fact about a tool: open source or not, licence, link, category, language or where it runs."""
    variables = {
        "name": tool.name,
        "license": tool.license,
        "url": str(tool.url),
        "category": _category_label(kb, tool.category),
        "language": tool.language,
    }
    if asked is Attribute.OPEN_SOURCE:
        if not is_open_source(tool):
            open_ones = [t.name for t in alternatives(kb, tool, Constraints(open_source=True))[:3]]
            if open_ones:
                return Reply(IS_CLOSED_WITH_OPEN_ALTERNATIVES, {**variables, "alternatives": ", ".join(open_ones)})
            return Reply(IS_CLOSED, variables)
        return Reply(IS_OPEN_SOURCE_UNCHECKED if tool.license == UNKNOWN else IS_OPEN_SOURCE, variables)
    if asked is Attribute.LICENCE:
        if not is_open_source(tool):
            return Reply(LICENCE_PROPRIETARY, variables)
        return Reply(LICENCE_UNCHECKED if tool.license == UNKNOWN else LICENCE, variables)
    if asked is Attribute.LINK:
        return Reply(LINK, variables)
    if asked is Attribute.CATEGORY:
        if tool.secondary_categories:
            also = ", ".join(_category_label(kb, c) for c in tool.secondary_categories)
            return Reply(CATEGORY_WITH_SECONDARY, {**variables, "also": also})
        return Reply(CATEGORY, variables)
    if asked is Attribute.HOSTING:
        return Reply(_HOSTING_BY_OFFERING[tool.offering], variables)
    if tool.language.lower() == "n/a":
        return Reply(LANGUAGE_MANAGED, variables)
    return Reply(LANGUAGE, variables)


def tool_list(kb: KnowledgeBase, category_id: str, shown: Sequence[Tool], first: int, total: int) -> List[Reply]:
    """A page of a category's tools, numbered from `first`, and an offer of more if any remain."""
    names = [t.name for t in shown]
    replies = [
        Reply(
            LIST,
            {"category": _category_label(kb, category_id), "count": str(total), "items": numbered(names, first)},
            option_buttons(names) if first == 1 else (),
        )
    ]
    remaining = total - (first - 1) - len(shown)
    if remaining > 0:
        replies.append(Reply(LIST_MORE_OFFER, {"remaining": str(remaining)}))
    return replies


def _offering_more(first_page: Reply, shown: int, total: int) -> List[Reply]:
    """A list's first page, and an offer of the rest when some remain."""
    if total > shown:
        return [first_page, Reply(LIST_MORE_OFFER, {"remaining": str(total - shown)})]
    return [first_page]


def open_source_list(kb: KnowledgeBase, category_id: str, shown: Sequence[Tool], total: int) -> List[Reply]:
    """A category's open-source tools, numbered, and an offer of more if any remain."""
    label = _category_label(kb, category_id)
    if not shown:
        return [Reply(LIST_OPEN_SOURCE_NONE, {"category": label})]
    names = [t.name for t in shown]
    return _offering_more(
        Reply(
            LIST_OPEN_SOURCE, {"category": label, "count": str(total), "items": numbered(names)}, option_buttons(names)
        ),
        len(shown),
        total,
    )


def open_source_of_those(shown: Sequence[Tool], total: int) -> List[Reply]:
    """ "Which of those are open source?": the open-source ones of the list just shown."""
    if not shown:
        return [Reply(OPEN_SOURCE_NONE_OF_THOSE)]
    names = [t.name for t in shown]
    return _offering_more(
        Reply(
            OPEN_SOURCE_OF_THOSE,
            {"count": str(total), "items": numbered(names), "constraints": "open-source"},
            option_buttons(names),
        ),
        len(shown),
        total,
    )


def those_that_fit(shown: Sequence[Tool], total: int, wanted: Constraints) -> List[Reply]:
    """ "Which of those can we host ourselves?": the ones of the list just shown that meet the
    requirements (open source alone has replies of its own)."""
    if wanted.open_source is True and wanted.hosting is None:
        return open_source_of_those(shown, total)
    labels = ", ".join(wanted.labels)
    if not shown:
        return [Reply(NONE_OF_THOSE_FITS, {"constraints": labels})]
    names = [t.name for t in shown]
    return _offering_more(
        Reply(
            OPEN_SOURCE_OF_THOSE if wanted.open_source else THOSE_THAT_FIT,
            {"count": str(total), "items": numbered(names), "constraints": labels},
            option_buttons(names),
        ),
        len(shown),
        total,
    )


def next_page(shown: Sequence[Tool], first: int, remaining: int) -> List[Reply]:
    """The next page of the last list, numbered on from where it stopped."""
    replies = [Reply(LIST_PAGE, {"items": numbered([t.name for t in shown], first)})]
    replies.append(Reply(LIST_MORE_OFFER, {"remaining": str(remaining)}) if remaining > 0 else Reply(LIST_END))
    return replies


def pick_a_number(option_count: int) -> Reply:
    return Reply(PICK_A_NUMBER, {"count": str(option_count)})


def comparison(tools: Sequence[Tool], kb: KnowledgeBase) -> List[Reply]:
    """Side by side: one line per tool (category, licence, offering, when to pick it), then a verdict."""
    replies = []
    for tool in tools:
        variables = {
            "name": tool.name,
            "category": _category_label(kb, tool.category),
            "license": tool.license,
            "offering": OFFERING_LABELS[tool.offering],
            "best_for": tool.best_for,
        }
        replies.append(Reply(COMPARE_OPEN if is_open_source(tool) else COMPARE_CLOSED, variables))
        replies += [r for r in status_note(tool) if tool.retired]
    categories = {t.category for t in tools}
    if len(categories) > 1:
        labels = " / ".join(_category_label(kb, t.category) for t in tools)
        replies.append(Reply(COMPARE_DIFFERENT_CATEGORIES, {"categories": labels}))
    else:
        winner = best_known(list(tools))
        category = _category_label(kb, tools[0].category)
        if winner is not None:
            replies.append(Reply(COMPARE_SAME_CATEGORY_BEST_KNOWN, {"category": category, "name": winner.name}))
        else:
            replies.append(Reply(COMPARE_SAME_CATEGORY, {"category": category}))
    return replies


def alternatives_list(tool: Tool, shown: Sequence[Tool], wanted: Constraints) -> Reply:
    names = [t.name for t in shown]
    variables = {"name": tool.name, "items": numbered(names), "constraints": ", ".join(wanted.labels)}
    if not names:
        return Reply(NO_ALTERNATIVES, variables)
    return Reply(ALTERNATIVES_WITH_CONSTRAINTS if wanted.labels else ALTERNATIVES, variables, option_buttons(names))


def recommendation(kb: KnowledgeBase, category_id: str, ranked: Sequence[Tool], wanted: Constraints) -> Reply:
    """The top pick with its reason, and the runners-up as numbered options."""
    variables = {"category": _category_label(kb, category_id), "constraints": ", ".join(wanted.labels) or ANY}
    if not ranked:
        return Reply(RECOMMENDATION_NONE, variables)
    top, others = ranked[0], [t.name for t in ranked[1:3]]
    variables.update(name=top.name, best_for=top.best_for, others=numbered(others, 2))
    return Reply(RECOMMENDATION if others else RECOMMENDATION_ALONE, variables, option_buttons([top.name, *others]))
