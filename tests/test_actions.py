"""The custom actions with real Tracker and CollectingDispatcher objects and the real base."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.actions import ActionNoteTools, ActionTellMeMore, ActionToolInfo
from actions.kb.resolver import default_resolver

DOMAIN_FILE = yaml.safe_load((Path(__file__).resolve().parents[1] / "domain.yml").read_text())
DOMAIN: Dict[str, Any] = {"responses": {"utter_more_data_drift": [{"text": "longer"}]}}


def user_event(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
               response_key: Optional[str] = None) -> Dict[str, Any]:
    parse: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    if response_key:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": response_key}}}
    return {"event": "user", "text": text, "parse_data": parse}


def make_tracker(events: List[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    return Tracker.from_dict({"sender_id": "test", "slots": slots or {}, "latest_message": latest,
                              "events": events, "paused": False, "followup_action": None,
                              "active_loop": {}, "latest_action_name": None})


def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def test_tool_info_from_the_entity():
    tracker = make_tracker([user_event("what is mlflow", "ask_tool_info", [{"entity": "tool", "value": "MLflow"}])])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["response"] for m in messages] == ["utter_tool_summary_open"]
    assert messages[0]["name"] == "MLflow" and messages[0]["license"] == "Apache-2.0"
    assert events == [SlotSet("tools", ["MLflow"])]


def test_tool_info_falls_back_to_the_whole_message_when_nlu_misses_the_entity():
    tracker = make_tracker([user_event("wats mlfow??", "ask_tool_info")])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert messages[0]["name"] == "MLflow"
    assert events == [SlotSet("tools", ["MLflow"])]


def test_tool_info_for_two_tools_answers_both_in_order():
    tracker = make_tracker([user_event("mlflow or wandb?", "ask_tool_info")])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["name"] for m in messages] == ["MLflow", "Weights & Biases"]
    assert events == [SlotSet("tools", ["MLflow", "Weights & Biases"])]


def test_commercial_tool_says_so():
    tracker = make_tracker([user_event("what is sagemaker", "ask_tool_info")])
    messages, _ = run(ActionToolInfo(default_resolver()), tracker)
    assert messages[0]["response"] == "utter_tool_summary_closed"


def test_unknown_tool_is_never_a_confident_answer():
    tracker = make_tracker([user_event("what is zorbulator", "ask_tool_info", [{"entity": "tool", "value": "zorbulator"}])])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["response"] for m in messages] == ["utter_tool_unknown"]
    assert messages[0]["query"] == "zorbulator"
    assert events == []


def test_near_miss_gets_suggestions():
    tracker = make_tracker([user_event("what is mlfluu", "ask_tool_info", [{"entity": "tool", "value": "mlfluu"}])])
    messages, _ = run(ActionToolInfo(default_resolver()), tracker)
    assert messages[0]["response"] == "utter_tool_unknown_with_suggestions"
    assert "MLflow" in messages[0]["suggestions"]


def test_no_tool_at_all_asks_which_one():
    tracker = make_tracker([user_event("what is it", "ask_tool_info")])
    messages, _ = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["response"] for m in messages] == ["utter_ask_which_tool"]


def test_tell_me_more_after_a_tool_gives_the_description():
    events = [user_event("what is dvc", "ask_tool_info"), {"event": "action", "name": "action_tool_info"},
              user_event("tell me more", "tell_me_more")]
    messages, _ = run(ActionTellMeMore(default_resolver()), make_tracker(events, {"tools": ["DVC"]}))
    assert messages[0]["response"] == "utter_tool_details"
    assert messages[0]["description"] == default_resolver().kb.find("DVC").description


def test_tell_me_more_after_a_practice_answer_gives_the_long_answer():
    events = [user_event("what is data drift", "faq", response_key="faq/data_drift"),
              {"event": "action", "name": "utter_faq"}, user_event("more", "tell_me_more")]
    messages, _ = run(ActionTellMeMore(default_resolver()), make_tracker(events))
    assert [m["response"] for m in messages] == ["utter_more_data_drift"]


def test_tell_me_more_with_nothing_before_says_so():
    messages, _ = run(ActionTellMeMore(default_resolver()), make_tracker([user_event("more", "tell_me_more")]))
    assert [m["response"] for m in messages] == ["utter_nothing_more"]


@pytest.mark.parametrize("action", [ActionToolInfo(), ActionTellMeMore(), ActionNoteTools()])
def test_actions_have_the_names_the_domain_lists(action):
    assert action.name() in DOMAIN_FILE["actions"]


def test_practice_question_naming_a_tool_gets_a_note_and_sets_the_slot():
    tracker = make_tracker([user_event("how do i track experiments with mlflow", "faq", response_key="faq/experiment_tracking")])
    messages, events = run(ActionNoteTools(default_resolver()), tracker)
    assert [(m["response"], m["name"]) for m in messages] == [("utter_tool_note", "MLflow")]
    assert events == [SlotSet("tools", ["MLflow"])]


def test_practice_question_without_a_tool_adds_nothing():
    tracker = make_tracker([user_event("what is data drift", "faq", response_key="faq/data_drift")])
    assert run(ActionNoteTools(default_resolver()), tracker) == ([], [])


def test_the_action_server_registers_exactly_the_domain_actions():
    executor = ActionExecutor()
    executor.register_package("actions.actions")
    assert sorted(executor.actions) == sorted(DOMAIN_FILE["actions"])
