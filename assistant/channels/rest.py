"""Rasa's REST channel (POST /webhooks/rest/webhook), strict about what it accepts.

- The body must be a JSON object with a string `message` and, optionally, a string or number
  `sender` and an object `metadata`; anything else gets a 400 that says so (Rasa's own channel
  answers some of it with a 500). Metadata over `inbound.MAX_METADATA_BYTES` of JSON gets a 413:
  Rasa keeps it in the turn's events.
- `REST_TOKEN` (optional): when set, requests need `Authorization: Bearer <token>` (401 otherwise).
  `rasa shell` sends no token, so leave it unset where people use the shell.
- Messages go through `assistant.channels.guard`: cleaned input, and an apology instead of silence.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels import guard, inbound

logger = logging.getLogger(__name__)
TOKEN_VARIABLE = "REST_TOKEN"


class BadRestRequest(SanicException):
    status_code = 400
    quiet = True


class MetadataTooLarge(SanicException):
    status_code = 413
    quiet = True


def _body(request: Request) -> Dict[str, Any]:
    try:
        body = request.json
    except Exception:  # Sanic's own error for a body that is not JSON
        body = None
    if not isinstance(body, dict):
        raise BadRestRequest('Send a JSON object such as {"sender": "ada", "message": "what is dvc?"}.')
    if not isinstance(body.get("message"), str):
        raise BadRestRequest('"message" must be a string.')
    if body.get("sender") is not None and not isinstance(body["sender"], (str, int)):
        raise BadRestRequest('"sender" must be a string.')
    if body.get("metadata") is not None:
        if not isinstance(body["metadata"], dict):
            raise BadRestRequest('"metadata" must be an object.')
        if inbound.bounded_metadata(body["metadata"]) is None:
            raise MetadataTooLarge(f'"metadata" must take at most {inbound.MAX_METADATA_BYTES} bytes as JSON.')
    return body


class GuardedRestInput(RestInput):
    """Rasa's `RestInput` with request checks, an optional bearer token and the channel guard."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls(token=os.environ.get(TOKEN_VARIABLE) or (credentials or {}).get("token"))

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token or None

    async def _extract_sender(self, req: Request) -> Optional[str]:
        sender = _body(req).get("sender")
        return None if sender is None else str(sender)

    def _extract_message(self, req: Request) -> Optional[str]:
        return _body(req)["message"]

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        return _body(request).get("metadata")

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # not the caller's say: it picks response variations

    def _authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(guard.guard(on_new_message))

        @webhook.middleware("request")
        async def authorize(request: Request) -> Optional[HTTPResponse]:
            if request.method == "POST" and not self._authorized(request):
                return response.json({"error": "Missing or wrong bearer token."}, status=401)
            return None

        return webhook
