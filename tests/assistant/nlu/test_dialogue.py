"""assistant.nlu.dialogue: the last answer, read from the tracker Rasa hands the NLU graph."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.nlu.dialogue import MENTIONS_KEPT, held_tools, last_answer


def _tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("someone", [ActionExecuted("action_listen"), *events])


def test_the_last_answer_is_the_response_its_first_message_came_from():
    tracker = _tracker(
        UserUttered("what is drift"),
        BotUttered("old answer", metadata={"utter_action": "utter_faq/data_drift"}),
        UserUttered("how do I track experiments with mlflow"),
        BotUttered("Log every run ...", metadata={"utter_action": "utter_faq/experiment_tracking"}),
        BotUttered("MLflow is ...", metadata={"utter_action": "utter_tool_note"}),
    )
    assert last_answer(tracker) == "utter_faq/experiment_tracking"


def test_no_answer_yet_or_no_tracker_is_no_last_answer():
    assert last_answer(None) == ""
    assert last_answer(_tracker()) == ""
    assert last_answer(_tracker(UserUttered("hi"))) == ""
    assert last_answer(_tracker(UserUttered("hi"), BotUttered("Hello!"))) == ""  # a message without its response


def test_the_tools_held_are_the_discussed_then_the_listed_then_the_recently_named_beside_a_question():
    tracker = _tracker(
        UserUttered("we run Airflow. what is Dagster?", parse_data={"subjects": {"context": ["Apache Airflow"]}}),
        SlotSet("tools", ["Dagster"]),
        SlotSet("shown_tools", ["Prefect", "Dagster"]),
    )
    assert held_tools(tracker) == ["Dagster", "Prefect", "Apache Airflow"]
    assert held_tools(None) == []


def test_a_name_said_beside_a_question_long_ago_is_no_longer_held():
    old = UserUttered("we run Airflow. what is Dagster?", parse_data={"subjects": {"context": ["Apache Airflow"]}})
    later = [UserUttered(f"question {n}") for n in range(MENTIONS_KEPT)]
    assert held_tools(_tracker(old, *later)) == []
