"""Rasa's own events (rasa.shared.core.events), as the tracker store keeps them, for the report's tests."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

T0 = 1_796_600_000.0  # 2026-12-06


def user(
    text: str,
    intent: str,
    at: float,
    confidence: float = 0.95,
    retrieval: Optional[str] = None,
    retrieval_confidence: float = 0.9,
    ranking: Sequence[Tuple[str, float]] = (),
    channel: str = "rest",
) -> Dict[str, Any]:
    parse: Dict[str, Any] = {
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "text": text,
        "intent_ranking": [{"name": intent, "confidence": confidence}]
        + [{"name": n, "confidence": c} for n, c in ranking],
    }
    if retrieval:
        parse["intent"]["full_retrieval_intent_name"] = retrieval
        parse["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": retrieval, "confidence": retrieval_confidence}},
        }
    return UserUttered(text, parse_data=parse, input_channel=channel, timestamp=at).as_dict()


def bot(response: str, at: float, text: str = "", **variables: Any) -> Dict[str, Any]:
    return BotUttered(text or response, metadata={"utter_action": response, **variables}, timestamp=at).as_dict()


def action(name: str, at: float) -> Dict[str, Any]:
    return ActionExecuted(name, timestamp=at).as_dict()


def slot(name: str, value: Any, at: float) -> Dict[str, Any]:
    return SlotSet(name, value, timestamp=at).as_dict()


def loop(name: Optional[str], at: float) -> Dict[str, Any]:
    return ActiveLoop(name, timestamp=at).as_dict()


def session(at: float) -> List[Dict[str, Any]]:
    return [action("action_session_start", at), SessionStarted(timestamp=at).as_dict(), action("action_listen", at)]
