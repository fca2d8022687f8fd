"""Every channel's handler, wrapped: cleaned input in, never silence out.

`guard(on_new_message)` returns a handler that
- passes the text and sender id through `assistant.channels.inbound` (size cap, control characters,
  payload injection) and files the message under a conversation id of its channel
  (`inbound.conversation_id`), while replies still go to the sender the channel knows;
- answers with the domain's `utter_service_unavailable` (the variation for the channel, if any) when
  handling fails or ends without a single bot message: the action server down, the tracker store or
  the lock store unreachable. The next message is handled as usual, so service resumes by itself.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel
from sanic import Sanic

from assistant.channels import inbound
from assistant.stores import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

APOLOGY_RESPONSE = "utter_service_unavailable"
APOLOGY_FALLBACK = "Sorry, I can't answer right now. Please try again in a minute."
Handler = Callable[[UserMessage], Awaitable[Any]]


def agent() -> Optional[Any]:
    """The running server's Rasa `Agent`, or None outside one."""
    try:
        return getattr(Sanic.get_app().ctx, "agent", None)
    except Exception:  # no app or several: no agent to use
        return None


def _domain() -> Optional[Any]:
    running = agent()
    return running.domain if running is not None else None


def apology(channel: Optional[str], domain: Optional[Any] = None) -> str:
    """The text of `utter_service_unavailable` for `channel`, from the domain the server runs."""
    domain = domain if domain is not None else _domain()
    variations = domain.responses.get(APOLOGY_RESPONSE, []) if domain is not None else []
    for variation in sorted(variations, key=lambda v: v.get("channel") != channel):
        if variation.get("channel") in (None, channel) and variation.get("text"):
            return variation["text"]
    return APOLOGY_FALLBACK


class _CountingOutput(OutputChannel):
    """Passes everything to the channel's own output, addressed as the channel addressed the user
    (socket.io rooms are named by the sender id it received), and counts what went out."""

    def __init__(self, inner: OutputChannel, recipient_id: str) -> None:
        self.inner = inner
        self.recipient_id = recipient_id
        self.sent = 0

    def name(self) -> str:  # the inner channel's name picks response variations
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(self.recipient_id, message)


def clean_message(message: UserMessage) -> None:
    """Applies `inbound` to the message in place, with the intents and entities of the running domain."""
    domain = _domain()
    intents = domain.intents if domain is not None else ()
    entities = domain.entities if domain is not None else ()
    message.text = inbound.inbound_text(message.text, intents, entities)
    message.sender_id = inbound.conversation_id(message.input_channel, message.sender_id)
    if message.metadata and inbound.bounded_metadata(message.metadata) is None:
        logger.warning(
            "Dropped the metadata of a message from %s: not an object of at most %d bytes of JSON.",
            message.input_channel,
            inbound.MAX_METADATA_BYTES,
        )
        message.metadata = None


def guard(on_new_message: Handler) -> Handler:
    """`on_new_message`, with cleaned input and an apology instead of silence."""

    async def handle(message: UserMessage) -> Any:
        recipient_id = message.sender_id
        clean_message(message)
        # Rasa's REST streaming (`?stream=true`) collects into a queue it empties as it goes: count those.
        collecting = isinstance(message.output_channel, CollectingOutputChannel) and not isinstance(
            message.output_channel, QueueOutputChannel
        )
        before = len(message.output_channel.messages) if collecting else 0
        if not collecting:
            message.output_channel = _CountingOutput(message.output_channel, recipient_id)
        result = None
        try:
            result = await on_new_message(message)
        except (Exception, TrackerStoreUnavailable):
            logger.exception("Handling a message from %s failed; the user gets an apology.", message.input_channel)
        sent = len(message.output_channel.messages) - before if collecting else message.output_channel.sent
        if not sent:
            logger.error("No reply to a message from %s; sending an apology.", message.input_channel)
            output = message.output_channel
            try:
                await output.send_response(message.sender_id, {"text": apology(output.name())})
            except Exception:
                logger.exception("The apology could not be sent either.")
        return result

    return handle
