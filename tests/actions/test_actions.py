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

from actions.actions import (
    ActionChooseOption,
    ActionCompareTools,
    ActionListTools,
    ActionNoteTools,
    ActionRecommendTool,
    ActionTellMeMore,
    ActionToolAlternatives,
    ActionToolAttribute,
    ActionToolInfo,
    ActionWhatAbout,
    ValidateToolRecommendationForm,
)
from core.resolver import default_resolver

DOMAIN_FILE = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
# An action is listed by name, or as {name: settings} (`send_domain: true`).
DOMAIN_ACTIONS = [name for entry in DOMAIN_FILE["actions"] for name in ([entry] if isinstance(entry, str) else entry)]
DOMAIN: Dict[str, Any] = {"responses": {"utter_more_data_drift": [{"text": "longer"}]}}


def user_event(
    text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None, response_key: Optional[str] = None
) -> Dict[str, Any]:
    parse: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    if response_key:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": response_key}}}
    return {"event": "user", "text": text, "parse_data": parse}


def make_tracker(events: List[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": slots or {},
            "latest_message": latest,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }
    )


def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


class Conversation:
    """A conversation driven through the real actions: slots carry over from turn to turn."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []
        self.slots: Dict[str, Any] = {}

    def turn(self, action, text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None):
        self.events.append(user_event(text, intent, entities))
        return self.after(action)

    def practice_answer(self, text: str, topic: str) -> None:
        """A practice question answered by the rules (utter_faq, then action_note_tools), as Rasa records it."""
        self.events.append(user_event(text, "faq", response_key=f"faq/{topic}"))
        self.events += [
            {"event": "action", "name": "utter_faq"},
            {"event": "bot", "text": "", "metadata": {"utter_action": f"utter_faq/{topic}"}},
        ]
        self.after(ActionNoteTools(default_resolver()))

    def not_understood(self, text: str, response_key: str) -> None:
        """A message NLU fell back on, answered by the rules with utter_default."""
        self.events.append(user_event(text, "nlu_fallback", response_key=response_key))
        self.events += [
            {"event": "action", "name": "utter_default"},
            {"event": "bot", "text": "", "metadata": {"utter_action": "utter_default"}},
        ]

    def after(self, action) -> List[Dict[str, Any]]:
        """`action` run on the latest user message (after the rules' last action, if any)."""
        messages, events = run(action, make_tracker(self.events, dict(self.slots)))
        self.events.append({"event": "action", "name": action.name()})
        # What Rasa records: each message as a bot event naming its response, then the action's events.
        self.events += [{"event": "bot", "text": "", "metadata": {"utter_action": m.get("response")}} for m in messages]
        for event in events:
            self.events.append(event)
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]
        return messages


def responses(messages) -> List[str]:
    return [m["response"] for m in messages]


def test_tool_info_from_the_entity():
    tracker = make_tracker([user_event("what is mlflow", "ask_tool_info", [{"entity": "tool", "value": "MLflow"}])])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["response"] for m in messages] == ["utter_tool_summary_open"]
    assert messages[0]["name"] == "MLflow" and messages[0]["license"] == "Apache-2.0"
    assert events == [SlotSet("tools", ["MLflow"]), SlotSet("last_question", "info")]


def test_tool_info_falls_back_to_the_whole_message_when_nlu_misses_the_entity():
    tracker = make_tracker([user_event("wats mlfow??", "ask_tool_info")])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert messages[0]["name"] == "MLflow"
    assert events[0] == SlotSet("tools", ["MLflow"])


def test_tool_info_for_two_tools_answers_both_in_order():
    tracker = make_tracker([user_event("mlflow or wandb?", "ask_tool_info")])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["name"] for m in messages] == ["MLflow", "Weights & Biases"]
    assert events[0] == SlotSet("tools", ["MLflow", "Weights & Biases"])


def test_commercial_tool_says_so():
    tracker = make_tracker([user_event("what is sagemaker", "ask_tool_info")])
    messages, _ = run(ActionToolInfo(default_resolver()), tracker)
    assert messages[0]["response"] == "utter_tool_summary_closed"


def test_unknown_tool_is_never_a_confident_answer():
    tracker = make_tracker(
        [user_event("what is zorbulator", "ask_tool_info", [{"entity": "tool", "value": "zorbulator"}])]
    )
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["response"] for m in messages] == ["utter_tool_unknown"]
    assert messages[0]["query"] == "zorbulator"
    assert events == [SlotSet("tools", [])]  # "is it open source?" next must not answer about an earlier tool


def test_near_miss_gets_did_you_mean_with_numbered_choices_and_buttons():
    tracker = make_tracker([user_event("what is mlfluu", "ask_tool_info", [{"entity": "tool", "value": "mlfluu"}])])
    messages, events = run(ActionToolInfo(default_resolver()), tracker)
    assert responses(messages) == ["utter_tool_did_you_mean"]
    assert "1) MLflow" in messages[0]["options"]
    assert messages[0]["buttons"][0] == {"title": "MLflow", "payload": '/choose_option{"option":"1"}'}
    assert SlotSet("last_question", "info") in events


def test_no_tool_at_all_asks_which_one():
    tracker = make_tracker([user_event("what is it", "ask_tool_info")])
    messages, _ = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["response"] for m in messages] == ["utter_ask_which_tool"]


def test_tell_me_more_after_a_tool_gives_the_description():
    events = [
        user_event("what is dvc", "ask_tool_info"),
        {"event": "action", "name": "action_tool_info"},
        user_event("tell me more", "tell_me_more"),
    ]
    messages, _ = run(ActionTellMeMore(default_resolver()), make_tracker(events, {"tools": ["DVC"]}))
    assert messages[0]["response"] == "utter_tool_details"
    assert messages[0]["description"] == default_resolver().kb.find("DVC").description


def test_tell_me_more_after_a_practice_answer_gives_the_long_answer():
    events = [
        user_event("what is data drift", "faq", response_key="faq/data_drift"),
        {"event": "action", "name": "utter_faq"},
        user_event("more", "tell_me_more"),
    ]
    messages, _ = run(ActionTellMeMore(default_resolver()), make_tracker(events))
    assert [m["response"] for m in messages] == ["utter_more_data_drift"]


def test_tell_me_more_after_a_practice_answer_another_action_sent_gives_the_long_answer():
    # "what's the usual way to get it to answer from our own docs": heard as a fact about a tool, with
    # no tool discussed the attribute action sends the practice answer
    events = [
        user_event("what's the usual way to get it to answer from our docs?", "ask_tool_attribute"),
        {"event": "action", "name": "action_tool_attribute"},
        {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_faq/data_drift"}},
        user_event("tell me more", "tell_me_more"),
    ]
    messages, _ = run(ActionTellMeMore(default_resolver()), make_tracker(events))
    assert [m["response"] for m in messages] == ["utter_more_data_drift"]


def test_tell_me_more_with_nothing_before_says_so():
    messages, _ = run(ActionTellMeMore(default_resolver()), make_tracker([user_event("more", "tell_me_more")]))
    assert [m["response"] for m in messages] == ["utter_nothing_more"]


@pytest.mark.parametrize("action", [ActionToolInfo(), ActionTellMeMore(), ActionNoteTools(), ActionChooseOption()])
def test_actions_have_the_names_the_domain_lists(action):
    assert action.name() in DOMAIN_ACTIONS


def test_practice_question_naming_a_tool_gets_a_note_and_sets_the_slot():
    tracker = make_tracker(
        [user_event("how do i track experiments with mlflow", "faq", response_key="faq/experiment_tracking")]
    )
    messages, events = run(ActionNoteTools(default_resolver()), tracker)
    assert [(m["response"], m["name"]) for m in messages] == [("utter_tool_note", "MLflow")]
    assert events == [
        SlotSet("topic", "experiment_tracking"),
        SlotSet("tools", ["MLflow"]),
        SlotSet("last_question", "info"),
    ]


def test_practice_question_without_a_tool_adds_no_note_and_keeps_only_the_topic():
    tracker = make_tracker([user_event("what is data drift", "faq", response_key="faq/data_drift")])
    assert run(ActionNoteTools(default_resolver()), tracker) == ([], [SlotSet("topic", "data_drift")])


def test_the_action_server_registers_exactly_the_domain_actions():
    executor = ActionExecutor()
    executor.register_package("actions.actions")
    assert sorted(executor.actions) == sorted(DOMAIN_ACTIONS)


# -- attributes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, response, field, value",
    [
        ("is mlflow open source?", "utter_tool_is_open_source", "license", "Apache-2.0"),
        ("whats the licence of dvc", "utter_tool_licence", "license", "Apache-2.0"),
        ("link to kubeflow docs", "utter_tool_link", "url", None),
        ("what kind of tool is feast", "utter_tool_category", "category", "Feature stores"),
        ("what is airflow written in", "utter_tool_language", "language", "Python"),
        ("sagemaker licence?", "utter_tool_licence_proprietary", "name", "Amazon SageMaker"),
        ("what language is vertex ai written in", "utter_tool_language_managed_service", "name", "Google Vertex AI"),
        ("can we self-host mlflow?", "utter_tool_hosting_both", "name", "MLflow"),
        ("can polars run on our own servers", "utter_tool_hosting_library", "name", "Polars"),
        ("is sagemaker cloud only", "utter_tool_hosting_managed", "name", "Amazon SageMaker"),
    ],
)
def test_attribute_questions_get_the_one_fact_asked(text, response, field, value):
    messages = Conversation().turn(ActionToolAttribute(default_resolver()), text, "ask_tool_attribute")
    assert responses(messages) == [response]
    tool = default_resolver().kb.find(messages[0]["name"])
    assert messages[0][field] == (value if value is not None else str(tool.url))


def test_a_commercial_tool_asked_about_open_source_gets_open_alternatives():
    messages = Conversation().turn(
        ActionToolAttribute(default_resolver()), "is sagemaker open source", "ask_tool_attribute"
    )
    assert responses(messages) == ["utter_tool_is_closed_with_open_alternatives"]
    kb = default_resolver().kb
    assert all(kb.find(n.strip()).open_source for n in messages[0]["alternatives"].split(","))


def test_follow_up_attribute_question_uses_the_tool_just_discussed():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is dvc", "ask_tool_info")
    messages = talk.turn(ActionToolAttribute(default_resolver()), "is it open source?", "ask_tool_attribute")
    assert [(m["response"], m["name"]) for m in messages] == [("utter_tool_is_open_source", "DVC")]


def test_follow_up_with_nothing_remembered_asks_which_tool():
    messages = Conversation().turn(ActionToolAttribute(default_resolver()), "is it open source?", "ask_tool_attribute")
    assert responses(messages) == ["utter_ask_which_tool"]


# -- lists and "more" ------------------------------------------------------------------------------
def test_category_list_shows_the_best_known_first_with_a_count_and_an_offer_of_more():
    talk = Conversation()
    messages = talk.turn(
        ActionListTools(default_resolver()),
        "what can I use for experiment tracking?",
        "list_tools",
        [{"entity": "category", "value": "experiment tracking"}],
    )
    assert responses(messages) == ["utter_tool_list", "utter_tool_list_more_offer"]
    kb = default_resolver().kb
    ranked = kb.tools_in("experiment-tracking")
    assert messages[0]["count"] == str(len(ranked))
    assert messages[0]["items"].startswith(f"1) {ranked[0].name}, 2) {ranked[1].name}")
    assert talk.slots["shown_tools"] == [t.name for t in ranked[:5]]
    assert messages[1]["remaining"] == str(len(ranked) - 5)

    more = talk.turn(ActionTellMeMore(default_resolver()), "more", "tell_me_more")
    assert more[0]["response"] == "utter_tool_list_page"
    assert more[0]["items"].startswith(f"6) {ranked[5].name}")
    assert talk.slots["shown_tools"] == [t.name for t in ranked[:10]]

    picked = talk.turn(ActionChooseOption(default_resolver()), "the 7th", "choose_option")
    assert picked[0]["name"] == ranked[6].name and picked[0]["response"].startswith("utter_tool_summary")


def test_more_at_the_end_of_a_list_says_it_is_the_end():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "feature store options", "list_tools")
    total = len(default_resolver().kb.tools_in("feature-store"))
    for _ in range((total - 1) // 5):
        talk.turn(ActionTellMeMore(default_resolver()), "more", "tell_me_more")
    assert responses(talk.turn(ActionTellMeMore(default_resolver()), "more", "tell_me_more")) == ["utter_tool_list_end"]


def test_list_without_a_category_asks_which_kind():
    messages = Conversation().turn(ActionListTools(default_resolver()), "list some tools", "list_tools")
    assert responses(messages) == ["utter_ask_which_category"]


# -- compare ---------------------------------------------------------------------------------------
def test_compare_two_tools_side_by_side_with_a_verdict():
    messages = Conversation().turn(ActionCompareTools(default_resolver()), "mlflow vs wandb", "compare_tools")
    assert [m.get("name") for m in messages[:2]] == ["MLflow", "Weights & Biases"]
    assert responses(messages) == [
        "utter_compare_tool_open",
        "utter_compare_tool_closed",
        "utter_compare_same_category",
    ]


def test_compare_three_tools_from_different_categories():
    messages = Conversation().turn(
        ActionCompareTools(default_resolver()), "compare dvc, mlflow and airflow", "compare_tools"
    )
    assert [m.get("name") for m in messages[:3]] == ["DVC", "MLflow", "Apache Airflow"]
    assert messages[3]["response"] == "utter_compare_different_categories"


def test_compare_them_after_a_list_compares_what_was_shown():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "orchestration tools", "list_tools")
    messages = talk.turn(ActionCompareTools(default_resolver()), "compare them", "compare_tools")
    shown = talk.slots["shown_tools"]
    assert [m.get("name") for m in messages if m["response"].startswith("utter_compare_tool")] == shown[:3]


def test_compare_them_with_the_askers_own_thing_named_compares_the_tools_discussed():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is feast", "ask_tool_info")
    talk.turn(ActionToolInfo(default_resolver()), "what is tecton", "ask_tool_info")
    messages = talk.turn(
        ActionCompareTools(default_resolver()),
        "ok compare them. and remember we're a bank, nothing leaves our datacenter",
        "compare_tools",
    )
    assert [m.get("name") for m in messages[:2]] == ["Feast", "Tecton"]


def test_compare_it_with_another_uses_the_tool_just_discussed():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is prefect", "ask_tool_info")
    messages = talk.turn(ActionCompareTools(default_resolver()), "compare it with dagster", "compare_tools")
    assert [m.get("name") for m in messages[:2]] == ["Prefect", "Dagster"]


def test_how_does_it_stack_up_against_two_others_compares_all_three():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is vLLM exactly?", "ask_tool_info")
    messages = talk.turn(
        ActionCompareTools(default_resolver()),
        "how does it stack up against SGLang and Text Generation Inference?",
        "compare_tools",
    )
    compared = [m["name"] for m in messages if m.get("name")]
    assert compared[:3] == ["vLLM", "SGLang", "Text Generation Inference"]


def test_a_fact_asked_of_both_tools_discussed_one_after_the_other_answers_for_each():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "What is Ollama?", "ask_tool_info")
    talk.turn(ActionWhatAbout(default_resolver()), "and llama.cpp?", "what_about")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()), "Are both of them open source, or only one?", "ask_tool_attribute"
    )
    assert sorted(m["name"] for m in messages if m.get("name")) == ["Ollama", "llama.cpp"]


def test_the_askers_own_kubernetes_named_by_nlu_is_not_the_tool_asked_about():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is seldon core", "ask_tool_info")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()),
        "can it run on our own kubernetes cluster?",
        "ask_tool_attribute",
        [{"entity": "tool", "value": "Kubernetes"}],
    )
    assert [m["name"] for m in messages if m.get("name")] == ["Seldon Core"]


def test_compare_with_one_tool_and_nothing_remembered_asks_for_two():
    messages = Conversation().turn(ActionCompareTools(default_resolver()), "compare mlflow", "compare_tools")
    assert responses(messages) == ["utter_compare_needs_two"]


# -- alternatives ----------------------------------------------------------------------------------
def test_alternatives_list_the_listed_ones_first():
    messages = Conversation().turn(
        ActionToolAlternatives(default_resolver()), "alternatives to airflow", "ask_alternatives"
    )
    assert responses(messages) == ["utter_tool_alternatives"]
    first = default_resolver().kb.find("airflow").alternatives[0]
    assert messages[0]["items"].startswith(f"1) {first}")


def test_open_source_alternatives_to_a_commercial_tool_are_all_open_source():
    talk = Conversation()
    messages = talk.turn(
        ActionToolAlternatives(default_resolver()), "open-source alternative to sagemaker", "ask_alternatives"
    )
    assert responses(messages) == ["utter_tool_alternatives_with_constraints"]
    assert messages[0]["constraints"] == "open-source"
    kb = default_resolver().kb
    assert talk.slots["shown_tools"] and all(kb.find(n).open_source for n in talk.slots["shown_tools"])


def test_alternatives_follow_up_without_a_name():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is kubeflow", "ask_tool_info")
    messages = talk.turn(ActionToolAlternatives(default_resolver()), "alternatives?", "ask_alternatives")
    assert messages[0]["name"] == "Kubeflow"


# -- what about, choose ----------------------------------------------------------------------------
def test_what_about_repeats_the_last_question_for_another_tool_and_says_what_it_is():
    talk = Conversation()
    talk.turn(ActionToolAttribute(default_resolver()), "what licence does mlflow have", "ask_tool_attribute")
    messages = talk.turn(
        ActionWhatAbout(default_resolver()), "what about dvc?", "what_about", [{"entity": "tool", "value": "dvc"}]
    )
    assert [m["name"] for m in messages] == ["DVC", "DVC"]
    assert messages[0]["response"] == "utter_tool_licence"
    assert messages[1]["response"].startswith("utter_tool_summary")


def test_what_about_after_a_comparison_compares_the_first_with_the_new_one():
    talk = Conversation()
    talk.turn(ActionCompareTools(default_resolver()), "airflow vs prefect", "compare_tools")
    messages = talk.turn(ActionWhatAbout(default_resolver()), "and dagster?", "what_about")
    assert [m.get("name") for m in messages[:2]] == ["Apache Airflow", "Dagster"]


def test_picking_a_did_you_mean_option_answers_the_pending_question():
    talk = Conversation()
    talk.turn(
        ActionToolAttribute(default_resolver()),
        "is mlfluu open source",
        "ask_tool_attribute",
        [{"entity": "tool", "value": "mlfluu"}],
    )
    options = talk.slots["shown_tools"]
    messages = talk.turn(ActionChooseOption(default_resolver()), "1", "choose_option")
    assert [(m["response"], m["name"]) for m in messages] == [("utter_tool_is_open_source", options[0])]


def test_a_button_payload_picks_by_its_option_entity():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "vector db options", "list_tools")
    messages = talk.turn(
        ActionChooseOption(default_resolver()),
        '/choose_option{"option":"2"}',
        "choose_option",
        [{"entity": "option", "value": "2"}],
    )
    assert messages[0]["name"] == talk.slots["shown_tools"][1]


def test_a_number_out_of_range_asks_again():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "feature store options", "list_tools")
    assert responses(talk.turn(ActionChooseOption(default_resolver()), "9", "choose_option")) == ["utter_pick_a_number"]


def test_choosing_with_no_options_shown_says_so():
    assert responses(
        Conversation().turn(ActionChooseOption(default_resolver()), "the second one", "choose_option")
    ) == ["utter_no_options_to_choose"]


def test_ok_as_the_first_words_gets_what_the_assistant_can_do_and_after_an_answer_what_next():
    assert responses(Conversation().turn(ActionChooseOption(default_resolver()), "ok cool", "affirm")) == ["utter_help"]
    talk = Conversation()
    talk.practice_answer("what is data drift", "data_drift")
    assert responses(talk.turn(ActionChooseOption(default_resolver()), "ok cool", "affirm")) == ["utter_ok_what_next"]


# -- recommendation form ---------------------------------------------------------------------------
def form_turn(
    text: str,
    intent: str,
    requested: Optional[str],
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
):
    tracker = make_tracker([user_event(text, intent, entities)], {"requested_slot": requested, **(slots or {})})
    domain = {
        "slots": {s: {"type": "text", "mappings": [{"type": "custom"}]} for s in FORM_SLOTS},
        "forms": DOMAIN_FILE["forms"],
    }
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateToolRecommendationForm(default_resolver()).run(dispatcher, tracker, domain))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, responses(dispatcher.messages)


FORM_SLOTS = DOMAIN_FILE["forms"]["tool_recommendation_form"]["required_slots"]


def test_the_opening_question_fills_what_it_says():
    filled, _ = form_turn("best open source experiment tracker?", "recommend_tool", None)
    assert filled == {"recommend_category": "experiment-tracking", "recommend_open_source": "yes"}


@pytest.mark.parametrize(
    "text, intent, requested, expected",
    [
        ("yes", "affirm", "recommend_open_source", {"recommend_open_source": "yes"}),
        ("no", "deny", "recommend_open_source", {"recommend_open_source": "any"}),
        ("skip", "skip", "recommend_open_source", {"recommend_open_source": "any"}),
        ("self hosted pls", "inform", "recommend_hosting", {"recommend_hosting": "self-hosted"}),
        ("dont care", "skip", "recommend_hosting", {"recommend_hosting": "any"}),
        ("feature store", "inform", "recommend_category", {"recommend_category": "feature-store"}),
        # answered with where it runs: the licence is no requirement, and is not asked twice
        (
            "actually managed is better",
            "inform",
            "recommend_open_source",
            {"recommend_hosting": "managed", "recommend_open_source": "any"},
        ),
        (
            "we want to host it ourselves",
            "affirm",
            "recommend_open_source",
            {"recommend_hosting": "self-hosted", "recommend_open_source": "any"},
        ),
    ],
)
def test_form_answers_are_read_from_the_text(text, intent, requested, expected):
    assert form_turn(text, intent, requested)[0] == expected


@pytest.mark.parametrize(
    "text, intent, requested, expected",
    [
        # NLU heard a question about a tool or a practice, but the message states what the tool must be
        ("has to be free, no budget", "ask_tool_attribute", "recommend_open_source", {"recommend_open_source": "yes"}),
        (
            "we'd run it on our own server in the office",
            "faq",
            "recommend_hosting",
            {"recommend_hosting": "self-hosted"},
        ),
    ],
)
def test_a_stated_requirement_answers_the_form_however_nlu_heard_it(text, intent, requested, expected):
    assert form_turn(text, intent, requested)[0] == expected


def test_a_question_mid_form_fills_nothing_so_the_rules_answer_it():
    assert form_turn("is it open source?", "ask_tool_attribute", "recommend_open_source") == ({}, [])
    assert form_turn("what is mlflow", "ask_tool_info", "recommend_open_source") == ({}, [])
    assert form_turn("how do i track experiments", "faq", "recommend_category") == ({}, [])


def test_skipping_the_kind_of_tool_asks_again_rather_than_guess():
    filled, said = form_turn("skip", "skip", "recommend_category")
    assert filled == {"recommend_category": None} and said == ["utter_recommend_category_needed"]


def test_recommendation_ranks_by_the_answers_and_resets_the_form():
    talk = Conversation()
    talk.slots.update(
        recommend_category="experiment-tracking", recommend_open_source="yes", recommend_hosting="self-hosted"
    )
    messages = talk.turn(ActionRecommendTool(default_resolver()), "self hosted", "inform")
    assert responses(messages) == ["utter_recommendation"]
    kb = default_resolver().kb
    top = kb.find(messages[0]["name"])
    assert top.open_source and top.offering != "managed"
    assert talk.slots["recommend_category"] is None and talk.slots["tools"] == [top.name]
    assert messages[0]["constraints"] == "open-source, self-hosted"


def test_compare_with_an_unknown_name_says_it_does_not_know_it():
    messages = Conversation().turn(
        ActionCompareTools(default_resolver()), "compare blorptrack and mlflow", "compare_tools"
    )
    assert responses(messages) == ["utter_tool_unknown"] and messages[0]["query"] == "blorptrack"


def test_compare_them_after_two_single_tool_questions_compares_both():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "tell me about qdrant", "ask_tool_info")
    talk.turn(ActionToolInfo(default_resolver()), "and weaviate", "ask_tool_info")
    messages = talk.turn(ActionCompareTools(default_resolver()), "compare them", "compare_tools")
    assert [m.get("name") for m in messages if m["response"].startswith("utter_compare_tool")] == ["Qdrant", "Weaviate"]


def test_which_of_those_are_open_source_filters_the_last_list():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "which tools for experiment tracking?", "list_tools")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()), "which of those are open source?", "ask_tool_attribute"
    )
    assert responses(messages)[0] == "utter_tool_list_open_source_of_those"
    kb = default_resolver().kb
    assert all(kb.find(name).open_source for name in talk.slots["shown_tools"])


def test_any_tools_for_that_after_a_practice_answer_lists_the_topics_category():
    talk = Conversation()
    talk.practice_answer("explain feature stores", "feature_store")
    messages = talk.turn(ActionListTools(default_resolver()), "any tools for that?", "list_tools")
    assert responses(messages)[0] == "utter_tool_list" and messages[0]["category"] == "Feature stores"


def test_a_practice_answer_keeps_its_topic_in_a_slot():
    talk = Conversation()
    talk.practice_answer("what is data drift", "data_drift")
    assert talk.slots["topic"] == "data_drift"


def test_any_tools_for_that_after_a_turn_not_understood_lists_the_last_topics_tools():
    talk = Conversation()
    talk.practice_answer("what should we watch now that the model is live", "monitoring")
    talk.not_understood("every month the store managers complain a bit more", "faq/business_metrics")
    messages = talk.turn(ActionListTools(default_resolver()), "any tools for that?", "list_tools")
    kb = default_resolver().kb
    assert responses(messages)[0] == "utter_tool_list"
    assert messages[0]["category"] == kb.category("monitoring").label


def test_which_of_those_are_open_source_after_a_practice_answer_lists_the_topics_open_source_tools():
    talk = Conversation()
    talk.practice_answer("what can we store the embeddings in?", "embeddings_vector_databases")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()),
        "which of those are open source? it must stay in-house",
        "ask_tool_attribute",
    )
    kb = default_resolver().kb
    assert messages and messages[0]["category"] == kb.category("vector-db").label
    assert talk.slots["shown_tools"] and all(kb.find(name).open_source for name in talk.slots["shown_tools"])


def test_which_r_open_source_texted_after_a_practice_answer_lists_the_topics_open_source_tools():
    talk = Conversation()
    talk.practice_answer("need model monitoring tools asap our model went weird overnight", "monitoring")
    messages = talk.turn(ActionToolAttribute(default_resolver()), "which r open source", "ask_tool_attribute")
    kb = default_resolver().kb
    assert messages and messages[0]["category"] == kb.category("monitoring").label


def test_what_would_replace_that_after_a_practice_answer_lists_the_topics_tools():
    talk = Conversation()
    talk.practice_answer("our 40 cron jobs fail silently", "orchestration")
    messages = talk.turn(
        ActionToolAlternatives(default_resolver()), "what tools would replace that", "ask_alternatives"
    )
    assert responses(messages)[0] == "utter_tool_list" and "orchestration" in messages[0]["category"].lower()


def test_open_source_tools_of_a_category_are_listed_apart():
    messages = Conversation().turn(ActionListTools(default_resolver()), "open source experiment trackers", "list_tools")
    assert responses(messages)[0] == "utter_tool_list_open_source"


def test_a_list_takes_the_category_the_router_read_from_the_practice_topic():
    talk = Conversation()
    talk.events.append(user_event("tools for explaining why my model predicted what it did", "list_tools"))
    talk.events[-1]["parse_data"]["intent"]["category"] = "explainability"
    messages, _ = run(ActionListTools(default_resolver()), make_tracker(talk.events))
    assert responses(messages)[0] == "utter_tool_list"
    assert messages[0]["category"] == default_resolver().kb.category("explainability").label


def test_free_after_a_tool_heard_as_a_list_request_answers_for_that_tool():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is dvc", "ask_tool_info")
    messages = talk.turn(ActionListTools(default_resolver()), "free?", "inform")
    assert responses(messages) == ["utter_tool_is_open_source"] and messages[0]["name"] == "DVC"


def test_a_message_asking_two_facts_gets_both():
    messages = Conversation().turn(
        ActionToolAttribute(default_resolver()), "ollama: oss? written in?", "ask_tool_attribute"
    )
    assert responses(messages) == ["utter_tool_is_open_source", "utter_tool_language"]
    assert {m["name"] for m in messages} == {"Ollama"}


def test_compare_all_three_adds_the_new_tool_to_the_two_discussed():
    talk = Conversation()
    talk.turn(ActionCompareTools(default_resolver()), "optuna vs hyperopt", "compare_tools")
    messages = talk.turn(
        ActionCompareTools(default_resolver()), "throw ray tune in and compare all three", "compare_tools"
    )
    compared = {m["name"] for m in messages if m["response"].startswith("utter_compare_tool")}
    assert compared == {"Optuna", "Hyperopt", "Ray Tune"}


def test_what_is_a_name_made_of_english_words_is_admitted_unknown_not_asked_again():
    messages = Conversation().turn(ActionToolInfo(default_resolver()), "what is flow pilot", "ask_tool_info")
    assert responses(messages) == ["utter_tool_unknown"] and messages[0]["query"] == "flow pilot"
    messages = Conversation().turn(ActionToolInfo(default_resolver()), "what is it?", "ask_tool_info")
    assert responses(messages) == ["utter_ask_which_tool"]  # nothing discussed: which tool?


def test_a_tool_thrown_into_the_comparison_joins_the_ones_compared():
    talk = Conversation()
    talk.turn(ActionCompareTools(default_resolver()), "optuna vs hyperopt", "compare_tools")
    messages = talk.turn(
        ActionCompareTools(default_resolver()),
        "throw ray tune into the comparison too, it's what we used",
        "compare_tools",
    )
    compared = {m["name"] for m in messages if m["response"].startswith("utter_compare_tool")}
    assert compared == {"Optuna", "Hyperopt", "Ray Tune"}


def test_compare_them_and_a_new_one_compares_the_two_discussed_and_it():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "great expectations", "ask_tool_info")
    talk.turn(ActionToolInfo(default_resolver()), "pandera?", "ask_tool_info")
    messages = talk.turn(ActionCompareTools(default_resolver()), "compare them + deequ", "compare_tools")
    compared = {m["name"] for m in messages if m["response"].startswith("utter_compare_tool")}
    assert compared == {"Great Expectations", "Pandera", "Deequ"}


def test_a_fact_asked_about_it_with_no_tool_discussed_gets_the_sure_practice_answer():
    talk = Conversation()
    talk.events.append(
        user_event("can we run it in-house?", "ask_tool_attribute", response_key="faq/local_vs_remote_deployment")
    )
    talk.events[-1]["parse_data"]["response_selector"]["faq"]["response"]["confidence"] = 0.7
    messages, _ = run(ActionToolAttribute(default_resolver()), make_tracker(talk.events))
    assert responses(messages) == ["utter_faq/local_vs_remote_deployment"]


def _with_subjects(talk: Conversation, text: str, intent: str, focus: str, context: List[str]) -> None:
    talk.events.append(user_event(text, intent))
    talk.events[-1]["parse_data"]["subjects"] = {"focus": focus, "tools": [], "context": context}


def test_those_two_at_the_end_of_a_paragraph_are_the_last_two_tools_it_named():
    talk = Conversation()
    text = "We run FastAPI on EC2, move to Kubernetes. Shortlist: KServe and Seldon Core. How do those two stack up?"
    _with_subjects(
        talk, text, "compare_tools", "How do those two stack up?", ["FastAPI", "Kubernetes", "KServe", "Seldon Core"]
    )
    messages, _ = run(ActionCompareTools(default_resolver()), make_tracker(talk.events))
    assert {m["name"] for m in messages if m["response"].startswith("utter_compare_tool")} == {"KServe", "Seldon Core"}


def test_what_is_it_at_the_end_of_a_paragraph_describes_the_tool_it_named_last():
    talk = Conversation()
    text = "Our models run in a Flask app nobody wants to touch. A contractor keeps mentioning BentoML. What is it?"
    _with_subjects(talk, text, "ask_tool_info", "What is it?", ["Flask", "BentoML"])
    messages, _ = run(ActionToolInfo(default_resolver()), make_tracker(talk.events))
    assert [m["name"] for m in messages] == ["BentoML"]


def test_a_place_in_words_picks_from_the_last_options_in_a_fact_question():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "orchestration tools", "list_tools")
    first = talk.slots["shown_tools"][0]
    messages = talk.turn(ActionToolAttribute(default_resolver()), "is the frist one open source", "ask_tool_attribute")
    assert messages[0]["name"] == first


@pytest.mark.parametrize(
    "action, text, intent",
    [
        (
            ActionToolAlternatives,
            "we can't pay for anything this year, so just the free ones please",
            "ask_alternatives",
        ),
        (ActionToolAttribute, "Which of the ones you've mentioned don't need a paid licence?", "ask_tool_attribute"),
        (ActionListTools, "any of them we could use without a subscription?", "list_tools"),
    ],
)
def test_a_requirement_after_a_list_narrows_that_list(action, text, intent):
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "which tools for experiment tracking?", "list_tools")
    listed = set(talk.slots["shown_tools"]) | set(talk.slots["more_tools"])
    messages = talk.turn(action(default_resolver()), text, intent)
    assert responses(messages)[0] == "utter_tool_list_open_source_of_those"
    kb = default_resolver().kb
    assert talk.slots["shown_tools"] and all(kb.find(n).open_source and n in listed for n in talk.slots["shown_tools"])


def test_self_hosting_those_after_a_list_keeps_the_ones_that_can_be():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "which tools for experiment tracking?", "list_tools")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()), "which of those can we host ourselves?", "ask_tool_attribute"
    )
    assert responses(messages)[0] == "utter_tool_list_those_that_fit"
    kb = default_resolver().kb
    assert all(kb.find(n).offering != "managed" for n in talk.slots["shown_tools"])


@pytest.mark.parametrize(
    "action, text, intent",
    [
        (ActionListTools, "that sounds really heavy for a small team, is there anything simpler", "inform"),
        (ActionListTools, "are there open-source options that do the same job", "list_tools"),
        (ActionToolAlternatives, "what could we use instead that costs nothing?", "ask_alternatives"),
    ],
)
def test_other_tools_asked_for_after_a_tool_are_its_alternatives(action, text, intent):
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is kubeflow", "ask_tool_info")
    messages = talk.turn(action(default_resolver()), text, intent)
    assert responses(messages)[0].startswith("utter_tool_alternatives") and messages[0]["name"] == "Kubeflow"


def test_any_others_after_a_list_is_its_next_page():
    talk = Conversation()
    talk.turn(ActionListTools(default_resolver()), "which tools for experiment tracking?", "list_tools")
    first_page = list(talk.slots["shown_tools"])
    messages = talk.turn(ActionToolAlternatives(default_resolver()), "any others?", "ask_alternatives")
    assert responses(messages)[0] == "utter_tool_list_page"
    assert talk.slots["shown_tools"][: len(first_page)] == first_page and len(talk.slots["shown_tools"]) > len(
        first_page
    )


def test_an_unknown_name_asked_about_beats_a_tool_of_the_background():
    talk = Conversation()
    text = "We already run Evidently and Grafana. What is Harborlight, and is it open source?"
    talk.events.append(user_event(text, "ask_tool_attribute"))
    talk.events[-1]["parse_data"]["subjects"] = {
        "focus": "What is Harborlight, and is it open source?",
        "written": "What is Harborlight, and is it open source?",
        "text": text,
        "tools": [],
        "context": ["Evidently", "Grafana"],
    }
    messages, _ = run(ActionToolAttribute(default_resolver()), make_tracker(talk.events, {}))
    assert responses(messages) == ["utter_tool_unknown"] and messages[0]["query"].lower() == "harborlight"


def test_a_capitalised_unknown_name_beats_the_tool_discussed_even_with_near_misses():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is kedro", "ask_tool_info")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()),
        "a colleague says we should use Pipewright instead, is that one open source?",
        "ask_tool_attribute",
    )
    assert responses(messages) in (["utter_tool_unknown"], ["utter_tool_did_you_mean"])
    assert messages[0]["query"] == "Pipewright"


def test_an_unknown_word_in_a_sentence_that_compares_nothing_is_left_out_of_the_comparison():
    talk = Conversation()
    text = "Ollama vs llama.cpp vs vLLM. WHICH ONE. I've read ten reddit threads and I'm more confused"
    messages = talk.turn(ActionCompareTools(default_resolver()), text, "compare_tools")
    names = {m.get("name") for m in messages}
    assert {"Ollama", "llama.cpp", "vLLM"} <= names and "utter_tool_did_you_mean" not in responses(messages)


def test_what_it_is_right_after_a_fact_about_a_tool_is_that_tool():
    talk = Conversation()
    talk.turn(ActionToolAttribute(default_resolver()), "where are the docs for Kueue", "ask_tool_attribute")
    messages = talk.turn(ActionToolInfo(default_resolver()), "and what even IS it, another scheduler?", "ask_tool_info")
    assert responses(messages)[0].startswith("utter_tool_summary") and messages[0]["name"] == "Kueue"


def test_a_comparison_with_an_unknown_name_keeps_the_known_tool():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "mlflow", "ask_tool_info")
    messages = talk.turn(ActionCompareTools(default_resolver()), "vs quorvex", "compare_tools")
    assert responses(messages) == ["utter_tool_unknown"]
    messages = talk.turn(ActionToolAlternatives(default_resolver()), "ok just alternatives then", "ask_alternatives")
    assert responses(messages)[0] == "utter_tool_alternatives" and messages[0]["name"] == "MLflow"


def test_the_askers_own_platform_is_not_the_tool_asked_about():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is tecton", "ask_tool_info")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()), "can we run it on our own k8s cluster?", "ask_tool_attribute"
    )
    assert messages[0]["response"].startswith("utter_tool_hosting") and messages[0]["name"] == "Tecton"


def test_an_unknown_word_beside_it_leaves_the_question_about_the_tool_discussed():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is chalk", "ask_tool_info")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()),
        "so could we run it inside our own VPC, or is it only their hosted thing",
        "ask_tool_attribute",
    )
    assert responses(messages) != ["utter_tool_unknown"] and messages[0]["name"] == "Chalk"


def test_an_archived_tool_is_named_as_such_after_its_summary():
    text = "what is text generation inference"
    tracker = make_tracker([user_event(text, "ask_tool_info", [{"entity": "tool", "value": "TGI"}])])
    messages, _ = run(ActionToolInfo(default_resolver()), tracker)
    assert responses(messages) == ["utter_tool_summary_open", "utter_tool_status_archived"]
    assert messages[1]["name"] == "Text Generation Inference"


def test_a_discontinued_tool_is_never_offered_as_an_alternative_or_recommended():
    kb = default_resolver().kb
    tracker = make_tracker(
        [user_event("alternatives to mlflow", "ask_alternatives", [{"entity": "tool", "value": "MLflow"}])]
    )
    messages, _ = run(ActionToolAlternatives(default_resolver()), tracker)
    offered = messages[0]["items"]
    assert "Neptune" not in offered and "MLflow" not in offered
    assert kb.find("Neptune").status == "discontinued"


def test_tools_for_that_job_after_an_unknown_tool_lists_the_kind_the_asker_described():
    talk = Conversation()
    said = "has anyone heard of vectorvault? a contractor wants us to store our embeddings in it"
    event = user_event(said, "ask_tool_info")
    event["parse_data"]["subjects"] = {"focus": said, "kind": "vector-db"}
    talk.events.append(event)
    assert responses(talk.after(ActionToolInfo(default_resolver()))) == ["utter_tool_unknown"]
    messages = talk.turn(
        ActionListTools(default_resolver()), "hm ok. what tools do you know for that job then", "list_tools"
    )
    assert messages[0]["response"] == "utter_tool_list"
    assert messages[0]["category"] == "Vector databases and similarity search"


def test_compare_with_what_we_use_adds_the_tools_the_asker_said_they_use():
    conversation = Conversation()
    conversation.slots["own_tools"] = ["DVC"]  # filled by Rasa from the router's own_tool entities
    conversation.turn(
        ActionToolInfo(default_resolver()), "a colleague mentioned lakeFS, what is that?", "ask_tool_info"
    )
    messages = conversation.turn(
        ActionCompareTools(default_resolver()), "compare it with what we're using now", "compare_tools"
    )
    assert [m.get("name") for m in messages if m.get("name")][:2] == ["lakeFS", "DVC"]


def test_compare_both_against_what_we_run_compares_three():
    conversation = Conversation()
    conversation.slots["own_tools"] = ["Apache Airflow"]
    conversation.turn(ActionToolInfo(default_resolver()), "what is dagster", "ask_tool_info")
    conversation.turn(ActionWhatAbout(default_resolver()), "and prefect?", "what_about")
    messages = conversation.turn(
        ActionCompareTools(default_resolver()), "now compare both of them against what we already run", "compare_tools"
    )
    assert {m.get("name") for m in messages if m.get("name")} >= {"Dagster", "Prefect", "Apache Airflow"}


def test_the_first_one_with_no_list_shown_is_the_first_tool_discussed():
    conversation = Conversation()
    conversation.turn(ActionCompareTools(default_resolver()), "kubeflow vs metaflow", "compare_tools")
    messages = conversation.turn(
        ActionToolAlternatives(default_resolver()), "anything simpler than the first one?", "ask_alternatives"
    )
    assert messages[0]["response"].startswith("utter_tool_alternatives") and messages[0]["name"] == "Kubeflow"


def test_a_platform_the_asker_lacks_is_not_the_tool_to_replace():
    conversation = Conversation()
    conversation.turn(ActionToolInfo(default_resolver()), "whats kubeflow", "ask_tool_info")
    messages = conversation.turn(
        ActionToolAlternatives(default_resolver()),
        "hm we have zero kubernetes people though. what could we use instead",
        "ask_alternatives",
        [{"entity": "tool", "value": "Kubernetes"}],
    )
    assert messages[0]["response"] == "utter_tool_alternatives" and messages[0]["name"] == "Kubeflow"


def after_kueue_with_volcano_beside_it(text: str, intent: str) -> Tracker:
    """ "My colleague talks about Kueue and Volcano. First, what is Kueue?" answered, then `text`."""
    first = user_event("My colleague talks about Kueue and Volcano. First, what is Kueue?", "ask_tool_info")
    first["parse_data"]["subjects"] = {"focus": "First, what is Kueue?", "tools": ["Kueue"], "context": ["Volcano"]}
    events = [
        first,
        {"event": "action", "name": "action_tool_info"},
        {"event": "slot", "name": "tools", "value": ["Kueue"]},
        user_event(text, intent),
    ]
    return make_tracker(events, {"tools": ["Kueue"]})


def test_both_of_them_are_the_tool_answered_and_the_one_named_beside_its_question():
    tracker = after_kueue_with_volcano_beside_it("Both of them are open source?", "ask_tool_attribute")
    messages, _ = run(ActionToolAttribute(default_resolver()), tracker)
    assert sorted(m["name"] for m in messages) == ["Kueue", "Volcano"]


def test_the_other_one_is_the_tool_named_beside_the_one_answered():
    tracker = after_kueue_with_volcano_beside_it("And the other one he mentioned?", "ask_tool_info")
    messages, _ = run(ActionToolInfo(default_resolver()), tracker)
    assert [m["name"] for m in messages] == ["Volcano"]


def test_an_odd_name_outside_a_question_about_the_tools_discussed_is_no_tool_asked_about():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is helicone", "ask_tool_info")
    talk.turn(ActionToolInfo(default_resolver()), "and langsmith?", "ask_tool_info")
    messages = talk.turn(
        ActionToolAttribute(default_resolver()),
        "we can't send customer tickets outside our own VPC. which of the two can we run ourselves?",
        "ask_tool_attribute",
    )
    assert [m["name"] for m in messages] == ["Helicone", "LangSmith"]
    assert all(r.startswith("utter_tool_hosting") for r in responses(messages))


def test_a_platform_named_where_the_tool_runs_is_not_the_tool_asked_about():
    talk = Conversation()
    talk.turn(ActionToolInfo(default_resolver()), "what is kubeflow pipelines", "ask_tool_info")
    text = "can that one be self-hosted, or does it only run on Google Cloud?"
    talk.events.append(user_event(text, "ask_tool_attribute"))
    talk.events[-1]["parse_data"]["subjects"] = {
        "focus": text,
        "written": text,
        "text": text,
        "places": ["Google Cloud"],
    }
    messages, _ = run(ActionToolAttribute(default_resolver()), make_tracker(talk.events, talk.slots))
    assert [m["name"] for m in messages] == ["Kubeflow Pipelines"]


def test_an_odd_name_is_still_asked_about_when_them_has_no_tools_discussed_to_mean():
    talk = Conversation()
    messages = talk.turn(
        ActionToolInfo(default_resolver()),
        "A vendor called Driftwatcher reached out about watching our models in production. Do you know them?",
        "ask_tool_info",
    )
    assert responses(messages) in (["utter_tool_unknown"], ["utter_tool_did_you_mean"])
