"""assistant.runtime: action responses are checked as Rasa checks them, with the validator built once."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from assistant import runtime

RASAS_CHECK = RemoteAction._validate_action_result

VALID = [
    {},
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "tool", "value": "MLflow"}],
        "responses": [{"text": "MLflow tracks experiments.", "buttons": [{"title": "1", "payload": "/x"}]}],
    },
    {
        "events": [{"event": "action", "name": "action_listen", "policy": None, "confidence": None}],
        "responses": [{"response": "utter_help"}],
    },
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},  # a slot event needs a name
    {"responses": "a string"},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_tool_info", None)


@pytest.mark.parametrize("response", VALID)
def test_what_rasa_accepts_is_accepted(action, response):
    assert RASAS_CHECK(action, response) is True
    assert runtime.validate_action_result(action, response) is True


@pytest.mark.parametrize("response", INVALID)
def test_what_rasa_refuses_is_refused_with_rasas_message(action, response):
    with pytest.raises(ValidationError) as rasas:
        RASAS_CHECK(action, response)
    with pytest.raises(ValidationError) as ours:
        runtime.validate_action_result(action, response)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_the_schema_is_checked_once_not_on_every_call(action, monkeypatch):
    runtime.action_response_validator.cache_clear()
    checks = []
    check_schema = jsonschema.Draft7Validator.check_schema
    monkeypatch.setattr(
        jsonschema.Draft7Validator,
        "check_schema",
        classmethod(lambda cls, schema: checks.append(1) or check_schema(schema)),
    )
    for _ in range(3):
        runtime.validate_action_result(action, VALID[2])
    assert checks == [1]


def test_apply_puts_the_check_into_rasas_remote_action(action, monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASAS_CHECK)
    runtime.apply()
    assert RemoteAction._validate_action_result is runtime.validate_action_result
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list"})


def test_the_server_limits_apply_where_the_environment_sets_none():
    environ = {"SANIC_REQUEST_TIMEOUT": "5"}
    argv = runtime.server_limits(environ, ["rasa", "run", "--port", "5005"])
    assert environ == {"SANIC_REQUEST_MAX_SIZE": "65536", "SANIC_REQUEST_TIMEOUT": "5", "SANIC_RESPONSE_TIMEOUT": "30"}
    assert argv == ["rasa", "run", "--port", "5005", "--response-timeout", "30"]


@pytest.mark.parametrize(
    "argv",
    [
        ["rasa", "run", "--response-timeout", "90"],
        ["rasa", "run", "actions"],
        ["rasa", "shell"],
        ["rasa", "train"],
    ],
)
def test_the_response_timeout_is_added_only_to_rasa_run_without_one(argv):
    assert runtime.server_limits({}, argv) == argv
