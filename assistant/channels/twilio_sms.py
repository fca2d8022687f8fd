"""SMS over Twilio: a drop-in for Rasa's `twilio` channel that checks signatures and answers in TwiML.

POST /webhooks/twilio/webhook. Configure in credentials.yml as
`assistant.channels.twilio_sms.TwilioSmsInput:`; secrets come from the environment:
- `TWILIO_AUTH_TOKEN` (required: without it every request is refused, fail closed);
- `TWILIO_WEBHOOK_URL`, the public URL Twilio posts to, when a TLS proxy sits in front (the
  signature covers the URL Twilio used, which the app behind the proxy does not see).

The reply goes back in the HTTP response as TwiML, within Twilio's 15-second budget, rendered for
SMS by `assistant.channels.sms`. Replies of "1", "2"... pick the options of the last message.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import parse_qs

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from assistant.channels import guard, inbound, sms

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "TWILIO_AUTH_TOKEN"
URL_VARIABLE = "TWILIO_WEBHOOK_URL"
MAX_BODY_BYTES = 16 * 1024  # Twilio's own requests are a few hundred bytes
MAX_TEXT_CHARS = 1600  # an SMS body can be no longer
REPLY_BUDGET_SECONDS = 12.0  # Twilio waits 15 s for the TwiML
REMEMBERED = 10_000  # message ids and option lists kept in memory, newest last
# Twilio handles these keywords itself (opt-out and opt-in); the bot must not reply to them.
CARRIER_KEYWORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "start", "unstop"})
HELP_KEYWORDS = frozenset({"help", "info"})


class _Recent(OrderedDict):
    """A bounded map: the oldest entries go first."""

    def remember(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > REMEMBERED:
            self.popitem(last=False)


class _FormFields(Dict[str, List[str]]):
    """Every field with all its values, blanks kept: what Twilio signed (`getall` for the validator)."""

    def getall(self, name: str) -> List[str]:
        return self[name]


def _twiml(bodies: List[str]) -> HTTPResponse:
    reply = MessagingResponse()
    for body in bodies:
        reply.message(body)
    return response.text(str(reply), content_type="application/xml")


class TwilioSmsInput(InputChannel):
    """Twilio's SMS webhook, verified with the twilio package's `RequestValidator`."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            auth_token=os.environ.get(TOKEN_VARIABLE) or credentials.get("auth_token"),
            webhook_url=os.environ.get(URL_VARIABLE) or credentials.get("webhook_url"),
        )

    def __init__(self, auth_token: Optional[str] = None, webhook_url: Optional[str] = None) -> None:
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.webhook_url = webhook_url or None
        self.answered: _Recent = _Recent()  # MessageSid -> the TwiML sent
        self.options: _Recent = _Recent()  # sender -> options of the last message
        if self.validator is None:
            logger.warning("Twilio channel: %s is not set, so every request is refused (403).", TOKEN_VARIABLE)

    def _refusal(self, request: Request) -> Optional[HTTPResponse]:
        """A 4xx for a request that is not a genuine Twilio webhook call, else None."""
        if self.validator is None:
            return response.text("Twilio channel is off: TWILIO_AUTH_TOKEN is not set.", status=403)
        if len(request.body or b"") > MAX_BODY_BYTES:
            return response.text("Request body too large.", status=413)
        if not (request.content_type or "").startswith("application/x-www-form-urlencoded"):
            return response.text("Expected a form-encoded body.", status=415)
        return None

    def _fields(self, request: Request) -> Optional[_FormFields]:
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return _FormFields(parse_qs(body, keep_blank_values=True))

    def _signed(self, request: Request, fields: _FormFields) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.webhook_url or request.url
        return bool(signature) and self.validator is not None and self.validator.validate(url, fields, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_sms_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.validator else "off: TWILIO_AUTH_TOKEN is not set"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            fields = self._fields(request)
            if fields is None:
                return response.text("Body is not UTF-8.", status=400)
            if not self._signed(request, fields):
                logger.warning("Twilio channel: refused a request with a missing or wrong signature.")
                return response.text("Invalid Twilio signature.", status=403)
            sender = (fields.get("From") or [""])[0]
            if "Body" not in fields or not sender.strip():
                return response.text("Body and From are required.", status=400)
            text = fields["Body"][0]
            if "\x00" in text or "\x00" in sender:
                return response.text("NUL bytes are not allowed.", status=400)
            message_id = (fields.get("MessageSid") or [""])[0] or None
            if message_id and message_id in self.answered:  # Twilio retried: answer once
                return response.text(self.answered[message_id], content_type="application/xml")
            reply = await self._answer(guard.guard(on_new_message), sender, text[:MAX_TEXT_CHARS].strip(), message_id)
            if message_id:
                self.answered.remember(message_id, (reply.body or b"").decode("utf-8"))
            return reply

        return webhook

    async def _answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sender: str, text: str, message_id: Optional[str]
    ) -> HTTPResponse:
        keyword = text.lower().strip(" .!")
        if keyword in CARRIER_KEYWORDS:
            return _twiml([])
        if keyword in HELP_KEYWORDS or not text:
            text = inbound.HELP_PAYLOAD
        picked = sms.picked_option(text, self.options.get(sender, []))
        if picked is not None:
            text = picked.payload
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, sender, input_channel=self.name(), message_id=message_id)
        # Shielded: past the budget the user gets an apology, but the turn still completes and is stored.
        handling = asyncio.ensure_future(on_new_message(message))
        try:
            await asyncio.wait_for(asyncio.shield(handling), timeout=REPLY_BUDGET_SECONDS)
        except asyncio.TimeoutError:
            logger.error("Twilio channel: no answer within %.0f s for %s", REPLY_BUDGET_SECONDS, message_id)
            return _twiml([guard.apology(self.name())])
        except Exception:  # the reply must still go out; the log has the details
            logger.exception("Twilio channel: answering %s failed", message_id)
            return _twiml([guard.apology(self.name())])
        bodies = sms.render(collector.messages)
        self.options.remember(sender, sms.options_of(collector.messages))
        return _twiml(bodies or [guard.apology(self.name())])
