"""Changes to Rasa 3.6's behaviour at run time, applied by `python -m assistant` before Rasa starts.

One so far: **the action server's responses are checked by a validator built once.**
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
from typing import Any, Dict


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
