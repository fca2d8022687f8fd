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


# --- doors: no open API or REST beyond loopback ---------------------------------------------------

REST_ONLY = "assistant.channels.rest.GuardedRestInput:\n"


def credentials(tmp_path, text: str = REST_ONLY) -> str:
    path = tmp_path / "credentials.yml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("interface", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_on_loopback_the_api_and_rest_may_stay_open(tmp_path, interface):
    argv = ["rasa", "run", "--enable-api", "--interface", interface, "--credentials", credentials(tmp_path)]
    assert runtime.doors({}, argv) == argv


@pytest.mark.parametrize(
    "where",
    [[], ["--interface", "0.0.0.0"], ["-i", "192.168.1.10"], ["--interface=::"], ["-i", "chat.example.org"]],
)
def test_beyond_loopback_rest_without_a_token_refuses_to_start(tmp_path, where):
    argv = ["rasa", "run", *where, "--credentials", credentials(tmp_path)]
    with pytest.raises(runtime.RefusedToStart, match="REST_TOKEN must be set"):
        runtime.doors({}, argv)
    assert runtime.doors({"REST_TOKEN": "t"}, argv) == argv
    token_in_file = credentials(tmp_path, REST_ONLY + "  token: from-the-file\n")
    assert runtime.doors({}, ["rasa", "run", *where, "--credentials", token_in_file])


def test_beyond_loopback_rasas_own_rest_channel_is_refused_whatever_the_token(tmp_path):
    with pytest.raises(runtime.RefusedToStart, match="takes no token"):
        runtime.doors({"REST_TOKEN": "t"}, ["rasa", "run", "--credentials", credentials(tmp_path, "rest:\n")])


def test_without_a_rest_channel_beyond_loopback_needs_no_rest_token(tmp_path):
    other = credentials(tmp_path, "assistant.channels.twilio_sms.TwilioSmsInput:\n")
    assert runtime.doors({}, ["rasa", "run", "--credentials", other]) == ["rasa", "run", "--credentials", other]


def test_beyond_loopback_the_api_without_a_token_refuses_to_start(tmp_path):
    argv = ["rasa", "run", "--enable-api", "--credentials", credentials(tmp_path)]
    with pytest.raises(runtime.RefusedToStart, match="RASA_AUTH_TOKEN must be set"):
        runtime.doors({"REST_TOKEN": "t"}, argv)
    assert runtime.doors({"REST_TOKEN": "t"}, [*argv, "--auth-token", "given"])[-1] == "given"


def test_the_api_token_comes_from_the_environment_inside_the_process(tmp_path):
    argv = ["rasa", "run", "--enable-api", "--interface", "127.0.0.1", "--credentials", credentials(tmp_path)]
    assert runtime.doors({"RASA_AUTH_TOKEN": "s3cret"}, argv) == [*argv, "--auth-token", "s3cret"]


@pytest.mark.parametrize("argv", [["rasa", "shell"], ["rasa", "run", "actions"], ["rasa", "train"], ["rasa"]])
def test_other_commands_are_left_alone(argv):
    assert runtime.doors({}, argv) == argv


def test_python_m_assistant_refuses_before_loading_rasa(tmp_path):
    """The real command line, as the Docker image or `RASA_HOST=0.0.0.0 make serve` runs it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("REST_TOKEN", "RASA_AUTH_TOKEN")}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "run", "--interface", "0.0.0.0", "--credentials", credentials(tmp_path)],
        cwd=Path(runtime.__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "REST_TOKEN must be set" in result.stderr and "Traceback" not in result.stderr
