"""The report's analysis on Rasa's own events: turns, outcomes, the form, did-you-mean, the inbox, masking."""

from __future__ import annotations

import yaml

from evaluation.processes import ROOT
from evaluation.report import analysis as a
from tests.evaluation.report.events import T0, action, bot, loop, session, slot, user

INTENTS = list(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])


def turns(sender: str, *events):
    return a.turns_of(sender, [e for group in events for e in (group if isinstance(group, list) else [group])])


def test_every_response_of_the_domain_and_the_practice_answers_has_an_outcome():
    responses = dict(yaml.safe_load((ROOT / "domain.yml").read_text())["responses"])
    for path in (ROOT / "data" / "responses").glob("*.yml"):
        responses.update(yaml.safe_load(path.read_text())["responses"])
    unmapped = [name for name in responses if a.response_outcome(name) == a.NO_ANSWER]
    assert unmapped == []
    assert a.response_outcome("utter_faq/data_drift") == a.PRACTICE
    assert a.response_outcome("utter_more_data_drift") == a.PRACTICE
    assert a.response_outcome("utter_tool_unknown") == a.UNKNOWN_TOOL
    assert a.response_outcome("utter_default") == a.FALLBACK
    assert a.response_outcome("utter_ask_which_tool") == a.REPHRASE
    assert a.response_outcome("utter_no_such_response") == a.NO_ANSWER


def test_channels_come_from_the_conversation_id_and_rasa_shell_from_its_input_channel():
    assert a.channel_of("sms:+15550001234") == "sms"
    assert a.channel_of("slack:U123") == "slack"
    assert a.channel_of("webchat:abc") == "webchat"
    assert a.channel_of("rest:ada") == "rest"
    assert a.channel_of("5f0c2b1e9a", "cmdline") == a.SHELL
    assert a.channel_of("ada", "rest") == a.LEGACY
    assert a.channel_of("mailto:ada") == a.LEGACY


def test_a_turn_is_a_user_message_and_what_followed_until_the_next():
    found = turns(
        "rest:ada",
        session(T0),
        user("what is mlflow", "ask_tool_info", T0 + 1),
        action("action_tool_info", T0 + 1.01),
        bot("utter_tool_summary_open", T0 + 1.25, name="MLflow"),
        slot("tools", ["MLflow"], T0 + 1.25),
        slot("last_question", "info", T0 + 1.25),
        action("action_listen", T0 + 1.26),
        user("is it open source", "ask_tool_attribute", T0 + 5),
        bot("utter_tool_is_open_source", T0 + 5.5),
    )
    assert [t.text for t in found] == ["what is mlflow", "is it open source"]
    assert found[0].responses == ["utter_tool_summary_open"] and found[0].slot("tools") == ["MLflow"]
    assert found[0].outcome == a.TOOL and a.question_kind(found[0]) == "info"
    assert abs(found[0].reply_seconds - 0.25) < 1e-6 and abs(found[1].reply_seconds - 0.5) < 1e-6
    assert found[0].channel == "rest"


def test_a_failure_outweighs_an_answer_given_beside_it_and_an_answer_the_next_form_question():
    mixed = turns(
        "rest:a",
        user("compare zorbulator and mlflow", "compare_tools", T0),
        bot("utter_tool_unknown", T0 + 0.1, query="zorbulator"),
        bot("utter_tool_summary_open", T0 + 0.1),
    )
    mid_form = turns(
        "rest:b",
        user("what is drift", "faq", T0, retrieval="faq/data_drift"),
        bot("utter_faq/data_drift", T0 + 0.1),
        bot("utter_ask_recommend_hosting", T0 + 0.2),
    )
    silent = turns("rest:c", user("hello", "greet", T0))
    assert mixed[0].outcome == a.UNKNOWN_TOOL
    assert mid_form[0].outcome == a.PRACTICE
    assert silent[0].outcome == a.NO_ANSWER and silent[0].reply_seconds is None


def test_a_new_session_is_a_new_conversation_of_the_same_user():
    found = turns(
        "sms:+15550001234",
        session(T0),
        user("hi", "greet", T0 + 1),
        bot("utter_greet", T0 + 1.1),
        session(T0 + 7200),
        user("what is dvc", "ask_tool_info", T0 + 7201),
        bot("utter_tool_summary_open", T0 + 7201.1),
    )
    assert [t.conversation for t in found] == [0, 1]
    conversations = a.by_conversation(found)
    assert len(conversations) == 2 and len({t.sender_id for t in found}) == 1


def test_volume_counts_conversations_messages_and_users_per_day_and_channel():
    found = (
        turns("rest:a", session(T0), user("hi", "greet", T0 + 1), user("what is dvc", "ask_tool_info", T0 + 2))
        + turns("sms:+1", session(T0), user("hi", "greet", T0 + 3))
        + turns("rest:a", session(T0 + 86400), user("hi again", "greet", T0 + 86401))
    )
    for turn in found[3:]:
        turn.conversation = 1
    volume = a.volume(found)
    day1, day2 = a.day_of(T0), a.day_of(T0 + 86400)
    assert volume["messages"] == {day1: {"rest": 2, "sms": 1}, day2: {"rest": 1}}
    assert volume["conversations"] == {day1: {"rest": 1, "sms": 1}, day2: {"rest": 1}}
    assert volume["users"] == {day1: {"rest": 1, "sms": 1}, day2: {"rest": 1}}


def test_topics_tools_categories_and_comparisons_are_counted_once_a_turn():
    found = turns(
        "rest:a",
        user("what is drift", "faq", T0, retrieval="faq/data_drift"),
        bot("utter_faq/data_drift", T0 + 0.1),
        user("tell me more", "tell_me_more", T0 + 1),
        bot("utter_more_data_drift", T0 + 1.1),
        user("mlflow vs dvc", "compare_tools", T0 + 2),
        bot("utter_compare_tool_open", T0 + 2.1, name="MLflow"),
        bot("utter_compare_tool_open", T0 + 2.1, name="DVC"),
        slot("tools", ["MLflow", "DVC"], T0 + 2.1),
        slot("last_question", "compare", T0 + 2.1),
        user("feature stores", "list_tools", T0 + 3),
        bot("utter_tool_list", T0 + 3.1, category="Feature stores"),
        bot("utter_tool_list_more_offer", T0 + 3.1),
        slot("last_question", "list", T0 + 3.1),
        user("which tracker should I use", "recommend_tool", T0 + 4),
        bot("utter_recommendation", T0 + 4.1, name="MLflow", category="Experiment tracking"),
        slot("tools", ["MLflow"], T0 + 4.1),
        slot("last_question", "recommend", T0 + 4.1),
    )
    assert a.practice_topics(found) == {"data_drift": 1}
    assert a.tools_asked(found) == {"MLflow": 1, "DVC": 1}  # a recommendation is not a question about MLflow
    assert a.categories_listed(found) == {"Feature stores": 1}
    assert a.comparisons(found) == {"DVC vs MLflow": 1}
    assert a.question_kinds(found) == {"compare": 1, "list": 1, "recommend": 1}


def test_unknown_tools_are_counted_by_name_whatever_the_case_with_the_first_message_as_example():
    found = turns(
        "rest:a",
        user("what is Zorbulator", "ask_tool_info", T0),
        bot("utter_tool_unknown", T0 + 0.1, query="Zorbulator"),
        user("is zorbulator open source", "ask_tool_attribute", T0 + 1),
        bot("utter_tool_unknown", T0 + 1.1, query="zorbulator"),
        user("what is quxifyer", "ask_tool_info", T0 + 2),
        bot("utter_tool_unknown", T0 + 2.1, query="quxifyer"),
    )
    unknown = a.unknown_tools(found)
    assert [(u.name, u.count, u.example) for u in unknown] == [
        ("Zorbulator", 2, "what is Zorbulator"),
        ("quxifyer", 1, "what is quxifyer"),
    ]


def _offer(sender: str, at: float):
    return [
        user("how does kubeflux work", "ask_tool_info", at),
        bot("utter_tool_did_you_mean", at + 0.1, query="kubeflux", options="1) Kubeflow 2) Kubeflow Pipelines"),
        slot("shown_tools", ["Kubeflow", "Kubeflow Pipelines"], at + 0.1),
    ]


def test_did_you_mean_records_the_option_taken_something_else_or_leaving():
    took = turns(
        "rest:a",
        _offer("a", T0),
        user("2", "choose_option", T0 + 1),
        bot("utter_tool_summary_open", T0 + 1.1, name="Kubeflow Pipelines"),
        slot("tools", ["Kubeflow Pipelines"], T0 + 1.1),
    )
    other = turns("rest:b", _offer("b", T0), user("what is drift", "faq", T0 + 1), bot("utter_faq/data_drift", T0 + 1))
    left = turns("rest:c", _offer("c", T0))
    named = turns(
        "rest:d",
        _offer("d", T0),
        user("kubeflow", "ask_tool_info", T0 + 1),
        bot("utter_tool_summary_open", T0 + 1.1, name="Kubeflow"),
        slot("tools", ["Kubeflow"], T0 + 1.1),
    )
    offers = a.did_you_mean(took + other + left + named)
    assert [(o.query, o.taken, o.then) for o in offers] == [
        ("kubeflux", "Kubeflow Pipelines", "took option 2"),
        ("kubeflux", None, "asked something else"),
        ("kubeflux", None, "left"),
        ("kubeflux", "Kubeflow", "took option 1"),
    ]
    assert offers[0].options == ["Kubeflow", "Kubeflow Pipelines"]


def _form_start(at: float):
    return [
        user("which tracker should I use", "recommend_tool", at),
        action("tool_recommendation_form", at),
        loop("tool_recommendation_form", at),
        slot("requested_slot", "recommend_open_source", at),
        bot("utter_ask_recommend_open_source", at + 0.1),
    ]


def test_the_form_is_started_finished_or_left_at_the_question_it_was_asking():
    finished = turns(
        "rest:a",
        _form_start(T0),
        user("yes", "affirm", T0 + 1),
        slot("requested_slot", "recommend_hosting", T0 + 1),
        bot("utter_ask_recommend_hosting", T0 + 1.1),
        user("self-hosted", "inform", T0 + 2),
        slot("requested_slot", None, T0 + 2),
        loop(None, T0 + 2),
        action("action_recommend_tool", T0 + 2),
        bot("utter_recommendation", T0 + 2.1),
    )
    stopped = turns(
        "rest:b",
        _form_start(T0),
        user("stop", "stop", T0 + 1),
        action("action_deactivate_loop", T0 + 1),
        loop(None, T0 + 1),
        bot("utter_recommendation_stopped", T0 + 1.1),
    )
    abandoned = turns(
        "rest:c",
        _form_start(T0),
        user("yes", "affirm", T0 + 1),
        slot("requested_slot", "recommend_hosting", T0 + 1),
        bot("utter_ask_recommend_hosting", T0 + 1.1),
    )
    run = a.recommendation_form(a.by_conversation(finished + stopped + abandoned))
    assert (run.started, run.finished, run.left_total) == (3, 1, 2)
    assert run.left == {"recommend_open_source": 1, "recommend_hosting": 1}


def test_conversations_ending_right_after_a_fallback_are_counted():
    found = turns("rest:a", user("blah", "nlu_fallback", T0), bot("utter_default", T0 + 0.1)) + turns(
        "rest:b",
        user("blah", "nlu_fallback", T0),
        bot("utter_default", T0 + 0.1),
        user("hi", "greet", T0 + 1),
        bot("utter_greet", T0 + 1.1),
    )
    conversations = a.by_conversation(found)
    assert a.last_outcomes(conversations) == {a.FALLBACK: 1, a.SMALL_TALK: 1}
    assert a.conversation_lengths(conversations) == {1: 1, 2: 1}


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert a.percentile(values, 90) == 90.0 and a.percentile(values, 100) == 100.0
    assert a.percentile([0.2], 99) == 0.2 and a.percentile([], 50) is None
    assert a.median([1.0, 3.0]) == 2.0


def test_the_inbox_takes_fallbacks_low_confidence_and_rephrased_messages_with_a_domain_label():
    found = turns(
        "rest:a",
        user(
            "explain plate tectonics",
            "nlu_fallback",
            T0,
            confidence=0.4,
            ranking=[("faq", 0.39), ("out_of_scope", 0.2)],
            retrieval="faq/parallel_processing",
        ),
        bot("utter_default", T0 + 0.1),
        user("wat is mlfow thing", "ask_tool_info", T0 + 10, confidence=0.5),
        bot("utter_tool_summary_open", T0 + 10.1),
        user("what is the mlflow thing", "ask_tool_info", T0 + 20, confidence=0.97),
        bot("utter_tool_summary_open", T0 + 20.1),
        user(
            "how do i shrink images", "faq", T0 + 30, confidence=0.9, retrieval="faq/docker", retrieval_confidence=0.3
        ),
        bot("utter_faq/docker", T0 + 30.1),
        user("/choose_option", "choose_option", T0 + 40, confidence=0.1),
        user("hello", "greet", T0 + 50, confidence=0.99),
    )
    items = a.inbox(found, INTENTS)
    assert [(i.turn.text, i.reasons, i.label) for i in items] == [
        ("explain plate tectonics", ["fell back"], "faq/parallel_processing"),
        ("wat is mlfow thing", ["low confidence", "rephrased next"], "ask_tool_info"),
        ("how do i shrink images", ["low confidence"], "faq/docker"),
    ]


def test_a_message_is_rephrased_only_by_a_similar_next_message_of_the_same_conversation_soon_after():
    first = turns("rest:a", user("what is a feature store", "faq", T0))[0]
    similar_later = turns("rest:a", user("what's a feature store then", "faq", T0 + 3600))[0]
    similar_soon = turns("rest:a", user("what's a feature store then", "faq", T0 + 20))[0]
    other_sender = turns("rest:b", user("what's a feature store then", "faq", T0 + 20))[0]
    different = turns("rest:a", user("thanks", "thanks", T0 + 20))[0]
    assert a.rephrased(first, similar_soon)
    assert not a.rephrased(first, similar_later)
    assert not a.rephrased(first, other_sender)
    assert not a.rephrased(first, different)
    assert not a.rephrased(first, None)


def test_masking_hides_phone_numbers_email_addresses_and_long_digit_runs_only():
    assert a.mask("call me on +1 (555) 123-4567 or 0151 2345 678") == "call me on <phone> or <phone>"
    assert a.mask("mail ada.l@example.co.uk please") == "mail <email> please"
    assert a.mask("order 12345678 failed, text 5551234567") == "order <number> failed, text <number>"
    assert (
        a.mask("python 3.10, 4gb images, 2 gpus, v1.2.3, 2026-12-06")
        == "python 3.10, 4gb images, 2 gpus, v1.2.3, 2026-12-06"
    )
