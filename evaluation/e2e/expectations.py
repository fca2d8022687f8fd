"""Judges one turn of an end-to-end conversation: did the reply do what the case expects?

Pure: a turn's reply is the list of bot messages the tracker recorded for it (Rasa stores the
response name as `utter_action` in each bot event's metadata, with the variables a custom action
filled in), so the judgement reads which answer was given and about what, never the wording. The
vocabulary is the one the case writers had (tests/data/e2e/WRITERS.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

SUMMARIES = ("utter_tool_summary_open", "utter_tool_summary_open_licence_unchecked", "utter_tool_summary_closed")
ATTRIBUTES = {
    "open_source": (
        "utter_tool_is_open_source",
        "utter_tool_is_open_source_licence_unchecked",
        "utter_tool_is_closed",
        "utter_tool_is_closed_with_open_alternatives",
    ),
    "licence": ("utter_tool_licence", "utter_tool_licence_unchecked", "utter_tool_licence_proprietary"),
    "link": ("utter_tool_link",),
    "category": ("utter_tool_category", "utter_tool_category_with_secondary"),
    "language": ("utter_tool_language", "utter_tool_language_managed_service"),
    "hosting": (
        "utter_tool_hosting_library",
        "utter_tool_hosting_self_hosted",
        "utter_tool_hosting_managed",
        "utter_tool_hosting_both",
    ),
}
LISTS = ("utter_tool_list",)
OPEN_SOURCE_CATEGORY_LISTS = ("utter_tool_list_open_source", "utter_tool_list_open_source_none")
OPEN_SOURCE_OF_THOSE = ("utter_tool_list_open_source_of_those", "utter_tool_list_open_source_none_of_those")
OPEN_SOURCE_LISTS = OPEN_SOURCE_CATEGORY_LISTS + OPEN_SOURCE_OF_THOSE
NEXT_PAGES = ("utter_tool_list_page",)
COMPARISONS = ("utter_compare_tool_open", "utter_compare_tool_closed")
# "No, X is commercial. Open-source alternatives: A, B" answers "is there an open-source X?" too.
ALTERNATIVES = (
    "utter_tool_alternatives",
    "utter_tool_alternatives_with_constraints",
    "utter_tool_no_alternatives",
    "utter_tool_is_closed_with_open_alternatives",
)
UNKNOWN = ("utter_tool_unknown",)
DID_YOU_MEAN = ("utter_tool_did_you_mean",)
FORM_QUESTIONS = ("utter_ask_recommend_category", "utter_ask_recommend_open_source", "utter_ask_recommend_hosting")
RECOMMENDATIONS = ("utter_recommendation", "utter_recommendation_alone", "utter_recommendation_none")
SMALL_TALK = {
    "greet": ("utter_greet",),
    "goodbye": ("utter_goodbye",),
    "thanks": ("utter_thanks",),
    "help": ("utter_help",),
    "bot_challenge": ("utter_iamabot",),
    "decline": ("utter_out_of_scope", "utter_default"),
}
DECLINES = SMALL_TALK["decline"]
# Answers that claim something about a tool or a practice: never right for an unknown name or off-topic chat.
ANSWERS = (
    SUMMARIES
    + tuple(r for group in ATTRIBUTES.values() for r in group)
    + LISTS
    + OPEN_SOURCE_LISTS
    + COMPARISONS
    + ALTERNATIVES
    + RECOMMENDATIONS
    + ("utter_tool_note", "utter_tool_details")
)


@dataclass(frozen=True)
class BotMessage:
    response: Optional[str]  # the domain response's name, None for a message without one
    variables: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    buttons: Tuple[str, ...] = ()  # button titles, in order

    @property
    def is_answer(self) -> bool:
        return self.response in ANSWERS or (self.response or "").startswith(("utter_faq/", "utter_more_"))


@dataclass(frozen=True)
class Context:
    """What a judgement needs besides the reply: the numbered options shown before this turn,
    and each category's label (list answers name the label)."""

    options: Sequence[str] = ()
    category_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str = ""


def _names(reply: Sequence[BotMessage], responses: Sequence[str]) -> List[str]:
    return [str(m.variables.get("name", "")) for m in reply if m.response in responses]


def _same(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def _has(reply: Sequence[BotMessage], responses: Sequence[str], name: Optional[str] = None) -> bool:
    return any(
        m.response in responses and (name is None or _same(str(m.variables.get("name", "")), name)) for m in reply
    )


def _categories(reply: Sequence[BotMessage], responses: Sequence[str], wanted: Sequence[str], context: Context) -> bool:
    labels = {context.category_labels.get(c, c).lower() for c in wanted}
    return any(m.response in responses and str(m.variables.get("category", "")).lower() in labels for m in reply)


def _as_list(value: Any) -> List[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _typed_name_matches(query: str, typed: str) -> bool:
    query, typed = query.strip().lower(), typed.strip().lower()
    return bool(query) and (typed in query or query in typed)


def _check(expect: Mapping[str, Any], reply: Sequence[BotMessage], context: Context) -> bool:
    ((key, value),) = expect.items()
    checks: Dict[str, Callable[[], bool]] = {
        "practice": lambda: any(m.response in {f"utter_faq/{t}" for t in _as_list(value)} for m in reply),
        "more_practice": lambda: any(m.response in {f"utter_more_{t}" for t in _as_list(value)} for m in reply),
        "tool": lambda: _has(reply, SUMMARIES, str(value)),
        "tools": lambda: all(_has(reply, SUMMARIES, name) for name in _as_list(value)),
        "attribute": lambda: _has(reply, ATTRIBUTES[value["asks"]], value["tool"]),
        "list": lambda: _categories(reply, LISTS, _as_list(value), context),
        "list_open_source": lambda: (
            _categories(reply, OPEN_SOURCE_CATEGORY_LISTS, _as_list(value), context)
            or _has(reply, OPEN_SOURCE_OF_THOSE)
        ),
        "next_page": lambda: _has(reply, NEXT_PAGES),
        "compare": lambda: all(_has(reply, COMPARISONS, name) for name in _as_list(value)),
        "alternatives": lambda: _has(reply, ALTERNATIVES, str(value)),
        "unknown": lambda: (
            any(
                m.response in UNKNOWN + DID_YOU_MEAN
                and _typed_name_matches(str(m.variables.get("query", "")), str(value))
                for m in reply
            )
            and not any(m.is_answer for m in reply)
        ),
        "did_you_mean": lambda: any(
            m.response in DID_YOU_MEAN and any(_same(b, n) for b in m.buttons for n in _as_list(value)) for m in reply
        ),
        "recommend_question": lambda: _has(reply, FORM_QUESTIONS),
        "recommendation": lambda: _categories(reply, RECOMMENDATIONS, _as_list(value), context),
        "smalltalk": lambda: (
            any(m.response in SMALL_TALK[kind] for kind in _as_list(value) for m in reply)
            and not any(m.is_answer for m in reply)
        ),
        "out_of_scope": lambda: any(m.response in DECLINES for m in reply) and not any(m.is_answer for m in reply),
        "tool_from_list": lambda: (
            0 < int(value) <= len(context.options) and _has(reply, SUMMARIES, context.options[int(value) - 1])
        ),
        "any": lambda: any(_check(e, reply, context) for e in value),
        "all": lambda: all(_check(e, reply, context) for e in value),
    }
    if key not in checks:
        raise ValueError(f"unknown expectation {key!r}")
    return checks[key]()


def judge(expect: Mapping[str, Any], reply: Sequence[BotMessage], context: Context = Context()) -> Verdict:
    """Whether `reply` meets `expect` (one key of the writers' vocabulary); the reason when not."""
    if not reply:
        return Verdict(False, "no reply")
    if _check(expect, reply, context):
        return Verdict(True)
    return Verdict(False, "got " + "; ".join(describe(m) for m in reply))


def describe(message: BotMessage) -> str:
    """A short account of one bot message for failure reports: response and what it was about."""
    about = [str(message.variables[k]) for k in ("name", "category", "query") if message.variables.get(k)]
    return f"{message.response or 'text'}({', '.join(about)})" if about else (message.response or message.text[:60])


def options_after(reply: Sequence[BotMessage], before: Sequence[str]) -> Sequence[str]:
    """The numbered options a user can pick from after this reply: the newest message's buttons."""
    for message in reversed(reply):
        if message.buttons and message.response not in FORM_QUESTIONS:
            return message.buttons
    return before
