"""assistant.nlu.tool_router: the NLU step that applies assistant/nlu/routing.py to parsed messages."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.routing import ANSWERED_PRACTICE, ANSWERED_TOOL, Conversation
from assistant.nlu.tool_router import ToolRouter, conversation_of
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
        "places": [],
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


def test_the_tools_the_asker_says_they_use_become_own_tool_entities():
    message = route(
        parsed(
            "we version our datasets with DVC today. a colleague mentioned lakeFS, what is that?", "ask_tool_info", 0.9
        )
    )
    own = [e for e in message.get("entities") if e["entity"] == "own_tool"]
    assert [e["value"] for e in own] == ["DVC"]
    assert message.get("text")[own[0]["start"] : own[0]["end"]] == "DVC"  # a span, as Rasa's entities have
    pitched = route(parsed("a new hire keeps pitching Prefect and Dagster. what is dagster?", "ask_tool_info", 0.9))
    assert not [e for e in pitched.get("entities") if e["entity"] == "own_tool"]


def test_a_question_about_a_name_the_background_gave_reads_the_whole_message():
    text = "a vendor pitched us something called FeatureVault yesterday. is that similar? what is it?"
    message = route(parsed(text, "ask_tool_info", 0.8))
    assert message.get("subjects")["focus"] == text


def test_a_request_for_tools_whose_it_is_its_own_ignores_the_backgrounds_tools():
    text = (
        "We're a small health-tech startup, five engineers, everything on AWS. We have a model that predicts "
        "no-shows and it has been live for four months. Nobody watches it. What kinds of tools would let us keep "
        "an eye on a model once it's in production?"
    )
    message = route(parsed(text, "faq", 0.94, topic="monitoring", practice=0.76))
    assert message.get("intent")["name"] == "list_tools"
    assert message.get("intent").get("category") == "monitoring"


def test_the_one_question_of_a_short_message_decides_the_tools_when_it_names_its_own():
    text = "My colleague talk about Kueue and Volcano for our GPU cluster. First, what is Kueue?"
    subjects = route(parsed(text, "ask_tool_info", 0.9)).get("subjects")
    assert subjects["focus"] == "First, what is Kueue?" and subjects["tools"] == ["Kueue"]
    assert subjects["context"] == ["Volcano"]


def test_a_question_that_names_no_tool_of_its_own_keeps_the_whole_message():
    text = "We use MLflow for tracking at work. Is it free?"
    assert route(parsed(text, "ask_tool_attribute", 0.9)).get("subjects")["focus"] == text


def _tracker(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("someone", [ActionExecuted("action_listen"), *events])


def test_the_conversation_is_read_from_the_tools_slot_and_the_first_message_of_the_last_answer():
    after_a_tool = _tracker(
        UserUttered("tell me about CVAT"),
        BotUttered("CVAT is ...", metadata={"utter_action": "utter_tool_summary_open"}),
        SlotSet("tools", ["CVAT"]),
    )
    assert conversation_of(after_a_tool) == Conversation(("CVAT",), ANSWERED_TOOL)
    after_practice_and_a_note = _tracker(
        UserUttered("how do I track experiments with mlflow"),
        BotUttered("Log every run ...", metadata={"utter_action": "utter_faq/experiment_tracking"}),
        BotUttered("MLflow is ...", metadata={"utter_action": "utter_tool_note"}),
    )
    assert conversation_of(after_practice_and_a_note).last_answer == ANSWERED_PRACTICE
    assert conversation_of(None) == Conversation()
    assert conversation_of(_tracker(UserUttered("hi"))).last_answer == ""


def test_a_fact_the_attribute_classifier_is_sure_of_is_asked_of_the_tool_just_answered_about():
    message = parsed(
        "Given what I said about our data, can we run that inside our own walls?",
        "faq",
        0.66,
        "local_vs_remote_deployment",
        0.2,
    )
    message.set("attribute", {"name": "hosting", "confidence": 0.91}, add_to_output=True)
    tracker = _tracker(
        UserUttered("Tell me about CVAT."),
        BotUttered("CVAT is ...", metadata={"utter_action": "utter_tool_summary_open"}),
        SlotSet("tools", ["CVAT"]),
    )
    assert ToolRouter(default_resolver()).process([message], tracker)[0].get("intent")["name"] == "ask_tool_attribute"
    fresh = parsed(
        "Given what I said about our data, can we run that inside our own walls?",
        "faq",
        0.66,
        "local_vs_remote_deployment",
        0.2,
    )
    fresh.set("attribute", {"name": "hosting", "confidence": 0.91}, add_to_output=True)
    assert ToolRouter(default_resolver()).process([fresh])[0].get("intent")["name"] == "faq"  # no tool discussed


def test_a_how_question_heard_as_help_after_a_practice_answer_is_the_practice_the_selector_is_sure_of():
    tracker = _tracker(
        UserUttered("what is mlops"),
        BotUttered("MLOps is ...", metadata={"utter_action": "utter_more_what_is_mlops"}),
    )
    message = parsed("how do i learn it", "help", 0.71, "learning_mlops", 0.89)
    assert ToolRouter(default_resolver()).process([message], tracker)[0].get("intent")["name"] == "faq"
    alone = parsed("how do i learn it", "help", 0.71, "learning_mlops", 0.89)
    assert ToolRouter(default_resolver()).process([alone])[0].get("intent")["name"] == "help"


def _after_a_practice_answer(topic: str = "canary_release") -> DialogueStateTracker:
    return _tracker(
        UserUttered("how do we try a new model on a few users first?"),
        BotUttered("Release it to a small share ...", metadata={"utter_action": f"utter_faq/{topic}"}),
        SlotSet("topic", topic),
    )


def test_a_vague_question_right_after_a_practice_answer_gets_the_topic_the_selector_reads():
    def vague() -> Message:  # too vague alone to resemble one practice question closely
        message = parsed("and if it goes badly, how do we undo that fast?", "faq", 0.95, "model_rollback", 0.2, 0.4)
        message.get("response_selector")["faq"]["response"]["contrast_similarity"] = 0.27
        return message

    router = ToolRouter(default_resolver())
    assert router.process([vague()], _after_a_practice_answer())[0].get("intent")["name"] == "faq"
    assert router.process([vague()])[0].get("intent")["name"] == "nlu_fallback"  # alone: a guess
    nearer_off_topic = vague()
    nearer_off_topic.get("response_selector")["faq"]["response"]["contrast_similarity"] = 0.6
    routed = router.process([nearer_off_topic], _after_a_practice_answer())[0].get("intent")["name"]
    assert routed != "faq"  # nearer an off-topic example than any practice question: not carried on
    more = parsed("fine. tell me more, I need ammo for the next meeting", "faq", 0.9, "model_rollback", 0.2, 0.4)
    assert router.process([more], _after_a_practice_answer())[0].get("intent")["name"] == "tell_me_more"
    statement = parsed("we roll out on fridays", "faq", 0.95, "model_rollback", 0.2, 0.4)
    assert router.process([statement], _after_a_practice_answer())[0].get("intent")["name"] != "faq"  # asks nothing


def test_a_request_for_tools_pointing_back_after_a_practice_answer_lists_that_topics_tools():
    def request() -> Message:
        message = parsed(
            "is there software that checks that automatically before the training job runs?",
            "list_tools",
            0.9,
            "testing_data",
            0.3,
        )
        message.set("job", {"category": "orchestration", "similarity": 0.58, "share": 0.42}, add_to_output=True)
        return message

    router = ToolRouter(default_resolver())
    in_context = router.process([request()], _after_a_practice_answer("testing_data"))[0].get("intent")
    assert "category" not in in_context  # the action lists the last answer's topic's tools
    alone = router.process([request()])[0].get("intent")
    assert alone.get("category") == "orchestration"  # the job its words describe


def test_a_tool_described_instead_of_named_is_the_one_the_conversation_holds_that_fits():
    # "Tutorials mention both Kubeflow and Kubeflow Pipelines. What is Kubeflow?" answered
    tracker = _tracker(
        UserUttered(
            "Tutorials mention both Kubeflow and Kubeflow Pipelines. What is Kubeflow?",
            parse_data={"subjects": {"context": ["Kubeflow Pipelines"]}},
        ),
        BotUttered("Kubeflow is ...", metadata={"utter_action": "utter_tool_summary_open"}),
        SlotSet("tools", ["Kubeflow"]),
    )
    router = ToolRouter(default_resolver())
    message = router.process([parsed("and the pipelines one?", "faq", 0.82, "orchestration", 0.32)], tracker)[0]
    assert message.get("intent")["name"] == "what_about"
    assert message.get("subjects")["written"] == "and Kubeflow Pipelines?"
    assert message.get("text") == "and the pipelines one?"  # the tracker keeps what the user wrote
    alone = router.process([parsed("and the pipelines one?", "faq", 0.82, "orchestration", 0.32)])[0]
    assert alone.get("subjects")["written"] == "and the pipelines one?"  # nothing held: nothing to pick


def test_a_platform_named_as_where_it_runs_is_not_the_tool_asked_about():
    router = ToolRouter(default_resolver())
    text = "we serve our models with Seldon Core on our k8s cluster. what is it exactly under the hood?"
    message = router.process([parsed(text, "ask_tool_info", 0.94)])[0]
    assert message.get("subjects")["places"] == ["Kubernetes"]
    assert "Kubernetes" not in message.get("subjects")["context"]
