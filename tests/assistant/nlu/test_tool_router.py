"""assistant.nlu.tool_router: the NLU step that applies assistant/nlu/routing.py to parsed messages."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.tool_router import ToolRouter
from core.resolver import default_resolver


def parsed(
    text: str,
    intent: str,
    confidence: float,
    topic: Optional[str] = None,
    practice: float = 0.0,
    similarity: float = 1.0,
    ranking: Optional[List[Dict[str, Any]]] = None,
) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", ranking or [{"name": intent, "confidence": confidence}], add_to_output=True)
    message.set("entities", [], add_to_output=True)
    if topic:
        message.set(
            "response_selector",
            {
                "faq": {
                    "response": {
                        "intent_response_key": f"faq/{topic}",
                        "confidence": practice,
                        "similarity": similarity,
                    }
                }
            },
            add_to_output=True,
        )
    return message


def route(message: Message) -> Message:
    return ToolRouter(default_resolver()).process([message])[0]


def test_a_bare_tool_name_nlu_fell_back_on_becomes_a_tool_question():
    message = route(parsed("kserv?", "nlu_fallback", 0.4))
    assert message.get("intent") == {"name": "ask_tool_info", "confidence": 1.0, "routed_from": "nlu_fallback"}
    assert message.get("intent_ranking")[0] == {"name": "ask_tool_info", "confidence": 1.0}
    assert {"name": "nlu_fallback", "confidence": 0.4} in message.get("intent_ranking")


def test_a_tool_list_for_the_topics_job_carries_the_category_and_adds_no_entity_without_a_span():
    message = route(
        parsed(
            "tools for explaining why my model predicted what it did",
            "faq",
            0.9,
            topic="explainability",
            practice=0.9,
            similarity=0.7,
        )
    )
    assert message.get("intent")["name"] == "list_tools"
    assert message.get("intent")["category"] == "explainability"
    assert all("start" in e and "end" in e for e in message.get("entities"))  # rasa test nlu needs spans


def test_a_message_nlu_got_right_is_left_alone():
    message = route(
        parsed(
            "how do i detect data drift in production?", "faq", 0.95, topic="data_drift", practice=0.9, similarity=0.8
        )
    )
    assert message.get("intent") == {"name": "faq", "confidence": 0.95}


def test_button_payloads_are_never_rerouted():
    message = route(parsed('/choose_option{"option":"2"}', "choose_option", 1.0))
    assert message.get("intent") == {"name": "choose_option", "confidence": 1.0}


def test_names_are_read_as_written_and_the_tracker_keeps_what_the_user_wrote():
    # The speller reads "modelbit" as "modelkit", an alias of KitOps; the tool asked about is unknown.
    message = parsed("what is modelkit", "nlu_fallback", 0.3)
    message.set("text_as_written", "what is modelbit")
    route(message)
    assert message.get("text") == "what is modelbit"
    assert message.get("subjects") == {
        "focus": "what is modelkit",
        "written": "what is modelbit",
        "unnamed": "what is modelkit",
        "kind": None,
        "text": "what is modelkit",
        "tools": [],
        "context": [],
    }


def test_a_message_that_only_names_a_tool_asks_no_fact_whatever_the_attribute_classifier_read():
    message = parsed("lang chain??", "ask_tool_attribute", 0.8)
    message.set("attribute", {"name": "language", "confidence": 0.7}, add_to_output=True)  # "lang"
    assert route(message).get("attribute") is None
    message = parsed("is langchain managed only?", "ask_tool_attribute", 0.9)
    message.set("attribute", {"name": "hosting", "confidence": 0.9}, add_to_output=True)
    assert route(message).get("attribute") == {"name": "hosting", "confidence": 0.9}


def test_the_words_that_name_a_tool_ask_no_fact():
    # "lang" in "lang chian" is LangChain's, not "what language"; the question is what it is
    message = route(parsed("what is lang chian", "out_of_scope", 0.5))
    assert message.get("intent")["name"] == "ask_tool_info"
    assert message.get("subjects")["unnamed"].split() == ["what", "is"]
    message = route(parsed("is lang chain open source", "out_of_scope", 0.5))
    assert message.get("intent")["name"] == "ask_tool_attribute"
