"""assistant.channels.inbound: what every channel does to a message before Rasa sees it."""

import pytest

from assistant.channels import inbound

INTENTS = {"greet", "ask_tool_info", "choose_option", "help"}
ENTITIES = {"tool", "option"}


def test_control_characters_go_and_everything_people_write_stays():
    text = "what\x00 is\x07 dvc?\n🙂 مرحبا 👩\u200d💻\t"
    assert inbound.clean_text(text) == "what is dvc?\n🙂 مرحبا 👩\u200d💻"


def test_long_text_is_cut():
    assert len(inbound.clean_text("a" * 100_000)) == inbound.MAX_TEXT_CHARS


def test_text_of_only_control_characters_is_cut_before_filtering():
    assert inbound.clean_text("\x00" * 100_000 + "hello") == ""


@pytest.mark.parametrize("text", ["", "   ", "\x00\x00", None, "\n\t "])
def test_nothing_to_read_becomes_a_request_for_help(text):
    assert inbound.inbound_text(text, INTENTS, ENTITIES) == inbound.HELP_PAYLOAD


@pytest.mark.parametrize(
    "payload",
    [
        "/greet",
        '/ask_tool_info{"tool": "MLflow"}',
        '/choose_option{"option":"2"}',
    ],
)
def test_button_payloads_for_known_intents_pass(payload):
    assert inbound.inbound_text(payload, INTENTS, ENTITIES) == payload


@pytest.mark.parametrize(
    "typed, read_as",
    [
        ("/nlu_fallback", "nlu_fallback"),  # not an intent of ours
        ('/greet{"unknown_entity": "x"}', 'greet{"unknown_entity": "x"}'),  # entity we don't have
        ('/ask_tool_info{"tool": ["a", "b"]}', 'ask_tool_info{"tool": ["a", "b"]}'),  # not a string
        ('/ask_tool_info{"tool": "' + "x" * 101 + '"}', 'ask_tool_info{"tool": "' + "x" * 101 + '"}'),
        ("/greet@0.99", "greet@0.99"),  # no confidences from users
        ("/greet{not json}", "greet{not json}"),
        ("//", inbound.HELP_PAYLOAD),
    ],
)
def test_other_payload_syntax_is_read_as_text(typed, read_as):
    assert inbound.inbound_text(typed, INTENTS, ENTITIES) == read_as


def test_ordinary_text_is_left_alone():
    assert inbound.inbound_text("mlflow vs w&b <b>?</b>", INTENTS, ENTITIES) == "mlflow vs w&b <b>?</b>"


def test_short_sender_ids_are_kept_and_long_ones_become_a_stable_digest():
    assert inbound.sender_id("+15551234567") == "+15551234567"
    long_one = "x" * 10_000
    digest = inbound.sender_id(long_one)
    assert digest == inbound.sender_id(long_one) and digest.startswith("sender-")
    assert len(digest) <= inbound.MAX_SENDER_CHARS
    assert inbound.sender_id("ab\x00c") != inbound.sender_id("abc")  # no collision by cleaning
    assert inbound.sender_id("") == "anonymous"


@pytest.mark.parametrize(
    "channel, sender, expected",
    [
        ("twilio", "+15550001234", "sms:+15550001234"),
        ("rest", "+15550001234", "rest:+15550001234"),
        ("socketio", "3f2a", "webchat:3f2a"),
        ("slack", "U123", "slack:U123"),
        ("rest", "sms:+15550001234", "rest:sms:+15550001234"),  # a prefix in the sender stays the sender's
    ],
)
def test_conversation_ids_name_their_channel(channel, sender, expected):
    assert inbound.conversation_id(channel, sender) == expected


def test_one_sender_on_two_channels_has_two_conversations():
    ids = {inbound.conversation_id(channel, "U123") for channel in inbound.NAMESPACES}
    assert len(ids) == len(inbound.NAMESPACES)
