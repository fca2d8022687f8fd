"""SMS over Twilio: a drop-in for Rasa's `twilio` channel that checks signatures and answers in TwiML.

POST /webhooks/twilio/webhook. Configure in credentials.yml as
`assistant.channels.twilio_sms.TwilioSmsInput:`; secrets come from the environment:
- `TWILIO_AUTH_TOKEN` (required: without it every request is refused, fail closed);
- `TWILIO_WEBHOOK_URL`, the public URL Twilio posts to, when a TLS proxy sits in front (the
  signature covers the URL Twilio used, which the app behind the proxy does not see).

The reply goes back in the HTTP response as TwiML, within Twilio's 15-second budget, rendered for
SMS by `assistant.channels.sms`. Replies of "1", "2"... pick the options of the last message. Both
that message and the record of answered `MessageSid`s are read from the conversation in the tracker
store (`assistant.channels.deliveries`), so every Rasa server sees them, also after a restart: a
delivery Twilio repeats gets the first reply again and is not handled twice, whichever server it
reaches.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import parse_qs

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from assistant.channels import deliveries, guard, inbound, sms
from assistant.stores import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "TWILIO_AUTH_TOKEN"
URL_VARIABLE = "TWILIO_WEBHOOK_URL"
MAX_BODY_BYTES = 16 * 1024  # Twilio's own requests are a few hundred bytes
MAX_TEXT_CHARS = 1600  # an SMS body can be no longer
REPLY_BUDGET_SECONDS = 12.0  # Twilio waits 15 s for the TwiML
# Twilio handles these keywords itself (opt-out and opt-in); the bot must not reply to them.
CARRIER_KEYWORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "start", "unstop"})
HELP_KEYWORDS = frozenset({"help", "info"})


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
            return await self._answer(guard.guard(on_new_message), sender, text[:MAX_TEXT_CHARS].strip(), message_id)

        return webhook

    async def _answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sender: str, text: str, message_id: Optional[str]
    ) -> HTTPResponse:
        keyword = text.lower().strip(" .!")
        if keyword in CARRIER_KEYWORDS:
            return _twiml([])
        if keyword in HELP_KEYWORDS or not text:
            text = inbound.HELP_PAYLOAD
        # Shielded: past the budget the user gets an apology, but the turn still completes and is stored.
        handling = asyncio.ensure_future(self._reply(on_new_message, sender, text, message_id))
        try:
            messages = await asyncio.wait_for(asyncio.shield(handling), timeout=REPLY_BUDGET_SECONDS)
        except asyncio.TimeoutError:
            logger.error("Twilio channel: no answer within %.0f s for %s", REPLY_BUDGET_SECONDS, message_id)
            return _twiml([guard.apology(self.name())])
        except (Exception, TrackerStoreUnavailable):  # the reply must still go out; the log has the details
            logger.exception("Twilio channel: answering %s failed", message_id)
            return _twiml([guard.apology(self.name())])
        return _twiml(sms.render(messages) or [guard.apology(self.name())])

    async def _reply(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sender: str, text: str, message_id: Optional[str]
    ) -> List[Dict[str, Any]]:
        """The bot's messages for `text`; for a `message_id` answered before, the messages sent then."""
        conversation = inbound.conversation_id(self.name(), sender)
        async with deliveries.delivery(conversation, message_id) as tracker:
            earlier = await deliveries.reply_to(tracker, message_id) if tracker and message_id else None
            if earlier is not None:
                logger.info("Twilio channel: %s was answered before; sending that answer again.", message_id)
                return earlier
            picked = sms.picked_option(text, sms.options_of(await deliveries.last_reply(tracker)))
            collector = CollectingOutputChannel()
            message = UserMessage(
                picked.payload if picked else text, collector, sender, input_channel=self.name(), message_id=message_id
            )
            await on_new_message(message)
            return collector.messages
