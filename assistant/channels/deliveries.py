"""Messages a channel may deliver more than once, handled once whichever Rasa server they reach, and
the bot's last reply, both read from the conversation itself.

Twilio delivers an SMS again under the same `MessageSid` and Slack an event under the same
`event_id` when they think the first delivery failed. The channel passes that id to Rasa as the
message's `message_id`, which the tracker store keeps on the user's event, next to the bot messages
that answered it. So every Rasa server of one assistant, and a server after a restart, can tell a
repeat from a new message, and knows the options of the last reply ("reply 1, 2..."), with no state
of its own:

- `delivery(conversation_id, message_id)` holds Rasa's lock store for that one delivery (Redis when
  `LOCK_STORE_URL` is set, else the one server's memory), so a repeat arriving while the first is
  still being handled waits for it, then yields the conversation as stored;
- `reply_to(tracker, message_id)` is what was answered the first time (None when it never was);
- `last_reply(tracker)` is the bot's messages since the last user message.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, List, Optional, Sequence

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.channels import guard

WAIT_SECONDS = 0.2  # between looks at a delivery's lock held by another server


async def as_sent(events: Sequence[Event]) -> List[Dict[str, Any]]:
    """The bot's events as the channel received them: each through an output channel, as Rasa sends them."""
    collector = CollectingOutputChannel()
    for event in events:
        if isinstance(event, BotUttered):
            await collector.send_response("", event.message())
    return collector.messages


async def reply_to(tracker: DialogueStateTracker, message_id: str) -> Optional[List[Dict[str, Any]]]:
    """The bot messages that answered the user message `message_id`; None when the conversation has none."""
    events = list(tracker.events)
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.message_id == message_id:
            following = events[index + 1 :]
            end = next((i for i, e in enumerate(following) if isinstance(e, UserUttered)), len(following))
            return await as_sent(following[:end])
    return None


async def last_reply(tracker: Optional[DialogueStateTracker]) -> List[Dict[str, Any]]:
    """The bot messages after the conversation's last user message."""
    if tracker is None:
        return []
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=-1)
    return await as_sent(events[last_user + 1 :])


@asynccontextmanager
async def delivery(conversation_id: str, message_id: Optional[str]) -> AsyncIterator[Optional[DialogueStateTracker]]:
    """The conversation as stored, read while holding the lock of this one delivery (when it has an id).

    Outside a running Rasa server (no agent), yields None and holds nothing."""
    agent = guard.agent()
    if agent is None:
        yield None
    elif not message_id:
        yield await agent.tracker_store.retrieve(conversation_id)
    else:
        async with agent.lock_store.lock(f"{conversation_id}#{message_id}", wait_time_in_seconds=WAIT_SECONDS):
            yield await agent.tracker_store.retrieve(conversation_id)
