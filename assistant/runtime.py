"""Changes to Rasa 3.6's behaviour at run time, applied by `python -m assistant` before Rasa starts.

**Limits of the web server** (`server_limits`), for when no nginx stands in front: Sanic's own
defaults accept 100 MB bodies and wait a minute for a request, and with the HTTP API on, Rasa's
`--response-timeout` lets a handler run for an hour. Each limit is a Sanic setting read from the
environment (`SANIC_REQUEST_MAX_SIZE`, `SANIC_REQUEST_TIMEOUT`, `SANIC_RESPONSE_TIMEOUT`), set here
only when the environment does not set it; `rasa run` also gets `--response-timeout` from
`SANIC_RESPONSE_TIMEOUT` unless it is given. A larger body gets Sanic's 413.

**The action server's responses are checked by a validator built once.**
`RemoteAction` checks every response with `jsonschema.validate`, which first checks Rasa's own
response schema against the JSON Schema meta-schema, then builds a validator, then checks the
response: 3.4 ms of the 4.1 ms of every action call went to re-checking a schema that never
changes (docs/performance.md). Here the schema is checked and the validator built on the first
call; responses are accepted and refused as before, with Rasa's own error message
(tests/assistant/test_runtime.py compares the two on valid and invalid responses).

**The prediction graph runs without dask** (`assistant/graph_runner.py`): the models the servers
and `rasa shell` load run their nodes in an order worked out once, not through a dask graph built
for every run.

**Off this machine, every door needs a key** (`doors`). `rasa run` listens on every interface unless
`--interface` names one (`make serve` names 127.0.0.1, `RASA_HOST` another). When the interface is
not loopback (127.0.0.0/8, ::1, localhost):
- the HTTP API (`--enable-api`) needs `RASA_AUTH_TOKEN`;
- the REST channel, when credentials.yml configures it, needs `REST_TOKEN` (or a `token` in its
  credentials; Rasa's own `rest` channel, which takes none, is refused there).
Without them the server does not start: the command exits with status 2 and says which variable to
set. On loopback both stay optional (`rasa shell` sends no REST token). Either way, when
`--enable-api` is given without `--auth-token`, the token is read from `RASA_AUTH_TOKEN` and added
to the arguments inside this process, so it never appears on a command line (`ps`, /proc).

**Phone numbers are masked in every log record** (`core.privacy.install`): SMS conversations are
named by the sender's number.

Nothing here runs at import time: `apply()` does it, and may be called more than once.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, MutableMapping, Optional, Tuple

import yaml

SERVER_LIMITS = {
    "SANIC_REQUEST_MAX_SIZE": "65536",  # bytes, as nginx allows; messages are cut at 2,000 characters
    "SANIC_REQUEST_TIMEOUT": "10",  # seconds to receive a whole request
    "SANIC_RESPONSE_TIMEOUT": "30",  # seconds to answer: Twilio waits 15, socket.io long-polls for 25
}


def server_limits(environ: MutableMapping[str, str], argv: List[str]) -> List[str]:
    """Sets `SERVER_LIMITS` in `environ` where it has none, and returns `argv` (Rasa's command line)
    with `--response-timeout` for `rasa run` (the HTTP API's app reads it instead of Sanic's setting)."""
    for name, value in SERVER_LIMITS.items():
        environ.setdefault(name, value)
    command = argv[1:3]
    if command[:1] != ["run"] or command[1:] == ["actions"] or any(a.startswith("--response-timeout") for a in argv):
        return list(argv)
    return [*argv, "--response-timeout", environ["SANIC_RESPONSE_TIMEOUT"]]


API_TOKEN_VARIABLE = "RASA_AUTH_TOKEN"
REST_TOKEN_VARIABLE = "REST_TOKEN"
REST_CHANNELS = ("assistant.channels.rest.GuardedRestInput", "rest")
RASA_DEFAULT_INTERFACE = "0.0.0.0"
RASA_DEFAULT_CREDENTIALS = "credentials.yml"


class RefusedToStart(Exception):
    """The server would open a door without a key: the message says which variable to set."""


def _option(argv: List[str], *names: str) -> Optional[str]:
    """The value of the last of `names` on the command line (`--name value` or `--name=value`)."""
    value = None
    for i, argument in enumerate(argv):
        for name in names:
            if argument == name and i + 1 < len(argv):
                value = argv[i + 1]
            elif argument.startswith(f"{name}="):
                value = argument.split("=", 1)[1]
    return value


def is_loopback(interface: str) -> bool:
    """Whether a server listening on `interface` is reachable from this machine only."""
    host = interface.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def _rest_credentials(argv: List[str]) -> Optional[Tuple[str, Dict[str, Any]]]:
    """The REST channel credentials.yml configures (its key and settings), if any."""
    path = Path(_option(argv, "--credentials") or RASA_DEFAULT_CREDENTIALS)
    if not path.is_file():
        return None
    channels = yaml.safe_load(path.read_text()) or {}
    for key in REST_CHANNELS:
        if isinstance(channels, dict) and key in channels:
            return key, channels[key] if isinstance(channels[key], dict) else {}
    return None


def doors(environ: Mapping[str, str], argv: List[str]) -> List[str]:
    """`argv` (Rasa's command line) with the HTTP API's token from the environment; raises
    `RefusedToStart` when the server would listen beyond loopback with the API or REST open."""
    command = argv[1:3]
    if command[:1] != ["run"] or command[1:] == ["actions"]:
        return list(argv)
    interface = _option(argv, "-i", "--interface") or RASA_DEFAULT_INTERFACE
    local = is_loopback(interface)
    argv = list(argv)
    if "--enable-api" in argv and _option(argv, "--auth-token") is None:
        if environ.get(API_TOKEN_VARIABLE):
            argv += ["--auth-token", environ[API_TOKEN_VARIABLE]]
        elif not local:
            raise RefusedToStart(
                f"rasa not started: the HTTP API is enabled (--enable-api) on {interface}, which is not "
                f"loopback, so {API_TOKEN_VARIABLE} must be set (or listen on 127.0.0.1: --interface / RASA_HOST)."
            )
    rest = _rest_credentials(argv)
    if rest is not None and not local:
        key, settings = rest
        if key == "rest":
            raise RefusedToStart(
                f"rasa not started: Rasa's own `rest` channel takes no token and would be open on {interface}; "
                f"configure {REST_CHANNELS[0]} instead and set {REST_TOKEN_VARIABLE}."
            )
        if not (environ.get(REST_TOKEN_VARIABLE) or settings.get("token")):
            raise RefusedToStart(
                f"rasa not started: the REST channel would be open to anyone on {interface}, which is not "
                f"loopback, so {REST_TOKEN_VARIABLE} must be set (or listen on 127.0.0.1: --interface / RASA_HOST)."
            )
    return argv


@lru_cache(maxsize=None)
def action_response_validator() -> Any:
    """A validator for Rasa's action-response schema; the schema itself is checked here, once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the validator built once: what
    `jsonschema.validate` does after its schema check, and Rasa's wording of a failure."""
    from jsonschema import exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def apply() -> None:
    """Applies the changes above to Rasa in this process, and masks phone numbers in its logs."""
    import rasa.core.processor
    from rasa.core.actions.action import RemoteAction

    from assistant.graph_runner import SequentialGraphRunner
    from core import privacy

    privacy.install()
    RemoteAction._validate_action_result = validate_action_result
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # the models it loads run without dask
