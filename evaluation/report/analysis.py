"""What the tracker store's events say: pure functions over Rasa's event dicts, no Rasa, no database.

The events are the JSON Rasa 3.6 keeps in the `data` column of its `events` table. A *turn* is one
user message and everything the assistant did until the next one. What a turn got is read from the
response names Rasa records in each bot message's metadata (`utter_action`; a custom action's
variables are kept there too, e.g. the `query` of "I don't know a tool called ..."), from the slots
the actions set (`tools`, `last_question`, `shown_tools`, `requested_slot`) and from the form's
`active_loop` events.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz

from core import names

# Outcomes of a turn, in the order a turn with several is counted as the first (a failure outweighs
# an answer given beside it; an answer outweighs the form's next question asked after it).
UNKNOWN_TOOL = "unknown_tool"
DID_YOU_MEAN = "did_you_mean"
FALLBACK = "fallback"
OUT_OF_SCOPE = "out_of_scope"
PRACTICE = "practice"
TOOL = "tool"
REPHRASE = "rephrase"
FORM_QUESTION = "form_question"
SMALL_TALK = "small_talk"
UNAVAILABLE = "unavailable"
NO_ANSWER = "no_answer"
OUTCOMES = (
    UNKNOWN_TOOL,
    DID_YOU_MEAN,
    FALLBACK,
    OUT_OF_SCOPE,
    PRACTICE,
    TOOL,
    REPHRASE,
    FORM_QUESTION,
    SMALL_TALK,
    UNAVAILABLE,
    NO_ANSWER,
)
OUTCOME_LABELS = {
    UNKNOWN_TOOL: "unknown tool",
    DID_YOU_MEAN: "did you mean",
    FALLBACK: "didn't get that",
    OUT_OF_SCOPE: "out of scope",
    PRACTICE: "practice answer",
    TOOL: "tool answer",
    REPHRASE: "please rephrase",
    FORM_QUESTION: "recommendation question",
    SMALL_TALK: "small talk",
    UNAVAILABLE: "service unavailable",
    NO_ANSWER: "no answer",
}
ANSWERED = (PRACTICE, TOOL)
FAILED = (UNKNOWN_TOOL, DID_YOU_MEAN, FALLBACK, OUT_OF_SCOPE, REPHRASE)

# Response name -> outcome. Practice answers are `utter_faq/<topic>` and `utter_more_<topic>`; every
# other response of domain.yml is named here (tests/evaluation/report/test_analysis.py holds the
# domain to it, so a new response cannot go uncounted).
PRACTICE_PREFIXES = ("utter_faq/", "utter_more_")
RESPONSE_OUTCOMES: Dict[str, str] = {
    "utter_tool_unknown": UNKNOWN_TOOL,
    "utter_tool_did_you_mean": DID_YOU_MEAN,
    "utter_default": FALLBACK,
    "utter_out_of_scope": OUT_OF_SCOPE,
    # asks the user to say it again another way
    "utter_ask_which_tool": REPHRASE,
    "utter_ask_which_category": REPHRASE,
    "utter_compare_needs_two": REPHRASE,
    "utter_pick_a_number": REPHRASE,
    "utter_no_options_to_choose": REPHRASE,
    "utter_recommend_category_needed": REPHRASE,
    "utter_ask_recommend_category": FORM_QUESTION,
    "utter_ask_recommend_open_source": FORM_QUESTION,
    "utter_ask_recommend_hosting": FORM_QUESTION,
    "utter_greet": SMALL_TALK,
    "utter_goodbye": SMALL_TALK,
    "utter_thanks": SMALL_TALK,
    "utter_help": SMALL_TALK,
    "utter_iamabot": SMALL_TALK,
    "utter_ok_what_next": SMALL_TALK,
    "utter_deny_ok": SMALL_TALK,
    "utter_nothing_to_stop": SMALL_TALK,
    "utter_recommendation_stopped": SMALL_TALK,
    "utter_service_unavailable": UNAVAILABLE,
}
TOOL_PREFIXES = ("utter_tool_", "utter_compare_", "utter_recommendation")
TOOL_RESPONSES = ("utter_nothing_more",)

# Channel prefixes of conversation ids (assistant/channels/inbound.py); `rasa shell` sends through
# Rasa's own REST channel with an unprefixed id and records `cmdline` as the input channel.
CHANNELS = ("rest", "sms", "slack", "webchat")
SHELL = "shell"
LEGACY = "unknown/legacy"

FORM = "tool_recommendation_form"
FORM_SLOTS = (names.CATEGORY_SLOT, names.OPEN_SOURCE_SLOT, names.HOSTING_SLOT)
LOW_CONFIDENCE = 0.6
# The next message is a rephrasing when it resembles this one this much (rapidfuzz token_set_ratio)
# and comes within REPHRASE_SECONDS.
REPHRASE_SIMILARITY = 60
REPHRASE_SECONDS = 300
FALLBACK_INTENT = names.FALLBACK


def response_outcome(response: Optional[str]) -> str:
    """What a bot message with this response name is."""
    if not response:
        return NO_ANSWER
    if response.startswith(PRACTICE_PREFIXES):
        return PRACTICE
    if response in RESPONSE_OUTCOMES:
        return RESPONSE_OUTCOMES[response]
    if response.startswith(TOOL_PREFIXES) or response in TOOL_RESPONSES:
        return TOOL
    return NO_ANSWER


def channel_of(sender_id: str, input_channel: Optional[str] = None) -> str:
    """The channel a conversation id names: its prefix, `shell` for `rasa shell`, else legacy."""
    prefix, colon, _ = sender_id.partition(":")
    if colon and prefix in CHANNELS:
        return prefix
    if input_channel == "cmdline":
        return SHELL
    return LEGACY


def day_of(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


@dataclass
class Turn:
    """One user message and what followed it, up to the next user message."""

    sender_id: str
    conversation: int  # the session's number within the sender's events, from 0
    channel: str
    timestamp: float
    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    ranking: List[Tuple[str, float]] = field(default_factory=list)
    retrieval: Optional[str] = None  # "faq/<topic>" the response selector chose
    retrieval_confidence: Optional[float] = None
    bot: List[Dict[str, Any]] = field(default_factory=list)  # {"response", "metadata", "text", "timestamp"}
    actions: List[str] = field(default_factory=list)
    slots: List[Tuple[str, Any]] = field(default_factory=list)
    loops: List[Optional[str]] = field(default_factory=list)  # active_loop names, None = deactivated

    @property
    def responses(self) -> List[str]:
        return [m["response"] for m in self.bot if m["response"]]

    @property
    def outcome(self) -> str:
        found = {response_outcome(r) for r in self.responses}
        if not found and self.bot:
            found = {NO_ANSWER}
        return next((o for o in OUTCOMES if o in found), NO_ANSWER)

    @property
    def reply_seconds(self) -> Optional[float]:
        """From the user's message to the last bot message of the turn."""
        if not self.bot:
            return None
        return max(0.0, max(m["timestamp"] for m in self.bot) - self.timestamp)

    def slot(self, name: str) -> Any:
        """The last value this turn set `name` to, or None."""
        values = [v for n, v in self.slots if n == name]
        return values[-1] if values else None

    def sets(self, name: str) -> bool:
        return any(n == name for n, _ in self.slots)

    @property
    def is_payload(self) -> bool:
        return self.text.startswith("/")

    @property
    def day(self) -> str:
        return day_of(self.timestamp)


def turns_of(sender_id: str, events: Iterable[Dict[str, Any]]) -> List[Turn]:
    """The turns of one sender's events (in stored order); a `session_started` starts a new conversation."""
    turns: List[Turn] = []
    current: Optional[Turn] = None
    conversation = 0
    sessions = 0
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            sessions += 1
            conversation = max(0, sessions - 1)
            current = None
        elif kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            selected = ((parse.get("response_selector") or {}).get(names.FAQ) or {}).get("response") or {}
            current = Turn(
                sender_id=sender_id,
                conversation=conversation,
                channel=channel_of(sender_id, event.get("input_channel")),
                timestamp=float(event.get("timestamp") or 0.0),
                text=event.get("text") or "",
                intent=intent.get("name"),
                confidence=intent.get("confidence"),
                ranking=[
                    (r.get("full_retrieval_intent_name") or r.get("name"), float(r.get("confidence") or 0.0))
                    for r in parse.get("intent_ranking") or []
                    if r.get("name")
                ],
                retrieval=selected.get("intent_response_key"),
                retrieval_confidence=selected.get("confidence"),
            )
            turns.append(current)
        elif current is None:
            continue
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            current.bot.append(
                {
                    "response": metadata.get("utter_action"),
                    "metadata": metadata,
                    "text": event.get("text") or "",
                    "timestamp": float(event.get("timestamp") or current.timestamp),
                }
            )
        elif kind == "action":
            current.actions.append(event.get("name") or "")
        elif kind == "slot":
            current.slots.append((event.get("name") or "", event.get("value")))
        elif kind == "active_loop":
            current.loops.append(event.get("name"))
    return turns


# Masking and pseudonyms ---------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{5,}\d(?!\w)")
DIGITS = re.compile(r"\d{6,}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _phone_like(found: str) -> bool:
    """7 digits or more, written as a number is dialled: with a + or separators (a bare run is <number>)."""
    if DATE.fullmatch(found):
        return False
    return sum(c.isdigit() for c in found) >= 7 and (found.startswith("+") or not found.isdigit())


def mask(text: str) -> str:
    """The text with e-mail addresses, phone numbers and runs of 6 or more digits replaced."""
    text = EMAIL.sub("<email>", text)
    text = PHONE.sub(lambda m: "<phone>" if _phone_like(m.group()) else m.group(), text)
    return DIGITS.sub("<number>", text)


# Figures -------------------------------------------------------------------------------------------


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def volume(turns: Sequence[Turn]) -> Dict[str, Dict[str, Dict[str, int]]]:
    """Per day and channel: conversations (by the day of their first message), messages, users."""
    first: Dict[Tuple[str, int], Turn] = {}
    for turn in turns:
        first.setdefault((turn.sender_id, turn.conversation), turn)
    table: Dict[str, Dict[str, Dict[str, int]]] = {"conversations": {}, "messages": {}, "users": {}}
    users: Dict[Tuple[str, str], set] = defaultdict(set)
    for turn in turns:
        cell = table["messages"].setdefault(turn.day, {})
        cell[turn.channel] = cell.get(turn.channel, 0) + 1
        users[(turn.day, turn.channel)].add(turn.sender_id)
    for turn in first.values():
        cell = table["conversations"].setdefault(turn.day, {})
        cell[turn.channel] = cell.get(turn.channel, 0) + 1
    for (day, channel), senders in users.items():
        table["users"].setdefault(day, {})[channel] = len(senders)
    return {name: dict(sorted(days.items())) for name, days in table.items()}


def outcome_counts(turns: Sequence[Turn]) -> Dict[str, int]:
    counts = Counter(t.outcome for t in turns)
    return {o: counts.get(o, 0) for o in OUTCOMES}


def outcome_trend(turns: Sequence[Turn]) -> Dict[str, Dict[str, int]]:
    """Per day: the turns of each outcome."""
    days: Dict[str, Counter] = defaultdict(Counter)
    for turn in turns:
        days[turn.day][turn.outcome] += 1
    return {day: {o: days[day].get(o, 0) for o in OUTCOMES} for day in sorted(days)}


def practice_topics(turns: Sequence[Turn]) -> Counter:
    """Practice answers given, by topic (a turn counts once per topic; "tell me more" is not counted)."""
    topics: Counter = Counter()
    for turn in turns:
        topics.update({r.split("/", 1)[1] for r in turn.responses if r.startswith("utter_faq/")})
    return topics


def question_kind(turn: Turn) -> Optional[str]:
    """What a tool answer answered: info, attribute, compare, list, alternatives or recommend."""
    kind = turn.slot(names.LAST_QUESTION_SLOT)
    return str(kind).split(":", 1)[0] if kind else None


def tools_asked(turns: Sequence[Turn]) -> Counter:
    """Tools asked about: the `tools` slot a tool answer set (a turn counts each tool once)."""
    tools: Counter = Counter()
    for turn in turns:
        value = turn.slot(names.TOOLS_SLOT)
        if turn.outcome == TOOL and value and question_kind(turn) not in ("list", "recommend"):
            tools.update(set(value))
    return tools


def question_kinds(turns: Sequence[Turn]) -> Counter:
    return Counter(k for t in turns if t.outcome == TOOL and (k := question_kind(t)))


def categories_listed(turns: Sequence[Turn]) -> Counter:
    """Category lists given, by category (the `category` variable of the list responses)."""
    categories: Counter = Counter()
    for turn in turns:
        categories.update(
            {
                str(m["metadata"]["category"])
                for m in turn.bot
                if (m["response"] or "").startswith("utter_tool_list") and m["metadata"].get("category")
            }
        )
    return categories


def comparisons(turns: Sequence[Turn]) -> Counter:
    """Comparisons given: the tools compared, in alphabetical order."""
    pairs: Counter = Counter()
    for turn in turns:
        value = turn.slot(names.TOOLS_SLOT)
        if turn.outcome == TOOL and question_kind(turn) == "compare" and value and len(value) >= 2:
            pairs[" vs ".join(sorted(set(value), key=str.lower))] += 1
    return pairs


@dataclass
class Unknown:
    name: str
    count: int
    example: str


def unknown_tools(turns: Sequence[Turn]) -> List[Unknown]:
    """The names "I don't know a tool called X" was said of, most asked first, with a message each."""
    counts: Counter = Counter()
    shown: Dict[str, str] = {}
    examples: Dict[str, str] = {}
    for turn in turns:
        queries = {
            str(m["metadata"]["query"]).strip()
            for m in turn.bot
            if m["response"] == "utter_tool_unknown" and m["metadata"].get("query")
        }
        for query in queries:
            key = query.lower()
            counts[key] += 1
            shown.setdefault(key, query)
            examples.setdefault(key, turn.text)
    return [Unknown(shown[k], n, examples[k]) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass
class Offer:
    query: str
    options: List[str]
    taken: Optional[str]  # the option's name, or None
    text: str
    then: str  # "took option N", "asked something else", "left"


def _answered_tools(turn: Turn) -> List[str]:
    named = [str(m["metadata"]["name"]) for m in turn.bot if m["metadata"].get("name")]
    return list(turn.slot(names.TOOLS_SLOT) or []) + named


def did_you_mean(turns: Sequence[Turn]) -> List[Offer]:
    """Every "did you mean" offer, and what the user did next in the same conversation."""
    offers: List[Offer] = []
    for index, turn in enumerate(turns):
        message = next((m for m in turn.bot if m["response"] == "utter_tool_did_you_mean"), None)
        if message is None:
            continue
        options = [str(o) for o in turn.slot(names.SHOWN_SLOT) or []]
        following = turns[index + 1] if index + 1 < len(turns) else None
        same = following is not None and (following.sender_id, following.conversation) == (
            turn.sender_id,
            turn.conversation,
        )
        taken = None
        then = "left"
        if following is not None and same:
            then = "asked something else"
            answered = [o for o in _answered_tools(following) if o in options]  # by number, "yes" or its name
            if following.outcome == TOOL and answered:
                taken = answered[0]
                then = f"took option {options.index(taken) + 1}"
        offers.append(Offer(str(message["metadata"].get("query") or ""), options, taken, turn.text, then))
    return offers


@dataclass
class FormRun:
    started: int = 0
    finished: int = 0
    left: Counter = field(default_factory=Counter)  # at which question (slot name, or "-" before any)

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


def recommendation_form(conversations: Dict[Tuple[str, int], List[Turn]]) -> FormRun:
    """How often the form started, ended with a recommendation, or was left, and at which question."""
    run = FormRun()
    for turns in conversations.values():
        active, asked = False, "-"
        for turn in turns:
            for name, value in turn.slots:
                if name == "requested_slot" and value:
                    asked = str(value)
            if FORM in turn.loops and not active:
                active, asked = True, "-"
                run.started += 1
                for name, value in turn.slots:  # the question this turn asked
                    if name == "requested_slot" and value:
                        asked = str(value)
            if not active:
                continue
            if names.ACTION_RECOMMEND_TOOL in turn.actions:
                run.finished += 1
                active = False
            elif "action_deactivate_loop" in turn.actions or (None in turn.loops and FORM not in turn.loops[-1:]):
                run.left[asked] += 1
                active = False
        if active:
            run.left[asked] += 1
    return run


def by_conversation(turns: Sequence[Turn]) -> Dict[Tuple[str, int], List[Turn]]:
    grouped: Dict[Tuple[str, int], List[Turn]] = defaultdict(list)
    for turn in turns:
        grouped[(turn.sender_id, turn.conversation)].append(turn)
    return dict(grouped)


def conversation_lengths(conversations: Dict[Tuple[str, int], List[Turn]]) -> Counter:
    return Counter(len(t) for t in conversations.values())


def last_outcomes(conversations: Dict[Tuple[str, int], List[Turn]]) -> Counter:
    """How each conversation ended: the outcome of its last turn."""
    return Counter(t[-1].outcome for t in conversations.values() if t)


def reply_times(turns: Sequence[Turn]) -> List[float]:
    return sorted(s for t in turns if (s := t.reply_seconds) is not None)


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile (0-100) of sorted `values`, nearest rank."""
    if not values:
        return None
    rank = max(1, min(len(values), int(-(-q * len(values) // 100))))
    return values[rank - 1]


def median(values: Sequence[float]) -> Optional[float]:
    return statistics.median(values) if values else None


# The inbox -----------------------------------------------------------------------------------------


@dataclass
class InboxItem:
    turn: Turn
    reasons: List[str]
    label: str  # the intent (or `faq/<topic>`) to file the message under, a name the domain knows


def label_for(turn: Turn, domain_intents: Sequence[str]) -> Optional[str]:
    """The predicted intent as training data names it: `faq/<topic>` for a practice question, else the
    intent; when NLU fell back, the best-ranked intent the domain has. None when there is none."""
    candidates = [(turn.intent or "", turn.retrieval)] + [(name, name) for name, _ in turn.ranking]
    for name, full in candidates:
        base = name.split("/", 1)[0]
        if base == FALLBACK_INTENT or base not in domain_intents:
            continue
        if base != names.FAQ:
            return base
        full = full if full and full.startswith(names.FAQ + "/") else turn.retrieval
        if full and full.startswith(names.FAQ + "/"):
            return full
    return None


def rephrased(turn: Turn, following: Optional[Turn]) -> bool:
    """The next message of the conversation says the same again, in other words."""
    if following is None or (following.sender_id, following.conversation) != (turn.sender_id, turn.conversation):
        return False
    if following.timestamp - turn.timestamp > REPHRASE_SECONDS or following.is_payload:
        return False
    first, second = turn.text.lower().strip(), following.text.lower().strip()
    if first == second or len(first) < 4 or len(second) < 4:
        return False
    return fuzz.token_set_ratio(first, second) >= REPHRASE_SIMILARITY


def inbox(turns: Sequence[Turn], domain_intents: Sequence[str], low: float = LOW_CONFIDENCE) -> List[InboxItem]:
    """Messages worth a look: they fell back, were classified with low confidence, or the user said
    them again in other words next. Button payloads are left out."""
    items: List[InboxItem] = []
    for index, turn in enumerate(turns):
        if turn.is_payload or not turn.text.strip():
            continue
        reasons = []
        if turn.outcome == FALLBACK or turn.intent == FALLBACK_INTENT:
            reasons.append("fell back")
        confidence = turn.confidence
        if turn.intent == names.FAQ and turn.retrieval_confidence is not None:
            confidence = min(confidence or 1.0, turn.retrieval_confidence)
        if confidence is not None and confidence < low and turn.intent != FALLBACK_INTENT:
            reasons.append("low confidence")
        if rephrased(turn, turns[index + 1] if index + 1 < len(turns) else None):
            reasons.append("rephrased next")
        if not reasons:
            continue
        label = label_for(turn, domain_intents)
        if label is not None:
            items.append(InboxItem(turn, reasons, label))
    return items
