"""What a message asks beyond tool names: attribute, option, constraints."""

import pytest

from core.message import (
    Attribute,
    Constraints,
    Hosting,
    adds_to_comparison,
    asked_about_a_name,
    asked_attribute,
    asked_attributes,
    asks_for_other_tools,
    chosen_option,
    constraints,
    focus,
    names_a_place,
    names_an_unknown_tool,
    open_source_optional,
    opens_on_the_one,
    points_at_the_other,
    referred_count,
    without_names,
    without_own_platform,
)


@pytest.mark.parametrize(
    "text, attribute",
    [
        ("is mlflow open source?", Attribute.OPEN_SOURCE),
        ("is it free", Attribute.OPEN_SOURCE),
        ("is wandb proprietary", Attribute.OPEN_SOURCE),
        ("what licence does dvc use", Attribute.LICENCE),
        ("license of feast", Attribute.LICENCE),
        ("which open source license is it under", Attribute.LICENCE),
        ("kubeflow docs", Attribute.LINK),
        ("link pls", Attribute.LINK),
        ("where can i find the github repo", Attribute.LINK),
        ("what kind of tool is feast", Attribute.CATEGORY),
        ("which category is bentoml in", Attribute.CATEGORY),
        ("what is airflow written in", Attribute.LANGUAGE),
        ("which programming language is ray built with", Attribute.LANGUAGE),
        ("is qdrant in rust", Attribute.LANGUAGE),
        ("polars is rust right?", Attribute.LANGUAGE),
        ("can we self-host langfuse?", Attribute.HOSTING),
        ("does it run on our own servers or only in their cloud", Attribute.HOSTING),
        ("is comet saas only", Attribute.HOSTING),
        ("could we install it in-house", Attribute.HOSTING),
        ("tell me about mlflow", None),
    ],
)
def test_asked_attribute(text, attribute):
    assert asked_attribute(text) == attribute


@pytest.mark.parametrize(
    "text, count, index",
    [
        ("2", 3, 1),
        ("#3", 3, 2),
        ("option 1", 2, 0),
        ("the second one", 3, 1),
        ("2nd", 2, 1),
        ("first please", 2, 0),
        ("the last one", 4, 3),
        ("the other one", 2, 1),
        ("4", 3, None),
        ("0", 3, None),
        ("hmm", 3, None),
        ("the other one", 3, None),
        ("any other options similar to the first one?", 2, 0),  # "any other" is no place
        ("the secnd one", 3, 1),
        ("frist", 2, 0),
        ("third one pls", 3, 2),
        ("the one", 2, 0),
        ("no. 2", 2, 1),
        ("is Featurely one of them?", 3, None),  # "one of" counts, it picks nothing
        ("the first one of them", 3, 0),
        ("a vendor pitched it last week", 3, None),  # a time, not a place
        ("the last one", 3, 2),
        ("last", 3, 2),
    ],
)
def test_chosen_option(text, count, index):
    assert chosen_option(text, count) == index


@pytest.mark.parametrize(
    "text, expected",
    [
        ("open-source alternative to sagemaker", Constraints(open_source=True)),
        ("something like airflow but simpler", Constraints(simpler=True)),
        ("a managed alternative to mlflow", Constraints(hosting=Hosting.MANAGED)),
        ("self hosted, open source please", Constraints(open_source=True, hosting=Hosting.SELF_HOSTED)),
        ("on prem", Constraints(hosting=Hosting.SELF_HOSTED)),
        ("commercial is fine", Constraints(open_source=False)),
        ("it doesn't need to be open source", Constraints()),
        ("alternatives to kubeflow", Constraints()),
        # money said with a negation is the same requirement
        ("options that do the same job without a subscription", Constraints(open_source=True)),
        ("we can't pay for anything this year", Constraints(open_source=True)),
        ("which ones don't need a paid licence?", Constraints(open_source=True)),
        ("something that costs nothing", Constraints(open_source=True)),
        ("we have a paid plan already", Constraints(open_source=False)),
    ],
)
def test_constraints(text, expected):
    assert constraints(text) == expected


@pytest.mark.parametrize(
    "text, others",
    [
        ("is there anything simpler", True),
        ("what could we use instead?", True),
        ("are there options that do the same job", True),
        ("free?", False),
        ("can we host it ourselves", False),
    ],
)
def test_asks_for_other_tools(text, others):
    assert asks_for_other_tools(text) is others


@pytest.mark.parametrize(
    "text, optional",
    [
        ("it doesn't need to be open source", True),
        ("not necessarily open source", True),
        ("open source please", False),
    ],
)
def test_open_source_optional(text, optional):
    assert open_source_optional(text) is optional


def test_constraint_labels_name_each_requirement():
    assert list(Constraints(True, Hosting.MANAGED, True).labels) == ["open-source", "managed", "simpler"]


@pytest.mark.parametrize(
    "text, attributes",
    [
        ("ollama: oss? written in?", [Attribute.OPEN_SOURCE, Attribute.LANGUAGE]),
        ("is dagster free, and can it run on a laptop?", [Attribute.OPEN_SOURCE, Attribute.HOSTING]),
        ("what licence is this open-source tool under", [Attribute.LICENCE]),  # one clause, one fact
        ("is mlflow free and open source", [Attribute.OPEN_SOURCE]),
        ("thanks! is it free? we cannot pay for licences", [Attribute.OPEN_SOURCE]),  # the question decides
        ("tell me about mlflow", []),
    ],
)
def test_asked_attributes_reads_every_fact_a_message_asks(text, attributes):
    assert asked_attributes(text) == attributes


@pytest.mark.parametrize(
    "text, count",
    [("compare all three", 3), ("how do those two stack up", 2), ("both of them?", 2), ("compare them", None)],
)
def test_referred_count(text, count):
    assert referred_count(text) == count


LONG = (
    "We run fifteen FastAPI apps on EC2 and the platform team moves everything to Kubernetes this year. "
    "The shortlist is KServe and Seldon Core. How do those two stack up against each other?"
)


def test_a_long_message_is_read_from_its_question():
    assert focus(LONG) == "How do those two stack up against each other?"


def test_a_long_message_with_no_question_mark_asks_in_its_last_sentence_when_that_opens_like_a_question():
    text = (
        "hi im a field coordinator for a farming ngo, texting from my phone. a volunteer built a crop model "
        "in a notebook and we want farmers to text a question and get an answer back. what tools do ppl use "
        "to run a bot over sms"
    )
    assert focus(text) == "what tools do ppl use to run a bot over sms"


@pytest.mark.parametrize(
    "text",
    ["is kserve open source?", "we use dvc. is it free?", "the docs. a link. please. I'm begging."],
)
def test_a_short_message_or_one_with_no_question_mark_is_all_question(text):
    assert focus(text) == text


@pytest.mark.parametrize(
    "text, asked",
    [
        ("what's Feast. one paragraph. I have a meeting in 5 min and no time to read docs", "what's Feast."),
        ("netflix made it right? whatever. is it free or not", "netflix made it right? is it free or not"),
        ("and where are ITS docs. a link. please. I'm begging.", "and where are ITS docs."),
        ("ok compare them. we're a bank. nothing can leave our datacenter", "ok compare them."),
        (
            "We can't wait. Our model scores slowly. Latency matters to us.",
            "We can't wait. Our model scores slowly. Latency matters to us.",
        ),
    ],
)
def test_a_sentence_that_opens_on_a_question_or_a_request_is_the_question_without_a_question_mark(text, asked):
    assert focus(text) == asked


@pytest.mark.parametrize(
    "text, names",
    [
        ("is the frist one open source", True),
        ("the last one pls", True),
        ("we have one model", False),
        ("is Featurely one of them? a vendor pitched it to us last week", False),  # a time, not a place
    ],
)
def test_names_a_place_in_words_not_in_numbers(text, names):
    assert names_a_place(text) is names


@pytest.mark.parametrize(
    "text, name",
    [
        ("what is flow pilot", "flow pilot"),
        ("Tell me about trace loop?", "trace loop"),
        ("ok whats quantum forge ml", "quantum forge ml"),
        ("what is it?", None),  # the tool discussed
        ("tell me about those", None),
        ("what is the difference between batch and online inference", None),  # more than a name
        ("is flow pilot free", "flow pilot"),  # a fact asked of the name
        ("does gorse moor have a self hosted version or is it cloud only", "gorse moor"),
        ("what is brim stack is it for m l ops", "brim stack"),  # a question about it may follow
        ("what is Opik and how does it work?", "Opik"),
        ("what is mlops and why does it matter", "mlops"),  # the caller knows it is no tool
        ("Before I take that meeting: what is Opik and how does it work?", "Opik"),
        ("does our pipeline have tests", None),  # ours, not a name
    ],
)
def test_a_message_that_only_asks_about_a_name_gives_the_name(text, name):
    assert asked_about_a_name(text) == name


@pytest.mark.parametrize(
    "text, rest",
    [
        ("which of those could we self-host on our own k8s cluster?", "which of those could we self-host ?"),
        ("can we run it in our kubernetes", "can we run it"),
        ("can we run kubeflow on our own kubernetes cluster", "can we run kubeflow"),
        ("is kubernetes hard to run", "is kubernetes hard to run"),
        (
            "and throw KServe into the comparison too, since we're on k8s anyway",
            "and throw KServe into the comparison too, anyway",
        ),
    ],
)
def test_without_own_platform(text, rest):
    assert " ".join(without_own_platform(text).split()) == rest


@pytest.mark.parametrize(
    "text, name, named",
    [
        ("and Censius, it is the same kind of tool like that one?", "Censius", True),
        ("so could we run it inside our own VPC, or is it only their hosted thing", "VPC", False),
        ("what is it", "zorbulator", False),
    ],
)
def test_names_an_unknown_tool(text, name, named):
    assert names_an_unknown_tool(text, name) is named


@pytest.mark.parametrize(
    "text",
    ["It is a library or a server which we must run?", "is that one a lib or a service", "can i run it on my own box"],
)
def test_what_a_tool_is_delivered_as_is_where_it_runs(text):
    assert asked_attribute(text) is Attribute.HOSTING


def test_throwing_a_tool_into_the_mix_adds_it_to_the_comparison():
    assert adds_to_comparison("what if we throw whylogs into the mix too?")
    assert adds_to_comparison("+ pachyderm") and adds_to_comparison("plus lakefs?")
    assert not adds_to_comparison("pachyderm vs lakefs") and not adds_to_comparison("c++ libraries for serving")


@pytest.mark.parametrize(
    "text, points",
    [
        ("Is that actualy free to use?", True),
        ("and does this run on k8s", True),
        ("tools that check data", False),  # "that" starting a clause
        ("what is feast", False),
    ],
)
def test_a_question_opening_on_that_or_this_is_about_what_was_just_mentioned(text, points):
    assert opens_on_the_one(text) is points


@pytest.mark.parametrize(
    "text, phrases, attribute",
    [
        ("what is lang chian", ["lang chian"], None),  # "lang" names LangChain, it asks no language
        ("what lang is lang chain written in", ["lang chain"], Attribute.LANGUAGE),
        ("is W&B free?", ["W&B"], Attribute.OPEN_SOURCE),
        ("docs for Docs Bot", ["Docs Bot"], Attribute.LINK),
    ],
)
def test_the_words_that_name_a_tool_do_not_ask_a_fact(text, phrases, attribute):
    assert asked_attribute(without_names(text, phrases)) == attribute


@pytest.mark.parametrize(
    "text, attribute",
    [
        ("Is it free to use or would my uni need to pay for a licence?", Attribute.OPEN_SOURCE),
        ("opentelemetri is free to use or we need licence?", Attribute.OPEN_SOURCE),
        ("Which of those wouldn't cost us any licence fees?", Attribute.OPEN_SOURCE),
        ("what licence is this free tool under", Attribute.LICENCE),
        ("is the licence apache or mit", Attribute.LICENCE),
    ],
)
def test_a_licence_spoken_of_as_a_cost_asks_whether_it_is_free(text, attribute):
    assert asked_attribute(text) == attribute


def test_a_server_of_the_askers_group_is_their_own():
    assert asked_attributes(
        "Is Label Studio open source, and can I run it on our lab's own server instead of a cloud?"
    ) == [
        Attribute.OPEN_SOURCE,
        Attribute.HOSTING,
    ]


def test_what_the_asker_says_they_use_is_read_from_statements_only():
    from core.message import says_what_they_use

    assert says_what_they_use(
        "we version our datasets with DVC today. a colleague mentioned lakeFS, what is that?"
    ) == ["we version our datasets with DVC today."]
    assert says_what_they_use("Our pipelines run on Apache Airflow 2, on-prem, and they work.")[0].startswith(
        "Our pipelines"
    )
    assert says_what_they_use("we're choosing between vllm, sglang and TGI, how do they differ") == []
    assert says_what_they_use("do you use mlflow?") == []


def test_references_to_the_askers_own_stack():
    from core.message import refers_to_own_stack

    assert refers_to_own_stack("compare it with what we're using now")
    assert refers_to_own_stack("how does it compare to our current setup")
    assert not refers_to_own_stack("compare them")
    assert not refers_to_own_stack("what we need is speed")


def test_a_hosted_service_refused_asks_for_self_hosting():
    from core.message import Hosting, constraints

    assert (
        constraints("which of those are open source? we can't send the wiki to a saas").hosting is Hosting.SELF_HOSTED
    )
    assert constraints("no managed services please").hosting is Hosting.SELF_HOSTED
    assert constraints("we want a managed service").hosting is Hosting.MANAGED


def test_attributes_joined_with_a_plus_are_each_asked():
    from core.message import Attribute, asked_attributes

    assert asked_attributes("licence + self-host?") == [Attribute.LICENCE, Attribute.HOSTING]


def test_an_ordinary_word_is_no_slip_of_a_place_in_a_list():
    from core.message import chosen_option, names_a_place

    assert not names_a_place("which of those are open source? we can't send the wiki to a saas")
    assert names_a_place("the frist one") and chosen_option("the secnd", 3) == 1


def test_a_request_after_a_comma_is_the_question_of_a_long_message():
    from core.message import focus

    text = (
        "I'm on the analytics team of a regional bank. Our pipelines run on Apache Airflow 2, on-prem, and they "
        "work. A new hire keeps pitching Prefect and Dagster. Before I let him spend a week on a proof of concept, "
        "tell me what Dagster actually is."
    )
    assert focus(text) == "Before I let him spend a week on a proof of concept, tell me what Dagster actually is."


def test_the_platform_the_asker_lacks_is_no_tool_asked_about():
    from core.message import without_own_platform

    assert "kubernetes" not in without_own_platform(
        "hm we have zero kubernetes people though. what could we use instead"
    )
    assert without_own_platform("is kubernetes free") == "is kubernetes free"


def test_running_it_themselves_refused_asks_for_a_managed_service():
    from core.message import Hosting, constraints

    assert constraints("what else is like Feast but managed so we don't run it ourselves?").hosting is Hosting.MANAGED
    assert constraints("can we run it ourselves").hosting is Hosting.SELF_HOSTED


@pytest.mark.parametrize(
    "text, other",
    [
        ("And the other one he mentioned?", True),
        ("what about the other tool", True),
        ("is it opensource like the other one?", False),  # asks about "it", compared with the other
        ("is it cheaper than the other one", False),
    ],
)
def test_points_at_the_other(text, other):
    assert points_at_the_other(text) is other


def test_only_the_questions_of_a_message_that_asks_say_which_fact_it_asks():
    text = "We'd like to try our new pricing algorithm on real customers, no big bets. How do teams do that?"
    assert asked_attribute(text) is None
    assert asked_attribute("Our data can't leave the building. Can we host Feast ourselves?") is Attribute.HOSTING
    assert asked_attribute("pricing of mlflow") is Attribute.OPEN_SOURCE
    assert asked_attribute("netflix made it right? whatever. is it free or not") is Attribute.OPEN_SOURCE
    assert asked_attribute("Procurement says it's a paid product. True?") is Attribute.OPEN_SOURCE
