"""SMS rendering: plain text, numbered options, at most three messages and 1600 characters."""

import pytest

from assistant.channels.sms import (
    MAX_MESSAGES,
    MAX_REPLY_CHARS,
    Option,
    picked_option,
    plain,
    render,
    segments,
    units,
)

BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def test_markdown_becomes_plain_text():
    assert (
        plain("**MLflow** is `pip install mlflow`, see [the docs](https://mlflow.org)")
        == "MLflow is pip install mlflow, see the docs https://mlflow.org"
    )
    assert plain("*MLflow*: <https://mlflow.org|website>") == "MLflow: website https://mlflow.org"
    assert plain("snake_case_names stay") == "snake_case_names stay"


def test_buttons_become_numbered_options_in_the_same_message():
    assert render([{"text": "Must it be open source?", "buttons": BUTTONS}]) == [
        "Must it be open source? 1) Yes, 2) No"
    ]


def test_options_already_numbered_in_the_text_are_not_repeated():
    text = "Did you mean 1) MLflow, 2) MLRun? Reply with the number."
    buttons = [{"title": "MLflow", "payload": "x"}, {"title": "MLRun", "payload": "y"}]
    assert render([{"text": text, "buttons": buttons}]) == [text]


def test_a_few_messages_go_out_one_per_sms():
    assert render([{"text": "One."}, {"text": "Two."}]) == ["One.", "Two."]


def test_many_messages_are_merged_into_at_most_three():
    bodies = render([{"text": f"Sentence number {i}."} for i in range(10)])
    assert 1 <= len(bodies) <= MAX_MESSAGES
    assert " ".join(bodies).replace("\n", " ").count("Sentence number") == 10


def test_a_long_reply_is_cut_at_a_sentence_boundary_within_the_limit():
    long = " ".join(f"This is sentence {i} of a long answer." for i in range(100))
    bodies = render([{"text": long}])
    assert len(bodies) <= MAX_MESSAGES
    assert sum(units(b) for b in bodies) <= MAX_REPLY_CHARS
    assert bodies[-1].endswith("answer.…")


def test_emoji_count_double_and_switch_to_ucs2_segments():
    assert units("ok 👍") == 5
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2
    assert segments("👍" * 35) == 1 and segments("👍" * 36) == 2
    emoji_reply = render([{"text": "Great 🎉 " * 400}])
    assert sum(units(b) for b in emoji_reply) <= MAX_REPLY_CHARS


def test_empty_messages_render_nothing():
    assert render([{"text": ""}, {"image": "x"}]) == []


@pytest.mark.parametrize("reply, index", [("1", 0), (" 2 ", 1), ("2.", 1), ("#1", 0), ("3", None), ("1 please", None)])
def test_a_number_reply_picks_an_option(reply, index):
    options = [Option("Yes", "/affirm"), Option("No", "/deny")]
    picked = picked_option(reply, options)
    assert (options.index(picked) if picked else None) == index


def test_a_number_with_no_options_picks_nothing():
    assert picked_option("1", []) is None
