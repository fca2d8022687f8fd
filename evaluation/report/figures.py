"""Every figure of the report, as one JSON-able dict built from the events (pure)."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence

from evaluation.report import analysis as a

TOP = 20


def pseudonym(sender_id: str, key: bytes) -> str:
    """The channel and a keyed hash (HMAC-SHA256) of the sender id: stable for one key, not reversible."""
    channel = a.channel_of(sender_id)
    digest = hmac.new(key, sender_id.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:12]
    return f"{channel}:{digest}"


def _rounded(value: Optional[float], places: int = 3) -> Optional[float]:
    return None if value is None else round(value, places)


def build(
    events: Dict[str, List[Dict[str, Any]]],
    domain_intents: Sequence[str],
    key: bytes,
    aggregates_only: bool = False,
    low_confidence: float = a.LOW_CONFIDENCE,
) -> Dict[str, Any]:
    """The report's figures. Message texts are masked (`analysis.mask`), or left out with
    `aggregates_only`; sender ids appear only as pseudonyms."""
    turns: List[a.Turn] = []
    for sender_id, sender_events in events.items():
        turns.extend(a.turns_of(sender_id, sender_events))
    turns.sort(key=lambda t: (t.sender_id, t.conversation, t.timestamp))
    conversations = a.by_conversation(turns)

    def text(value: str) -> Optional[str]:
        return None if aggregates_only else a.mask(value)

    counts = a.outcome_counts(turns)
    total = len(turns)
    channels = sorted({t.channel for t in turns})
    replies = a.reply_times(turns)
    by_channel_replies = {c: a.reply_times([t for t in turns if t.channel == c]) for c in channels}
    form = a.recommendation_form(conversations)
    lasts = a.last_outcomes(conversations)
    items = a.inbox(turns, domain_intents, low_confidence)
    unknown = a.unknown_tools(turns)
    topics = a.practice_topics(turns)
    offers = a.did_you_mean(turns)
    return {
        "totals": {
            "conversations": len(conversations),
            "messages": total,
            "users": len({t.sender_id for t in turns}),
            "first": min((t.timestamp for t in turns), default=None),
            "last": max((t.timestamp for t in turns), default=None),
        },
        "channels": {
            c: {
                "conversations": sum(1 for k, v in conversations.items() if v[0].channel == c),
                "messages": sum(1 for t in turns if t.channel == c),
                "users": len({t.sender_id for t in turns if t.channel == c}),
            }
            for c in channels
        },
        "volume": a.volume(turns),
        "outcomes": counts,
        "outcome_shares": {o: _rounded(a.share(n, total)) for o, n in counts.items()},
        "answered_share": _rounded(a.share(sum(counts[o] for o in a.ANSWERED), total)),
        "failed_share": _rounded(a.share(sum(counts[o] for o in a.FAILED), total)),
        "outcome_trend": a.outcome_trend(turns),
        "practice_topics": dict(topics.most_common(TOP)),
        "practice_answers": sum(topics.values()),
        "tools": dict(a.tools_asked(turns).most_common(TOP)),
        "question_kinds": dict(a.question_kinds(turns).most_common()),
        "categories": dict(a.categories_listed(turns).most_common(TOP)),
        "comparisons": dict(a.comparisons(turns).most_common(TOP)),
        "unknown_tools": [{"name": a.mask(u.name), "count": u.count, "example": text(u.example)} for u in unknown],
        "did_you_mean": {
            "offers": len(offers),
            "taken": sum(1 for o in offers if o.taken),
            "then": dict(Counter(o.then for o in offers).most_common()),
            "rows": [
                {"query": a.mask(o.query), "options": o.options, "taken": o.taken, "then": o.then, "text": text(o.text)}
                for o in offers
            ],
        },
        "recommendation_form": {
            "started": form.started,
            "finished": form.finished,
            "left": form.left_total,
            "left_at": dict(form.left.most_common()),
        },
        "conversation_turns": {str(n): c for n, c in sorted(a.conversation_lengths(conversations).items())},
        "ended_after": dict(lasts.most_common()),
        "ended_after_fallback": lasts.get(a.FALLBACK, 0),
        "reply_seconds": {
            "count": len(replies),
            "median": _rounded(a.median(replies)),
            "p90": _rounded(a.percentile(replies, 90)),
            "p99": _rounded(a.percentile(replies, 99)),
            "max": _rounded(replies[-1] if replies else None),
            "by_channel": {
                c: {"median": _rounded(a.median(v)), "p90": _rounded(a.percentile(v, 90))}
                for c, v in by_channel_replies.items()
            },
            "values": [round(v, 4) for v in replies],
        },
        "inbox": [
            {
                "conversation": pseudonym(i.turn.sender_id, key),
                "text": text(i.turn.text),
                "label": i.label,
                "intent": i.turn.intent,
                "confidence": _rounded(i.turn.confidence),
                "outcome": i.turn.outcome,
                "reasons": i.reasons,
            }
            for i in items
        ],
        "inbox_reasons": dict(Counter(r for i in items for r in i.reasons).most_common()),
        "low_confidence": low_confidence,
    }
