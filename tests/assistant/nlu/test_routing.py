"""When the knowledge base overrules NLU's intent (assistant/nlu/routing.py)."""

from __future__ import annotations

from typing import Optional, Sequence

import pytest

from assistant.nlu.routing import (
    ANSWERED_TOOL,
    Conversation,
    Parse,
    asks_for_tools,
    lists_the_topics_job,
    points_back,
    route,
    unnamed_category,
    without_places,
)
from core.resolver import Resolution, default_resolver


def _resolution(
    tools: Sequence[str] = (), category: Optional[str] = None, unknown: Optional[str] = None, text: str = ""
) -> Resolution:
    return Resolution(
        text, list(tools), [], category, unknown, naming_words=tuple(w for name in tools for w in name.lower().split())
    )


def _parse(intent: str, practice: float = 0.0, ranking=(), category: Optional[str] = None) -> Parse:
    return Parse(intent, 0.9, tuple(ranking) or ((intent, 0.9),), practice, category)


@pytest.mark.parametrize(
    "text, intent, tools, expected",
    [
        ("kserv?", "nlu_fallback", ["KServe"], "ask_tool_info"),
        ("Could you describe ClearML?", "faq", ["ClearML"], "ask_tool_info"),
        ("what's Triton Inference Server?", "faq", ["Triton Inference Server"], "ask_tool_info"),
        ("is dvc open src", "nlu_fallback", ["DVC"], "ask_tool_attribute"),
        ("mlflow or wandb", "nlu_fallback", ["MLflow", "Weights & Biases"], "compare_tools"),
        ("something instead of airflow", "nlu_fallback", ["Apache Airflow"], "ask_alternatives"),
    ],
)
def test_a_name_the_resolver_finds_makes_a_tool_question(text, intent, tools, expected):
    assert route(text, _parse(intent, practice=0.3), _resolution(tools)) == expected


def test_a_practice_question_that_names_a_tool_stays_a_practice_question():
    text = "how do i track experiments properly with mlflow across a team?"
    assert route(text, _parse("faq", practice=0.8), _resolution(["MLflow"])) is None


@pytest.mark.parametrize(
    "intent", ["ask_tool_info", "ask_tool_attribute", "compare_tools", "ask_alternatives", "what_about"]
)
def test_tool_intents_are_left_alone(intent):
    assert route("what is kserve", _parse(intent), _resolution(["KServe"], unknown=None)) is None


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("what is zorbulator?", "faq", "ask_tool_info"),
        ("is zorbulator open source", "nlu_fallback", "ask_tool_attribute"),
        ("is zorbulator a good feature store?", "recommend_tool", "ask_tool_attribute"),  # "a ... store": its category
    ],
)
def test_an_unknown_name_makes_a_tool_question_the_assistant_can_admit_it_does_not_know(text, intent, expected):
    assert route(text, _parse(intent, practice=0.3), _resolution(unknown="zorbulator")) == expected


def test_a_fact_asked_about_an_unknown_name_nlu_was_unsure_of_is_a_tool_question():
    text = "And FeatureVault, is that one free too?"
    assert (
        route(text, _parse("nlu_fallback", practice=0.1), _resolution(unknown="FeatureVault")) == "ask_tool_attribute"
    )


def test_an_open_source_question_is_that_fact_even_when_nlu_heard_alternatives():
    text = "is that thing even open source or are we completely locked in?"
    assert route(text, _parse("ask_alternatives"), _resolution()) == "ask_tool_attribute"
    assert route("any open source alternatives?", _parse("ask_alternatives"), _resolution()) is None


def test_an_odd_lower_case_word_in_a_sure_off_topic_message_nearer_to_off_topic_talk_stays_off_topic():
    text = "Can you recommend me a good recipe of pierogi? My mother-in-law is coming on Sunday."
    off_topic = Parse("out_of_scope", 0.98, (("out_of_scope", 0.98),), 0.07, None, 0.34, None, 0.48)
    assert route(text, off_topic, _resolution(unknown="pierogi")) is None
    on_topic = Parse("out_of_scope", 0.98, (("out_of_scope", 0.98),), 0.07, None, 0.6, None, 0.3)
    assert route("how do i deploy with kubrixa", on_topic, _resolution(unknown="kubrixa")) == "ask_tool_info"


def test_a_capitalised_unknown_name_with_an_english_ending_is_still_a_name():
    text = "Is Featurely a good one to start with?"
    parse = _parse("faq", practice=0.84)
    assert route(text, parse, _resolution(unknown="Featurely")) == "ask_tool_info"
    assert route("is anonymising a dataset enough", parse, _resolution(unknown="anonymising")) is None


def test_a_fact_only_a_tool_has_asked_with_no_name_is_asked_of_the_tool_discussed():
    text = "nice. and the exact licence? our compliance people will ask"
    assert route(text, _parse("faq", practice=0.48), _resolution()) == "ask_tool_attribute"


def test_alternatives_heard_for_a_kind_of_tool_and_no_tool_are_a_list():
    text = "our chatbot leaks PII sometimes. what guardrail tools exist"
    assert route(text, _parse("ask_alternatives"), _resolution(category="privacy-security")) == "list_tools"


def test_a_fact_nlu_was_unsure_of_is_asked_of_the_last_answer_even_when_the_selector_guessed_a_topic():
    parse = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4),), 0.26, None, 0.57, "llm-serving", 0.24)
    assert route("ok which ones are open source", parse, _resolution()) == "ask_tool_attribute"


def test_two_facts_asked_of_a_tool_are_an_attribute_question_even_with_what_is_it():
    text = "the platform team keeps saying Kueue at me. what KIND of tool is it and what is it even written in"
    assert route(text, _parse("ask_tool_info"), _resolution(["Kueue"])) == "ask_tool_attribute"
    assert route("no clue what it is, kueue", _parse("ask_tool_info"), _resolution(["Kueue"])) is None


def test_an_unknown_word_the_asker_owns_is_no_tool_name():
    text = "self-hosted. everything we run sits in our own datacenter"
    assert route(text, _parse("nlu_fallback", practice=0.3), _resolution(unknown="datacenter")) != "ask_tool_attribute"


def test_compare_with_an_unknown_name_is_a_comparison():
    assert (
        route(
            "compare zorbulator and mlflow", _parse("faq", practice=0.3), _resolution(["MLflow"], unknown="zorbulator")
        )
        == "compare_tools"
    )


def test_a_sure_practice_answer_is_kept_despite_an_odd_word():
    text = "why should our tiny startup bother with mlopsy stuff like monitoring at all"
    assert route(text, _parse("faq", practice=0.8), _resolution(unknown="mlopsy")) is None


@pytest.mark.parametrize(
    "text",
    [
        "which tools can watch my production models for drift?",
        "what can I use to scale Python across a cluster?",
        "tools to deploy models on Kubernetes?",
        "any libraries that validate incoming data",
        "what notebook environments do people use?",
    ],
)
def test_asking_for_tools_of_a_job_lists_them(text):
    assert asks_for_tools(text)
    assert route(text, _parse("faq", practice=0.9), _resolution(category="monitoring")) == "list_tools"


@pytest.mark.parametrize("text", ["how do I detect data drift?", "what is a feature store", "why version data"])
def test_practice_questions_do_not_ask_for_tools(text):
    assert not asks_for_tools(text)
    assert route(text, _parse("faq", practice=0.9), _resolution(category="monitoring")) is None


def test_an_unsure_practice_answer_goes_to_the_small_talk_nlu_ranked_next():
    parse = _parse("faq", practice=0.08, ranking=[("faq", 0.81), ("thanks", 0.13), ("ask_tool_info", 0.01)])
    assert route("cheers, that was really helpful", parse, _resolution()) == "thanks"


def test_an_unsure_practice_answer_with_no_small_talk_behind_it_falls_back():
    parse = _parse("faq", practice=0.1, ranking=[("faq", 0.7), ("compare_tools", 0.2)])
    assert route("explain plate tectonics", parse, _resolution()) == "nlu_fallback"


@pytest.mark.parametrize("text", ["how do i tune my guitar to drop d", "wedding registry ideas for the couple"])
def test_a_practice_answer_that_resembles_no_practice_question_is_not_sent(text):
    parse = Parse("faq", 0.9, (("faq", 0.9), ("out_of_scope", 0.08)), practice_confidence=0.7, practice_similarity=0.3)
    assert route(text, parse, _resolution()) == "out_of_scope"


def test_off_topic_talk_holding_a_tool_word_is_not_a_tool_question():
    parse = Parse("faq", 0.6, (("faq", 0.6), ("out_of_scope", 0.3)), practice_confidence=0.4, practice_similarity=0.3)
    assert (
        route("my bedroom has terrible airflow, any fan recommendations?", parse, _resolution(["Apache Airflow"]))
        == "out_of_scope"
    )


@pytest.mark.parametrize(
    "text, tools, expected",
    [
        ("should i pick airflow or prefect for a 3 person team", ["Apache Airflow", "Prefect"], "compare_tools"),
        ("where can i find the docs for great expectations", ["Great Expectations"], "ask_tool_attribute"),
        ("someone said we should try skypilot for our gpu jobs. what is it", ["SkyPilot"], "ask_tool_info"),
        ("our labelbox contract ends next month, what should we move to?", ["Labelbox"], "ask_alternatives"),
        ("Prefect or Dagster. pick one. every blog post says 'it depends'", ["Prefect", "Dagster"], "compare_tools"),
        ("How do ONNX and Safetensors differ as ways of saving a model?", ["ONNX", "Safetensors"], "compare_tools"),
        ("can you put SHAP and LIME side by side", ["SHAP", "LIME"], "compare_tools"),
        ("Before I say yes, what is Prodigy actually?", ["Prodigy"], "ask_tool_info"),
        ("Let's start with the first: what is Helicone?", ["Helicone"], "ask_tool_info"),
    ],
)
def test_a_pointed_tool_question_beats_a_confident_practice_answer(text, tools, expected):
    assert route(text, _parse("faq", practice=0.9), _resolution(tools)) == expected


@pytest.mark.parametrize(
    "text, tools",
    [
        ("we email python files around, should we switch to git", ["Git"]),
        ("rebuilt the same dockerfile and got a different numpy, why", ["Docker", "NumPy"]),
        ("public interest bots built with rasa", ["Rasa"]),
    ],
)
def test_a_practice_question_naming_tools_stays_a_practice_question(text, tools):
    assert route(text, _parse("faq", practice=0.9), _resolution(tools)) is None


def test_an_odd_word_before_or_in_a_long_practice_question_is_not_a_tool():
    text = "shud i bother writing unit tests for my feature engineering funcs or is that overkill"
    assert route(text, _parse("faq", practice=0.9), _resolution(unknown="funcs")) is None


def test_two_unknown_names_with_or_are_compared():
    text = "fizzmodel or nexalyze for monitoring drift?"
    assert (
        route(text, _parse("faq", practice=0.9), _resolution(unknown="fizzmodel", category="monitoring"))
        == "compare_tools"
    )


def test_a_sure_out_of_scope_message_keeps_its_intent_despite_a_tool_word():
    parse = Parse("out_of_scope", 0.8, (("out_of_scope", 0.8),), 0.1, practice_similarity=0.3)
    assert route("whats the main theme of kafka's metamorphosis", parse, _resolution(["Apache Kafka"])) is None


def test_asking_for_tools_for_the_job_of_a_practice_topic_lists_that_job():
    parse = Parse(
        "faq", 0.9, (("faq", 0.9),), practice_confidence=0.8, practice_similarity=0.7, topic_category="explainability"
    )
    assert route("tools for explaining why my model predicted what it did", parse, _resolution()) == "list_tools"


def test_an_off_topic_message_gets_no_category_from_its_nearest_topic():
    parse = Parse(
        "faq",
        0.9,
        (("faq", 0.9), ("out_of_scope", 0.1)),
        practice_confidence=0.3,
        practice_similarity=0.3,
        topic_category="model-serving",
    )
    assert route("any tools for serving dinner to twelve people", parse, _resolution()) == "out_of_scope"


@pytest.mark.parametrize(
    "text, tools, expected",
    [
        ("tell me about skypilot and modal, both came up in a gpu cost thread", ["SkyPilot", "Modal"], "ask_tool_info"),
        ("can i use grafana for free at work", ["Grafana"], "ask_tool_attribute"),
        ("is Chalk a feature store or a data catalog or what", ["Chalk"], "ask_tool_attribute"),
        ("we're on sagemaker but might leave aws, what's comparable", ["Amazon SageMaker"], "ask_alternatives"),
    ],
)
def test_more_pointed_tool_questions(text, tools, expected):
    assert route(text, _parse("faq", practice=0.9), _resolution(tools)) == expected


@pytest.mark.parametrize(
    "text, tools, expected",
    [
        ("what's vllm and why does everyone use it", ["vLLM"], "ask_tool_info"),  # about the tool, not its job
        ("what would i use for that", [], "list_tools"),  # "that" is the last answer's topic: the action reads it
    ],
)
def test_no_tool_list_from_the_messages_own_topic_when_it_names_a_tool_or_points_back(text, tools, expected):
    parse = Parse(
        "faq", 0.9, (("faq", 0.9),), practice_confidence=0.8, practice_similarity=0.7, topic_category="llm-frameworks"
    )
    assert route(text, parse, _resolution(tools)) == expected
    assert not lists_the_topics_job(text, parse, _resolution(tools))


def test_others_like_that_after_a_tool_asks_for_alternatives():
    parse = Parse("faq", 0.6, (("faq", 0.6), ("tell_me_more", 0.1)), practice_confidence=0.13, practice_similarity=0.31)
    assert route("show me others like that", parse, _resolution()) == "ask_alternatives"


@pytest.mark.parametrize(
    "text, intent, resolution",
    [
        ("hmm, something to manage features, a feature store", "inform", _resolution(category="feature-store")),
        ("oss, self-hostd", "inform", _resolution()),
        ("idc tbh", "skip", _resolution(unknown="idc")),
        ("whatevr works", "skip", _resolution(unknown="whatevr")),
    ],
)
def test_answers_to_the_assistants_questions_are_left_alone(text, intent, resolution):
    assert route(text, _parse(intent), resolution) is None


def test_no_mlflow_is_still_a_tool_question():
    assert route("no, mlflow", _parse("deny"), _resolution(["MLflow"])) == "ask_tool_info"


def test_an_english_word_missing_from_the_dictionary_is_not_an_unknown_tool():
    assert (
        route(
            "is anonymising a dataset enough for privacy",
            _parse("faq", practice=0.6),
            _resolution(unknown="anonymising"),
        )
        is None
    )


def test_which_alone_does_not_ask_for_the_tools_of_the_topics_job():
    parse = Parse(
        "faq", 0.9, (("faq", 0.9),), practice_confidence=0.4, practice_similarity=0.7, topic_category="dev-tools"
    )
    assert route("which dev practices give data people the most bang for the buck", parse, _resolution()) is None
    assert (
        route("which orchestrators r there", _parse("faq", practice=0.4), _resolution(category="orchestration"))
        == "list_tools"
    )


@pytest.mark.parametrize("text, unknown", [("my name is Priyanka", "Priyanka"), ("i work at Zalando", "Zalando")])
def test_a_person_or_a_company_introduced_is_not_an_unknown_tool(text, unknown):
    parse = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("greet", 0.1)), 0.1, practice_similarity=0.3)
    assert route(text, parse, _resolution(unknown=unknown)) is None


@pytest.mark.parametrize(
    "text, intent",
    [("n tecton?", "nlu_fallback"), ("and tecton?", "ask_tool_info"), ("what about tecton", "nlu_fallback")],
)
def test_and_x_asks_the_last_question_again(text, intent):
    assert route(text, _parse(intent), _resolution(["Tecton"])) == "what_about"


def test_and_x_with_more_words_is_its_own_question():
    assert route("and tecton, what is it exactly?", _parse("ask_tool_info"), _resolution(["Tecton"])) is None


@pytest.mark.parametrize("text, second", [("wat is drift", "ask_tool_info"), ("n canary?", "what_about")])
def test_a_fallback_plainly_like_a_practice_question_gets_its_answer(text, second):
    sure = Parse(
        "nlu_fallback",
        0.4,
        (("nlu_fallback", 0.4), (second, 0.3), ("faq", 0.2)),
        practice_confidence=0.7,
        practice_similarity=0.7,
    )
    assert route(text, sure, _resolution()) == "faq"
    barely_alike = Parse(
        "nlu_fallback",
        0.4,
        (("nlu_fallback", 0.4), (second, 0.3), ("faq", 0.2)),
        practice_confidence=0.7,
        practice_similarity=0.5,
    )
    assert route(text, barely_alike, _resolution()) is None


@pytest.mark.parametrize(
    "text, tools, expected",
    [
        ("what is a seldon crisis", ["Seldon"], None),
        ("explain the battle of helm's deep", ["Helm"], None),
        ("who makes seldon", ["Seldon"], "ask_tool_info"),  # nothing but the name: the tool
        ("is kafka open source", ["Kafka"], "ask_tool_attribute"),  # a fact only a tool has
        ("in a nutshell how does great expectations work", ["Great Expectations"], "ask_tool_info"),
        ("how does the plot of great expectations work out", ["Great Expectations"], None),
    ],
)
def test_sure_off_topic_talk_with_a_tools_word_in_it_stays_off_topic(text, tools, expected):
    parse = Parse("out_of_scope", 0.8, (("out_of_scope", 0.8), ("faq", 0.1)), 0.1, practice_similarity=0.3)
    assert route(text, parse, _resolution(tools)) == expected


def test_a_name_before_what_it_names_is_asked_about():
    parse = Parse("faq", 0.98, (("faq", 0.98),), practice_confidence=0.87, practice_similarity=0.69)
    assert (
        route("tecson feature store - worth it?", parse, _resolution(unknown="tecson", category="feature-store"))
        == "ask_tool_info"
    )


def test_an_unknown_name_used_as_a_tool_is_asked_about_even_when_nlu_is_sure_it_is_off_topic():
    parse = Parse("out_of_scope", 0.69, (("out_of_scope", 0.69), ("faq", 0.28)), 0.16, practice_similarity=0.55)
    assert route("how do i deploy with kubrixa", parse, _resolution(unknown="kubrixa")) == "ask_tool_info"
    assert route("how do i deal with grandma", parse, _resolution(unknown="grandma")) is None


@pytest.mark.parametrize(
    "text", ["examples?", "any examples", "like what?", "such as?", "e.g.?", "fine. tools?", "any libraries?"]
)
def test_asking_for_examples_lists_tools(text):
    parse = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("help", 0.3)), 0.2, practice_similarity=0.4)
    assert route(text, parse, _resolution()) == "list_tools"


@pytest.mark.parametrize(
    "text, tools, naming",
    [
        ("Please explain me Pandera, my team lead wants that we use it.", ["Pandera"], ("pandera",)),
        ("Hello, what is Evidentely? Our consultant recommended it for drift reports.", ["Evidently"], ("evidentely",)),
        ("what is kubeflwo and do we need it for 3 models?", ["Kubeflow"], ("kubeflwo",)),
        ("Can you give me a short overview of Opacus? We need differential privacy.", ["Opacus"], ("opacus",)),
        ("I want to know about Lable Studio, we need to annotate some texts", ["Label Studio"], ("lable", "studio")),
        ("someone mentioned openlineage in standup, wtf is that", ["OpenLineage"], ("openlineage",)),
    ],
)
def test_a_sentence_asking_what_a_tool_is_makes_a_tool_question_however_long_the_message(text, tools, naming):
    parse = Parse("faq", 0.9, (("faq", 0.9),), practice_confidence=0.6, practice_similarity=0.6)
    resolution = Resolution(text, tools, [], None, None, naming_words=naming)
    assert route(text, parse, resolution) == "ask_tool_info"


def test_a_comparison_word_compares_only_names_in_its_own_sentence():
    text = (
        "My colleague uses Alpine as base image with numpy and pandas. Which base image is better for "
        "python data science?"
    )
    parse = Parse("faq", 0.9, (("faq", 0.9),), practice_confidence=0.6, practice_similarity=0.6)
    resolution = Resolution(
        text, ["Alpine Linux", "NumPy", "pandas"], [], None, None, naming_words=("alpine", "numpy", "pandas")
    )
    assert route(text, parse, resolution) is None
    assert (
        route(
            "alpine or debian slim, which is better?",
            parse,
            Resolution("", ["Alpine Linux", "Debian"], [], None, None, naming_words=("alpine", "debian")),
        )
        == "compare_tools"
    )


@pytest.mark.parametrize(
    "text, unknown, category_words",
    [
        ("Quantiva AutoML, is it any good?", "Quantiva", ("automl",)),
        ("mgmt wants us to evaluate Modelhaven as our model registry, thoughts?", "Modelhaven", ("model", "registry")),
    ],
)
def test_an_unknown_name_of_a_category_is_asked_about(text, unknown, category_words):
    parse = Parse("faq", 0.9, (("faq", 0.9),), practice_confidence=0.7, practice_similarity=0.6)
    resolution = Resolution(text, [], [], "automl", unknown, category_words=category_words)
    assert route(text, parse, resolution) == "ask_tool_info"


def test_use_instead_asks_for_alternatives():
    parse = Parse("ask_tool_attribute", 0.8, (("ask_tool_attribute", 0.8),))
    assert (
        route("seldon core changed its license, what do ppl use instead", parse, _resolution(["Seldon Core"]))
        == "ask_alternatives"
    )


def test_tell_me_more_about_this_inside_a_polite_message_asks_for_more():
    parse = Parse("faq", 0.61, (("faq", 0.61), ("thanks", 0.06)), practice_confidence=0.14, practice_similarity=0.35)
    text = "Thank you, could you please tell me more about this? I want to have full picture before the meeting."
    assert route(text, parse, _resolution()) == "tell_me_more"
    assert route("tell me more about feature stores", parse, _resolution(category="feature-store")) != "tell_me_more"


def test_what_can_you_help_me_with_asks_for_help_unless_a_practice_answer_is_sure():
    text = "Hello, what can you help me with? I am new in our ML team and still learning."
    unsure = Parse("faq", 0.95, (("faq", 0.95), ("help", 0.04)), practice_confidence=0.44, practice_similarity=0.72)
    assert route(text, unsure, _resolution()) == "help"


def test_an_attribute_of_it_asked_after_a_tool_is_that_tools():
    parse = Parse("help", 0.42, (("help", 0.42), ("recommend_tool", 0.23)), 0.12, practice_similarity=0.35)
    assert route("what category would u put it in", parse, _resolution()) == "ask_tool_attribute"


def test_a_category_and_libs_is_a_list():
    parse = Parse("ask_tool_attribute", 0.5, (("ask_tool_attribute", 0.5), ("list_tools", 0.32)))
    assert route("hpo libs?", parse, _resolution(category="hyperparameter-tuning")) == "list_tools"


def test_how_does_this_work_stays_help():
    parse = Parse("help", 0.95, (("help", 0.95), ("ask_tool_info", 0.03)), 0.07, practice_similarity=0.43)
    assert route("how does this work? what kind of stuff can i ask you", parse, _resolution()) is None


def test_a_message_nearer_an_off_topic_example_than_any_practice_question_gets_no_practice_answer():
    near_off_topic = Parse(
        "faq",
        0.85,
        (("faq", 0.85), ("out_of_scope", 0.15)),
        practice_confidence=0.58,
        practice_similarity=0.50,
        off_topic_similarity=0.66,
    )
    text = "how do dock workers load shipping containers onto a ship"
    assert route(text, near_off_topic, _resolution()) == "out_of_scope"
    near_practice = Parse(
        "faq",
        0.85,
        (("faq", 0.85), ("out_of_scope", 0.15)),
        practice_confidence=0.58,
        practice_similarity=0.66,
        off_topic_similarity=0.50,
    )
    assert route(text, near_practice, _resolution()) is None


def test_which_one_should_i_use_for_a_named_job_is_a_recommendation():
    parse = Parse("faq", 0.97, (("faq", 0.97),), practice_confidence=0.86, practice_similarity=0.7)
    assert (
        route("whch hyperparam tuner shd i use", parse, _resolution(category="hyperparameter-tuning"))
        == "recommend_tool"
    )
    assert (
        route("which hyperparam tuners should i look at", parse, _resolution(category="hyperparameter-tuning"))
        != "recommend_tool"
    )


def test_is_it_this_kind_of_tool_or_that_asks_its_category():
    parse = Parse("faq", 0.9, (("faq", 0.9),), practice_confidence=0.7, practice_similarity=0.6)
    assert (
        route("is cleanlab an evaluation tool or more data validation?", parse, _resolution(["cleanlab"]))
        == "ask_tool_attribute"
    )


def test_an_unsure_practice_answer_to_a_message_like_the_practice_questions_asks_to_rephrase():
    text = "our inference images are like 4gb each and ci takes forever pulling them. how do i shrink them"
    on_topic = Parse(
        "faq",
        0.86,
        (("faq", 0.86), ("out_of_scope", 0.1)),
        practice_confidence=0.11,
        practice_similarity=0.49,
        off_topic_similarity=0.4,
    )
    assert route(text, on_topic, _resolution()) == "nlu_fallback"
    off_topic = Parse(
        "faq",
        0.86,
        (("faq", 0.86), ("out_of_scope", 0.1)),
        practice_confidence=0.11,
        practice_similarity=0.3,
        off_topic_similarity=0.4,
    )
    assert route(text, off_topic, _resolution()) == "out_of_scope"


def _job_parse(intent: str, job: str, similarity: float = 0.6, share: float = 0.7, practice: float = 0.1) -> Parse:
    return Parse(
        intent, 0.9, ((intent, 0.9),), practice, None, job_category=job, job_similarity=similarity, job_share=share
    )


def test_a_request_for_tools_that_names_no_category_takes_the_job_its_words_describe():
    text = "we need a place where finished models are stored and signed off before they go live, what products exist?"
    assert unnamed_category(text, _job_parse("list_tools", "model-registry"), _resolution()) == "model-registry"


@pytest.mark.parametrize(
    "text, parse",
    [
        ("tools?", _job_parse("list_tools", "dev-tools")),  # describes no job
        ("any tools for that?", _job_parse("list_tools", "dev-tools")),  # points back at the last answer
        ("which products keep features consistent", _job_parse("list_tools", "model-serving", similarity=0.2)),
        ("which products keep features consistent", _job_parse("list_tools", "model-serving", share=0.1)),
    ],
)
def test_a_job_found_by_meaning_needs_words_of_its_own_and_a_clear_vote(text, parse):
    assert unnamed_category(text, parse, _resolution()) is None


def test_a_named_category_or_a_sure_practice_topic_comes_before_the_job_found_by_meaning():
    text = "training/serving skew is killing us. which products keep features consistent between the two"
    parse = Parse(
        "list_tools",
        0.9,
        (("list_tools", 0.9),),
        0.8,
        None,
        topic_category="feature-store",
        job_category="model-serving",
        job_similarity=0.6,
        job_share=0.6,
    )
    assert unnamed_category(text, parse, _resolution()) == "feature-store"
    assert unnamed_category(text, parse, _resolution(category="labeling")) is None  # named: the action reads it


@pytest.mark.parametrize(
    "text",
    ["Are there tools that can detect it automatically?", "and what tools could check all that automatically?"],
)
def test_a_short_request_with_an_object_pronoun_points_back(text):
    assert points_back(text)  # the job is the last answer's, not "automatically"'s (AutoML)


def test_a_long_message_that_describes_its_own_job_does_not_point_back():
    assert points_back("any tools for that?")
    assert not points_back(
        "We need a way for a few reviewers to tag thousands of product photos. What software is out there for that?"
    )


@pytest.mark.parametrize(
    "text",
    ["could it run inside our own data centre?", "can we run it in-house?", "do we have to pay for either of them?"],
)
def test_a_fact_asked_about_the_tool_discussed_is_a_tool_question_whatever_nlu_heard(text):
    assert route(text, _parse("faq", practice=0.6), _resolution()) == "ask_tool_attribute"


@pytest.mark.parametrize("text", ["how do those two stack up? I only have a laptop", "compare all three. quickly"])
def test_comparing_the_tools_discussed_is_a_comparison(text):
    assert route(text, _parse("nlu_fallback"), _resolution()) == "compare_tools"


def test_a_long_practice_message_both_classifiers_are_sure_of_keeps_its_answer_however_low_its_similarity():
    text = "we're building a Q&A assistant over our internal wiki, LLM plus retrieval"
    sure = Parse("faq", 0.97, (("faq", 0.97),), 0.95, practice_similarity=0.44, off_topic_similarity=0.30)
    assert route(text, sure, _resolution()) is None
    unsure = Parse("faq", 0.6, (("faq", 0.6), ("out_of_scope", 0.3)), 0.95, practice_similarity=0.44)
    assert route(text, unsure, _resolution()) == "out_of_scope"  # one classifier unsure: the similarity rules
    nearer_off_topic = Parse("faq", 0.97, (("faq", 0.97),), 0.95, practice_similarity=0.44, off_topic_similarity=0.5)
    assert route(text, nearer_off_topic, _resolution()) == "nlu_fallback"


def test_an_unsure_out_of_scope_the_selector_is_sure_of_is_the_practice_answer():
    ranking = (("out_of_scope", 0.53), ("ask_tool_info", 0.28), ("faq", 0.1))
    parse = Parse("out_of_scope", 0.53, ranking, 0.87, practice_similarity=0.87, off_topic_similarity=0.28)
    assert route("hi whats a canary release", parse, _resolution()) == "faq"
    sure = Parse("out_of_scope", 0.8, (("out_of_scope", 0.8),), 0.87, practice_similarity=0.87)
    assert route("hi whats a canary release", sure, _resolution()) is None


def test_what_people_do_a_job_with_asks_for_tools():
    assert asks_for_tools("what do ppl schedule their training pipelines with? cron is getting ugly")


def test_an_unknown_name_asked_about_in_its_own_short_question_is_a_tool_question():
    text = "And FeatureBase? Someone on the team mentioned that one too."
    parse = Parse("faq", 0.6, (("faq", 0.6),), 0.3)
    assert route(text, parse, _resolution(unknown="FeatureBase")) == "ask_tool_info"
    statement = "FeatureBase came up at lunch today and everyone laughed about the name, good times."
    assert route(statement, parse, _resolution(unknown="FeatureBase")) != "ask_tool_info"


@pytest.mark.parametrize(
    "text", ["throw Hyperopt into the comparison too, it's what the old team used", "compare them + deequ"]
)
def test_one_tool_added_to_a_comparison_is_a_comparison(text):
    tool = "Hyperopt" if "Hyperopt" in text else "Deequ"
    assert route(text, _parse("faq", practice=0.3), _resolution([tool])) == "compare_tools"


def test_several_tools_with_or_in_a_request_for_one_are_compared():
    parse = _parse("recommend_tool", practice=0.9)
    text = "ray tune or optuna or hyper opt for tuning which is best"
    assert route(text, parse, _resolution(["Ray Tune", "Optuna", "Hyperopt"])) == "compare_tools"


@pytest.mark.parametrize(
    "text, tools, expected",
    [
        ("The shortlist from engineering is Qdrant and Weaviate.", ["Qdrant", "Weaviate"], "ask_tool_info"),
        ("someone on the team keeps pushing Pandera", ["Pandera"], "ask_tool_info"),
    ],
)
def test_an_unsure_message_that_names_tools_is_about_them(text, tools, expected):
    parse = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("ask_tool_info", 0.35)), 0.1, practice_similarity=0.44)
    assert route(text, parse, _resolution(tools)) == expected


def test_a_tool_in_the_background_of_an_unsure_question_does_not_make_it_a_tool_question():
    parse = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("faq", 0.35)), 0.3, practice_similarity=0.4)
    text = "what about streaming? our click events already go through kafka"
    assert route(text, parse, _resolution(["Apache Kafka"])) != "ask_tool_info"


def test_a_tool_in_the_background_of_a_question_the_selector_is_sure_of_gets_the_practice_answer():
    parse = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("faq", 0.35)), 0.97, practice_similarity=0.66)
    text = "what about streaming? our click events already go through kafka"
    assert route(text, parse, _resolution(["Apache Kafka"])) == "faq"


def test_an_unsure_message_nearer_an_off_topic_example_is_not_about_the_tool_it_seems_to_name():
    parse = Parse(
        "nlu_fallback", 0.4, (("nlu_fallback", 0.4),), 0.26, practice_similarity=0.65, off_topic_similarity=0.95
    )
    assert route("how many pandas are left in the wild", parse, _resolution(["Modin"])) != "ask_tool_info"


@pytest.mark.parametrize(
    "text, listed",
    [
        ("vector dbs?", True),
        ("pipeline schedulers", True),
        ("need experiment tracker names asap", True),
        ("give me some vector data bases", True),
        ("what are feature stores", False),
        ("mlops", False),
    ],
)
def test_a_kind_of_tool_in_the_plural_or_with_names_asked_for_is_a_list(text, listed):
    parse = Parse("faq", 0.9, (("faq", 0.9),), practice_confidence=0.9, practice_similarity=0.7)
    routed = route(text, parse, _resolution(category="vector-db"))
    assert (routed == "list_tools") is listed


def test_v_between_two_names_compares_them():
    assert route("dagster v flyte", _parse("ask_tool_info", practice=0.2), _resolution(["Dagster", "Flyte"])) == (
        "compare_tools"
    )


@pytest.mark.parametrize(
    "text, unknown",
    [
        ("my CTO wants us to switch our monitoring to 'Driftwarden'. never heard of it. what is it", "Driftwarden"),
        ("Has anyone used ModelVaultPro? A vendor pitched it to us yesterday.", "ModelVaultPro"),
    ],
)
def test_an_unknown_name_quoted_or_used_is_asked_about(text, unknown):
    assert route(text, _parse("faq", practice=0.6), _resolution(unknown=unknown)) == "ask_tool_info"


def test_what_a_thing_would_do_asks_no_tools():
    assert not asks_for_tools("My team keeps saying we need a model registry. What would it actually do for us?")


def test_the_list_of_a_named_kind_lists_it():
    parse = _parse("faq", practice=0.4, category="experiment-tracking")
    assert route("just text me the list of experiment trackers. no essay", parse, _resolution()) == "list_tools"


def test_a_follow_up_naming_one_tool_and_pointing_at_it_carries_the_last_question_on():
    parse = _parse("nlu_fallback", practice=0.1)
    assert route("ok, and Feast, does that one clear our list?", parse, _resolution(["Feast"])) == "what_about"
    assert route("ok, and Feast, what is it?", parse, _resolution(["Feast"])) == "ask_tool_info"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("what tools do you know for that job then", "help"),  # NLU heard "what ... you know": help
        ("ok and what tools would have caught that before the customers did", "nlu_fallback"),
    ],
)
def test_a_request_for_tools_that_points_at_the_last_answer_lists_its_tools(text, intent):
    assert route(text, _parse(intent, practice=0.2), _resolution()) == "list_tools"


def test_what_else_can_you_do_stays_help():
    assert route("what else can you do?", _parse("help", practice=0.1), _resolution()) is None


def test_which_after_a_first_sentence_asks_for_the_tools_of_the_kind_it_names():
    text = "ok forget it. which model registries ARE open source then"
    parse = _parse("faq", practice=0.5, category="model-registry")
    assert asks_for_tools(text)
    assert route(text, parse, _resolution(category="model-registry")) == "list_tools"


def test_instead_of_the_cloud_says_where_it_runs_not_what_replaces_it():
    text = "Is Label Studio open source, and can I run it on our lab's own server instead of a cloud?"
    assert route(text, _parse("ask_tool_attribute", practice=0.3), _resolution(["Label Studio"])) is None


def test_what_can_you_do_in_a_non_native_word_order_asks_for_help():
    text = "Good morning! Which things you can do for me?"
    for confidence in (0.5, 0.7):  # unsure or sure it is off-topic
        assert (
            route(text, Parse("out_of_scope", confidence, (("out_of_scope", confidence),), 0.1), _resolution())
            == "help"
        )


def test_a_name_called_a_library_is_still_only_the_name_to_a_sure_off_topic_reading():
    text = "what is the hugging face trans formers library"
    resolution = Resolution(
        text,
        ["Hugging Face Transformers"],
        [],
        None,
        None,
        naming_words=("hugging", "face", "trans", "formers"),
        naming_phrases=("hugging face trans formers",),
    )
    assert route(text, _parse("out_of_scope", practice=0.1), resolution) == "ask_tool_info"


def test_a_requirement_stated_is_not_a_tool_question():
    text = "It has to be open source, we can't pay for anything"
    assert route(text, _parse("ask_alternatives", practice=0.2), _resolution()) == "inform"


@pytest.mark.parametrize(
    "text",
    ["OK, put the two side by side for me.", "fine, put all three next to each other then"],
)
def test_comparing_the_tools_discussed_beats_small_talk_and_off_topic(text):
    for intent in ("thanks", "goodbye", "out_of_scope"):
        assert route(text, _parse(intent, practice=0.1), _resolution()) == "compare_tools"


def test_the_kind_of_tool_named_with_tools_asks_for_the_list():
    text = "need model monitoring tools asap our model went weird overnight"
    resolution = Resolution(text, [], [], "monitoring", None, category_words=("model", "monitoring"))
    assert route(text, _parse("faq", practice=0.9, category="monitoring"), resolution) == "list_tools"
    how = "how do model monitoring tools detect drift"
    resolution = Resolution(how, [], [], "monitoring", None, category_words=("model", "monitoring"))
    assert route(how, _parse("faq", practice=0.9, category="monitoring"), resolution) != "list_tools"


def test_a_requirement_in_a_clause_of_its_own_is_stated_not_asked():
    text = "self-hosted please, our data isn't allowed to leave the university network"
    assert route(text, _parse("faq", practice=0.4), _resolution()) == "inform"


def test_thanks_or_what_a_kind_is_does_not_ask_for_its_tools():
    thanks = "thanks for the help with the feature store tools yesterday"
    resolution = Resolution(thanks, [], [], "feature-store", None, category_words=("feature", "store"))
    assert route(thanks, _parse("thanks", practice=0.1), resolution) is None
    what = "what is an 'end to end ml platform' anyway, vs stitching a few tools together"
    resolution = Resolution(what, [], [], "ml-platform", None, category_words=("end", "to", "end", "ml"))
    assert route(what, _parse("faq", practice=0.9), resolution) != "list_tools"


def test_a_sentence_that_asks_only_the_name_beats_a_sure_off_topic_reading():
    text = "what's Feast. one paragraph, I have a meeting in 5 min"
    assert route(text, _parse("out_of_scope", practice=0.1), _resolution(["Feast"])) == "ask_tool_info"
    crisis = "what is a seldon crisis"
    resolution = Resolution(crisis, ["Seldon Core"], [], None, None, naming_words=("seldon",))
    assert route(crisis, _parse("out_of_scope", practice=0.1), resolution) is None


def _named(text: str, tools: Sequence[str], words: Sequence[str]) -> Resolution:
    return Resolution(text, list(tools), [], None, None, naming_words=tuple(words), naming_phrases=tuple(words))


@pytest.mark.parametrize(
    "text, intent, tools, words",
    [
        (
            "what is tensorbaord? my notebook keeps printing a link to it",
            "ask_tool_attribute",
            ["TensorBoard"],
            ["tensorbaord"],
        ),
        (
            "someone keeps pushing Polars as a pandas replacement. what is it exactly?",
            "ask_alternatives",
            ["Polars"],
            ["polars"],
        ),
    ],
)
def test_the_question_sentence_decides_what_is_asked_not_the_sentence_beside_it(text, intent, tools, words):
    assert route(text, _parse(intent), _named(text, tools, words)) == "ask_tool_info"
    asked_here = "what is tensorboard? is there a link to it?"
    assert route(asked_here, _parse("ask_tool_attribute"), _named(asked_here, ["TensorBoard"], ["tensorboard"])) is None


def test_and_a_name_with_a_clause_about_it_carries_the_last_question_even_when_heard_as_off_topic():
    text = "And Great Expectations, which was also on the list?"
    resolution = _named(text, ["Great Expectations"], ["great expectations"])
    assert route(text, Parse("out_of_scope", 0.85, (("out_of_scope", 0.85),)), resolution) == "what_about"
    asks_a_fact = "And Great Expectations, which licence is it under?"
    resolution = _named(asks_a_fact, ["Great Expectations"], ["great expectations"])
    assert route(asks_a_fact, _parse("ask_tool_info"), resolution) != "what_about"


def test_a_sentence_that_requests_the_kind_it_names_asks_for_the_list():
    text = "list experiment trackers. quickly, I have a meeting in 5 min"
    resolution = Resolution(text, [], [], "experiment-tracking", None, category_words=("experiment", "trackers"))
    assert route(text, _parse("help"), resolution) == "list_tools"
    about = "my experiment trackers list is long, what can you help me with?"
    resolution = Resolution(about, [], [], "experiment-tracking", None, category_words=("experiment", "trackers"))
    assert route(about, _parse("help"), resolution) != "list_tools"


def test_between_two_names_compares_them():
    text = "diffrence between mlfow and wieghts and biases?"
    resolution = _named(text, ["MLflow", "Weights & Biases"], ["mlfow", "wieghts", "biases"])
    assert route(text, _parse("faq", practice=0.35), resolution) == "compare_tools"


@pytest.mark.parametrize(
    "text",
    [
        "Is there anything simpler than the first one for a team of three people?",
        "we spend more time maintaining it than using it. is there something more simple that does the same job?",
    ],
)
def test_something_simpler_asks_for_alternatives_to_the_tool_discussed(text):
    assert route(text, _parse("nlu_fallback", practice=0.1), _resolution()) == "ask_alternatives"


def test_comparing_with_what_the_asker_uses_is_a_comparison():
    for text in ("compare it with what we're using now", "now compare both of them against what we already run"):
        assert route(text, _parse("ask_alternatives"), _resolution()) == "compare_tools"
    assert route("what are we using now?", _parse("faq", practice=0.1), _resolution()) != "compare_tools"


def test_impatient_words_add_no_subject_to_the_name():
    text = "vendor slide deck says we need KitOps. what the hell is a KitOps"
    resolution = _named(text, ["KitOps"], ["kitops"])
    assert route(text, Parse("out_of_scope", 0.68, (("out_of_scope", 0.68),)), resolution) == "ask_tool_info"


@pytest.mark.parametrize(
    "text, tool, words",
    [
        ("how does it compare with lime for what we need", "LIME", ["lime"]),
        ("And CrewAI, it is similar thing?", "CrewAI", ["crewai"]),
    ],
)
def test_a_name_compared_with_it_compares_it_with_the_tool_discussed(text, tool, words):
    assert route(text, _parse("ask_alternatives"), _named(text, [tool], words)) == "compare_tools"


def test_a_bot_challenge_ranked_next_beats_a_fact_read_with_no_tool():
    text = "Before I paste this into our design doc I'd like to know: is this a real person or an automated bot?"
    fallback = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("bot_challenge", 0.5), ("faq", 0.49)))
    assert route(text, fallback, _resolution()) == "bot_challenge"
    free = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("faq", 0.3), ("thanks", 0.1)))
    assert route("free?", free, _resolution()) == "ask_tool_attribute"


def test_or_compares_only_between_the_names():
    text = "should i be putting my jupiter notebooks in git or is that weird"
    resolution = _named(text, ["Jupyter", "Git"], ["jupiter", "git"])
    assert route(text, _parse("faq", practice=0.6), resolution) is None
    text = "mlflow or wandb for a team of 3"
    resolution = _named(text, ["MLflow", "Weights & Biases"], ["mlflow", "wandb"])
    assert route(text, _parse("faq", practice=0.6), resolution) == "compare_tools"


def test_what_a_named_tool_in_a_list_is_is_its_summary():
    text = "what's CML in that list?"
    assert route(text, _parse("list_tools"), _named(text, ["CML"], ["cml"])) == "ask_tool_info"


def test_a_message_that_asks_nothing_and_sounds_like_thanks_gets_thanks_not_an_unsure_practice_answer():
    text = "Just dropping by to say thank you. You pointed me to Great Expectations and it caught two bad files."
    ranking = (("faq", 0.54), ("thanks", 0.29), ("ask_tool_info", 0.05))
    parse = Parse("faq", 0.54, ranking, 0.28)
    assert route(text, parse, _named(text, ["Great Expectations"], ["great", "expectations"])) == "thanks"
    asks = "Thanks. How do I test data before training with Great Expectations?"
    assert route(asks, parse, _named(asks, ["Great Expectations"], ["great", "expectations"])) != "thanks"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("and the licence. legal WILL ask about that too", "out_of_scope"),  # NLU sure it is off-topic
        ("fine, then just give me the licence of the one you do know", "goodbye"),
    ],
)
def test_a_licence_asked_after_a_tool_is_that_tools_however_nlu_heard_it(text, intent):
    parse = Parse(intent, 1.0, ((intent, 1.0),), 0.3, None)
    assert route(text, parse, _resolution()) == "ask_tool_attribute"


def test_a_licence_word_in_off_topic_talk_is_no_tool_question():
    text = "my driving licence expires next month and the office is closed"
    assert route(text, Parse("out_of_scope", 1.0, (("out_of_scope", 1.0),), 0.1, None), _resolution()) is None


def test_a_comparison_heard_in_a_single_fact_asked_is_that_fact():
    assert route("and wich lisence exactly", _parse("compare_tools"), _resolution()) == "ask_tool_attribute"


def test_what_the_assistant_can_do_is_asked_however_many_words_come_between():
    text = "Hi! I joined the platform team on Monday. Before I start, what sort of things can you do for me?"
    assert route(text, _parse("nlu_fallback", practice=0.25), _resolution()) == "help"


def test_what_even_is_a_name_asks_what_it_is():
    text = "what even is wieghts and biases, my manager won't shut up about it"
    parse = Parse("faq", 0.54, (("faq", 0.54), ("ask_tool_info", 0.38)), 0.36, None)
    resolution = Resolution(text, ["Weights & Biases"], [], None, None, naming_words=("wieghts", "and", "biases"))
    assert route(text, parse, resolution) == "ask_tool_info"


def test_examples_points_back_at_the_last_answer():
    assert points_back("examples??") and points_back("any examples?")


def test_what_actually_is_it_asks_what_the_tool_is():
    text = "Our engineers swear SkyPilot will cut the cloud GPU bill. What actually is it?"
    parse = Parse("faq", 0.8, (("faq", 0.8), ("ask_tool_info", 0.15)), 0.55, None)
    resolution = Resolution(text, ["SkyPilot"], [], None, None, naming_words=("skypilot",))
    assert route(text, parse, resolution) == "ask_tool_info"


def test_a_fact_asked_after_a_tool_is_not_a_list_of_the_job_its_words_resemble():
    parse = Parse("list_tools", 0.52, (("list_tools", 0.52),), 0.2, None, job_category="dev-tools", job_similarity=0.5)
    assert route("what sort of tool would you file that under?", parse, _resolution()) == "ask_tool_attribute"


def test_they_compared_in_plainly_off_topic_talk_is_no_comparison_of_tools():
    text = "Her question is: how do sedimentary rocks form, and how are they different from igneous rocks?"
    parse = Parse("out_of_scope", 0.98, (("out_of_scope", 0.98),), 0.12, None, 0.28, None, 0.36)
    assert route(text, parse, _resolution()) != "compare_tools"
    near_practice = Parse("out_of_scope", 0.98, (("out_of_scope", 0.98),), 0.12, None, 0.5, None, 0.3)
    assert route("ok put all three next to each other then", near_practice, _resolution()) == "compare_tools"


def test_what_is_it_after_an_unknown_name_asks_about_that_name():
    text = "Our consultant keeps recommending Verta for managing our models. What is it?"
    parse = Parse("nlu_fallback", 0.4, (("nlu_fallback", 0.4), ("ask_tool_info", 0.49), ("faq", 0.47)), 0.13, None)
    assert route(text, parse, _resolution(unknown="Verta")) == "ask_tool_info"


def test_compare_them_settles_a_fallback_torn_between_comparing_and_practice():
    text = "okay, between these two which one you suggest if we validate only pandas dataframes? please compare them"
    ranking = (("nlu_fallback", 0.4), ("compare_tools", 0.52), ("faq", 0.47))
    parse = Parse("nlu_fallback", 0.4, ranking, 0.14, "data-processing")
    assert route(text, parse, _resolution(["pandas"], category="data-processing")) == "compare_tools"


def test_an_eye_kept_on_that_points_back_at_the_last_answer():
    assert points_back("Is there software that keeps an eye on that for us?")
    assert points_back("what tools check that sort of thing automatically before training")


def test_what_is_it_about_a_quoted_unknown_name_beats_an_unsure_practice_answer():
    text = 'My CTO wants us all on "Nimbus MLOps" by Q3 and I\'ve never heard of it. What is it and is it open source??'
    parse = Parse("faq", 0.63, (("faq", 0.63), ("ask_tool_attribute", 0.19)), 0.42, None)
    assert route(text, parse, _resolution(unknown="Nimbus MLOps")) in ("ask_tool_info", "ask_tool_attribute")


def test_a_request_whose_job_is_clear_stays_a_list_whatever_fact_its_words_hint_at():
    text = "I need a tool where we can keep metadata about our datasets and see the lineage. What exist for this?"
    parse = Parse(
        "list_tools", 0.89, (("list_tools", 0.89),), 0.99, None, 0.7, "data-catalog", 0.43, "data-catalog", 0.77, 1.0
    )
    assert route(text, parse, _resolution()) is None


def test_the_other_one_asks_about_the_tool_named_beside_the_one_answered():
    parse = Parse("faq", 0.45, (("faq", 0.45), ("out_of_scope", 0.3)), 0.11, None, 0.31, None, 0.25)
    assert route("And the other one he mentioned?", parse, _resolution()) == "ask_tool_info"


def test_a_fact_nlu_is_torn_between_off_topic_and_asking_is_asked_of_the_tool_discussed():
    ranking = (("out_of_scope", 0.5), ("ask_tool_attribute", 0.35), ("faq", 0.05))
    parse = Parse("out_of_scope", 0.5, ranking, 0.1, None)
    assert route("send me the link please", parse, _resolution()) == "ask_tool_attribute"
    sure = Parse("out_of_scope", 0.74, (("out_of_scope", 0.74), ("ask_tool_attribute", 0.1)), 0.1, None)
    assert route("send me a recipe link", sure, _resolution()) != "ask_tool_attribute"


def test_a_short_request_to_compare_the_two_discussed_is_a_comparison_even_heard_as_off_topic():
    parse = Parse("out_of_scope", 0.83, (("out_of_scope", 0.83),), 0.12, None, 0.309, None, 0.313)
    assert route("Can you put the two side by side for me?", parse, _resolution()) == "compare_tools"


def test_which_ones_of_a_kind_named_in_the_plural_lists_them():
    text = "ok then which experiment trackers do you actually know"
    resolution = default_resolver().resolve(text)
    assert resolution.category_words == ("experiment", "trackers")
    unsure_practice = Parse("faq", 0.6, (("faq", 0.6), ("compare_tools", 0.14)), 0.36, "experiment-tracking")
    assert route(text, unsure_practice, resolution) == "list_tools"
    one = "which experiment tracker should i use"
    assert route(one, Parse("faq", 0.6, (("faq", 0.6),), 0.36, None), default_resolver().resolve(one)) != "list_tools"


def test_what_a_tool_is_asked_after_background_about_replacing_something_asks_what_it_is():
    text = "we're replacing the cron jobs that run our nightly training. what's Prefect?"
    parse = Parse("faq", 0.91, (("faq", 0.91), ("ask_alternatives", 0.03)), 0.59, "orchestration")
    assert route(text, parse, default_resolver().resolve(text)) == "ask_tool_info"
    alternatives = "we're replacing Prefect. what could we use instead?"
    assert route(alternatives, parse, default_resolver().resolve(alternatives)) == "ask_alternatives"


def test_replacing_it_names_the_tool_discussed_even_when_a_kind_of_tool_is_named():
    text = "the DAG files have become a mess. what could replace it, ideally something lighter?"
    parse = Parse("ask_alternatives", 0.99, (("ask_alternatives", 0.99),), 0.2, "orchestration")
    assert route(text, parse, _resolution(category="orchestration")) is None
    no_tool = "our pipelines leak PII. what guardrail tools could we use instead?"
    assert route(no_tool, parse, _resolution(category="guardrails")) == "list_tools"


def test_what_a_tool_is_beside_a_question_naming_no_fact_gets_its_summary():
    text = "And what is OpenLineage then? It is connected with it somehow?"
    parse = Parse("ask_tool_attribute", 0.91, (("ask_tool_attribute", 0.91),), 0.12, None)
    assert route(text, parse, default_resolver().resolve(text)) == "ask_tool_info"
    licence = "And what is OpenLineage then? Which licence is it under?"
    assert route(licence, parse, default_resolver().resolve(licence)) != "ask_tool_info"


def test_an_unknown_name_a_colleague_suggested_is_asked_about():
    text = "we're training on 16 GPUs spread over two machines and a colleague suggested Determined AI. do you know it?"
    parse = Parse("faq", 0.98, (("faq", 0.98),), 0.9, None, 0.6, "distributed-compute", 0.3)
    assert route(text, parse, default_resolver().resolve(text)) == "ask_tool_info"


def test_a_name_with_same_question_carries_the_last_question_on_to_it():
    for text, expected in (
        ("And Fiddler AI, same question?", "what_about"),
        ("loading pickle files risky?", None),
        ("ok. and should we move it all onto kubernetes while we're at it? it's just the three of us", None),
    ):
        assert route(text, _parse("faq", practice=0.63), default_resolver().resolve(text)) == expected


def test_nlu_torn_between_practice_and_a_list_lists_when_the_topic_and_the_job_agree():
    def parse(listing: float, job: str, practice: float = 0.68, similarity: float = 0.62) -> Parse:
        ranking = (("nlu_fallback", 0.4), ("faq", 0.44), ("list_tools", listing))
        return Parse("nlu_fallback", 0.4, ranking, practice, None, similarity, "feature-store", 0.48, job, 0.63, 0.81)

    text = "fraud team wants a proper feature store, features are recomputed in 4 notebooks. what's on the market?"
    nothing = _resolution()
    assert route(text, parse(0.43, "feature-store"), nothing) == "list_tools"
    assert route(text, parse(0.43, "orchestration"), nothing) != "list_tools"  # the readings disagree
    assert route(text, parse(0.1, "feature-store"), nothing) != "list_tools"  # NLU not torn
    basic = "Sorry if this is basic, but what is a feature store?"
    assert route(basic, parse(0.43, "feature-store", 0.98, 0.92), nothing) != "list_tools"  # a question it knows


def _parse_of(intent: str, confidence: float, practice: float, **fields) -> Parse:
    """NLU sure of one intent only, with the selector's confidence and the other readings given."""
    return Parse(intent, confidence, ((intent, confidence),), practice, **fields)


def test_a_named_tools_kind_that_the_message_means_makes_a_sure_off_topic_reading_a_tool_question():
    # "marquez" is also a novelist and a racer, which NLU learnt as off-topic talk
    text = "Can you tell me something about Marquez? I found it in a blog about lineage."
    resolution = Resolution(text, ["Marquez"], naming_words=("marquez",), kinds=("data-catalog",))
    lineage = Parse(
        "out_of_scope",
        0.61,
        (("out_of_scope", 0.61), ("ask_tool_info", 0.3)),
        0.76,
        practice_similarity=0.55,
        topic_category="data-catalog",
        off_topic_similarity=0.51,
        job_category="data-catalog",
        job_similarity=0.35,
        job_share=0.68,
    )
    assert route(text, lineage, resolution) == "ask_tool_info"
    racing = _parse_of(
        "out_of_scope",
        0.9,
        0.1,
        practice_similarity=0.3,
        topic_category="monitoring",
        job_category="training",
        job_similarity=0.2,
        job_share=0.3,
    )
    assert route("is marc marquez racing in motogp this season", racing, resolution) is None
    # the name pulls the meaning its way, yet the message is nearer to off-topic talk than to practice
    writer = _parse_of(
        "out_of_scope",
        0.98,
        0.15,
        practice_similarity=0.54,
        off_topic_similarity=0.7,
        job_category="data-processing",
        job_similarity=0.41,
        job_share=0.6,
    )
    kafka = Resolution("x", ["Apache Kafka"], naming_words=("kafka",), kinds=("data-processing",))
    assert route("haha and the writer Kafka, which book of him is good for to begin?", writer, kafka) is None


@pytest.mark.parametrize(
    "question, ranking, expected",
    [
        ("whats a simpler alternative?", (("faq", 0.94), ("ask_alternatives", 0.03)), "ask_alternatives"),
        (
            "Is there something lighter that covers the same ground?",
            (("faq", 0.83), ("ask_alternatives", 0.14)),
            "ask_alternatives",
        ),
        ("Is there something we should do about it?", (("faq", 0.83), ("help", 0.1)), None),  # NLU hears no others
        ("what tools are out there for that?", (("faq", 0.6), ("list_tools", 0.3)), "list_tools"),  # not others
    ],
)
def test_a_long_messages_question_asking_for_something_else_is_about_its_backgrounds_tool(question, ranking, expected):
    parse = Parse("faq", ranking[0][1], ranking, 0.4, practice_similarity=0.5, off_topic_similarity=0.3)
    assert route(question, parse, _resolution(), background=("Kubeflow",)) == expected
    assert route(question, parse, _resolution()) != "ask_alternatives"  # no background: nothing to replace


def test_a_platform_is_where_it_runs_when_something_else_is_the_subject():
    discussed = Conversation(("Kubeflow Pipelines",), ANSWERED_TOOL)
    on_google = Resolution("x", ["Google Cloud"], places=("Google Cloud",))
    # "that one" is the tool discussed; Google Cloud is where it might run
    assert (
        without_places("can that one be self-hosted, or does it only run on Google Cloud?", on_google, discussed).tools
        == []
    )
    # nothing discussed: the platform is all there is to ask about
    assert without_places("does it only run on Google Cloud?", on_google, Conversation()).tools == ["Google Cloud"]
    on_k8s = Resolution("x", ["Kubernetes"], places=("Kubernetes",))
    after_practice = Conversation((), "practice")
    assert without_places("Which tools can do this for us on Kubernetes?", on_k8s, after_practice).tools == []
    assert without_places("what else could do the same thing on kubernetes?", on_k8s, discussed).tools == []
    assert without_places("which tools can I use for serving on kubernetes?", on_k8s, Conversation()).tools == []
    owned = Resolution("x", ["Kubernetes"], platforms=("Kubernetes",))
    request = "we have a kubernetes cluster with idle GPUs for hyperparameter searches. what tools are out there?"
    assert without_places(request, owned, Conversation()).tools == []  # tools that run there
    assert without_places("what is kubernetes?", owned, Conversation()).tools == ["Kubernetes"]
    both = Resolution("x", ["Seldon Core", "Kubernetes"], places=("Kubernetes",))
    assert without_places("we serve with Seldon Core on our k8s cluster. what is it?", both, Conversation()).tools == [
        "Seldon Core"
    ]


def test_a_plain_practice_question_the_selector_spreads_over_neighbouring_topics_gets_its_best_guess():
    text = "our churn model quietly got worse over six months and nobody noticed. how do we stop this happening again"
    ranking = (("faq", 0.99), ("out_of_scope", 0.01))

    def parse(confidence: float, practice: float, off_topic: float) -> Parse:
        ranked = ((("faq", confidence),) + ranking[1:]) if confidence != 0.99 else ranking
        return Parse("faq", confidence, ranked, practice, practice_similarity=0.64, off_topic_similarity=off_topic)

    assert route(text, parse(0.99, 0.15, 0.37), _resolution()) is None  # the practice answer stands
    assert route(text, parse(0.99, 0.15, 0.5), _resolution()) == "nlu_fallback"  # off-topic talk is near too
    assert route(text, parse(0.8, 0.15, 0.37), _resolution()) == "nlu_fallback"  # the intent is a guess too
    assert route(text, parse(0.99, 0.05, 0.37), _resolution()) == "nlu_fallback"  # no topic stands out at all


def test_a_kind_named_only_as_what_is_worked_on_yields_to_the_kind_two_readings_of_meaning_agree_on():
    text = "we're shopping for something to trace our LLM app in prod: prompts, cost, latency, the lot"
    named = Resolution(text, [], [], "llm-frameworks", category_words=("llm", "app"))
    agreeing = _parse_of(
        "faq", 1.0, 0.95, topic_category="monitoring", job_category="monitoring", job_similarity=0.76, job_share=0.51
    )
    assert unnamed_category(text, agreeing, named) == "monitoring"
    # named with a tool noun, the kind is what is asked for, whatever the rest is about
    eval_tools = Resolution("which eval tools work for rag?", [], [], "evaluation", category_words=("eval", "tools"))
    rag = _parse_of(
        "list_tools",
        0.46,
        0.86,
        topic_category="llm-frameworks",
        job_category="llm-frameworks",
        job_similarity=0.64,
        job_share=0.57,
    )
    assert unnamed_category("which eval tools work for rag?", rag, eval_tools) is None
    unsure = _parse_of(
        "faq", 1.0, 0.3, topic_category="monitoring", job_category="monitoring", job_similarity=0.76, job_share=0.51
    )
    assert unnamed_category(text, unsure, named) is None  # the kind named stands
    disagreeing = _parse_of(
        "faq", 1.0, 0.95, topic_category="evaluation", job_category="monitoring", job_similarity=0.76, job_share=0.51
    )
    assert unnamed_category(text, disagreeing, named) is None


def test_who_else_does_that_asks_for_alternatives_to_the_tool_named():
    text = "Procurement wants a second quote before we renew our labelling contract with Scale AI. Who else does that?"
    parse = Parse(
        "faq",
        0.74,
        (("faq", 0.74), ("ask_alternatives", 0.24)),
        0.22,
        practice_similarity=0.53,
        off_topic_similarity=0.39,
    )
    assert route(text, parse, _resolution(["Scale AI"])) == "ask_alternatives"
