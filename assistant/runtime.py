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

Nothing here runs at import time: `apply()` does it, and may be called more than once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, MutableMapping

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
    """Applies the changes above to Rasa in this process."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result
