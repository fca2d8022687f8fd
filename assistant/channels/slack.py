"""Slack through Rasa's own `SlackInput` (it checks Slack's signing secret), set up from the environment.

credentials.yml: `assistant.channels.slack.SlackApp:`. Environment:
- `SLACK_BOT_TOKEN` and `SLACK_SIGNING_SECRET`: without both the channel stays off (one log line,
  and its webhook answers 503);
- `SLACK_CHANNEL` (optional): the channel the bot posts to;
- `SLACK_API_URL` (optional): another Web API base URL, e.g. a local stand-in in tests.

Rendering: the domain's `channel: slack` response variations carry Slack mrkdwn; `&`, `<` and `>`
are escaped as Slack asks, so text a user typed (a tool name echoed back) cannot become a mention
or a link; buttons are capped at `MAX_BUTTONS`, as Slack users scan them on one line.

Messages go through `assistant.channels.guard`. A signed request Slack's format does not explain
(Rasa's handler would fail on it or answer 500) gets a 400.

Slack delivers an event again (`X-Slack-Retry-Num`, the same `event_id`) when it thinks the first
delivery failed, for whatever reason. The event id becomes the message's `message_id`, and an event
the conversation already holds is acknowledged and not handled again, whichever Rasa server the
repeat reaches (`assistant.channels.deliveries`); a repeat whose first delivery never arrived is
handled.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from assistant.channels import deliveries, guard, inbound
from assistant.stores import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

MAX_BUTTONS = 5
TOKEN_VARIABLE = "SLACK_BOT_TOKEN"
SECRET_VARIABLE = "SLACK_SIGNING_SECRET"
CHANNEL_VARIABLE = "SLACK_CHANNEL"
API_URL_VARIABLE = "SLACK_API_URL"


class DisabledChannel(InputChannel):
    """A channel whose secrets are not set: it says so once in the log and answers 503."""

    def __init__(self, channel_name: str, reason: str) -> None:
        self._name = channel_name
        self.reason = reason
        logger.info("%s channel is off: %s", channel_name, reason)

    def url_prefix(self) -> str:
        return self._name

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        off = Blueprint(f"{self._name}_off", __name__)

        @off.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "off", "reason": self.reason})

        @off.route("/webhook", methods=["GET", "POST"])
        async def webhook(_: Request) -> HTTPResponse:
            return response.text(f"This channel is off: {self.reason}", status=503)

        return off


def escape(text: str) -> str:
    """Slack's three control characters in message text, escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackOutput(SlackBot):
    """Rasa's Slack output, with a configurable Web API URL and at most five buttons."""

    def __init__(
        self,
        token: str,
        slack_channel: Optional[str] = None,
        thread_id: Optional[str] = None,
        proxy: Optional[str] = None,
        api_url: Optional[str] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_url:
            self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, escape(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await super().send_text_with_buttons(recipient_id, escape(text), buttons[:MAX_BUTTONS], **kwargs)


class SlackApp(SlackInput):
    """Rasa's `SlackInput`, configured from the environment, posting through `SlackOutput`."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        token = os.environ.get(TOKEN_VARIABLE) or credentials.get("slack_token")
        secret = os.environ.get(SECRET_VARIABLE) or credentials.get("slack_signing_secret")
        if not token or not secret:
            return DisabledChannel(cls.name(), f"{TOKEN_VARIABLE} and {SECRET_VARIABLE} are not both set.")
        channel = cls(
            token,
            os.environ.get(CHANNEL_VARIABLE) or credentials.get("slack_channel"),
            slack_retry_reason_header=credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            slack_retry_number_header=credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            use_threads=credentials.get("use_threads", False),
            slack_signing_secret=secret,
        )
        channel.api_url = os.environ.get(API_URL_VARIABLE) or credentials.get("api_url")
        return channel

    api_url: Optional[str] = None

    def get_output_channel(self, channel: Optional[str] = None, thread_id: Optional[str] = None) -> OutputChannel:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: Optional[str],
        metadata: Optional[Dict],
    ) -> Any:
        """Rasa's handling (it answers Slack at once and handles the message in the background),
        once per event id."""
        body = request.json if request.content_type == "application/json" else None
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if not isinstance(event_id, str) or not event_id:
            return await super().process_message(request, on_new_message, text, sender_id, metadata)
        conversation = inbound.conversation_id(self.name(), sender_id)

        async def once(message: UserMessage) -> None:
            message.message_id = event_id
            handling = False
            try:
                async with deliveries.delivery(conversation, event_id) as tracker:
                    if tracker is not None and await deliveries.reply_to(tracker, event_id) is not None:
                        logger.info("Slack channel: event %s was handled before; not again.", event_id)
                        return
                    handling = True
                    await on_new_message(message)
            except (Exception, TrackerStoreUnavailable):
                logger.exception("Slack channel: could not look up event %s in its conversation.", event_id)
                if not handling:  # the guard answers, with an apology when the stores are down
                    await on_new_message(message)

        return await super().process_message(request, once, text, sender_id, metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(guard.guard(on_new_message))

        @webhook.exception(Exception)
        async def unreadable(request: Request, error: Exception) -> HTTPResponse:
            if isinstance(error, SanicException) and 400 <= error.status_code < 500:  # e.g. Sanic's 413
                return response.text(str(error), status=error.status_code)
            logger.warning("Slack channel: could not read a request (%s: %s)", type(error).__name__, error)
            return response.text("This request is not a Slack event the assistant can read.", status=400)

        @webhook.middleware("response")
        async def no_server_errors(request: Request, reply: HTTPResponse) -> Optional[HTTPResponse]:
            if reply.status >= 500:  # Rasa's handler answers 500 for interactive payloads it cannot read
                return response.text("This request is not a Slack event the assistant can read.", status=400)
            return None

        return webhook
