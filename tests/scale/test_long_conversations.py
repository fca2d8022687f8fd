"""Conversations longer than the tracker store's window, on PostgreSQL across two Rasa servers and a
restart: the window's queries on PostgreSQL, every event stored once, the context kept."""

from __future__ import annotations

import asyncio
from typing import Dict, List

import aiohttp
import pytest

from assistant.stores import WINDOW_TURNS
from tests.scale.conftest import APOLOGY, say, say_now, texts
from tests.scale.test_scale import assert_nothing_doubled, assert_order_intact, user_texts

pytestmark = pytest.mark.scale

FILLER = ["hi", "what is data drift?", "thanks", "how do I version data?"] * 4
assert len(FILLER) > WINDOW_TURNS + 2


def test_long_conversations_alternating_between_two_servers_keep_their_context_and_every_event(stack):
    senders = [f"long-{n}" for n in range(4)]
    script = ["what is dvc?", *FILLER, "is it open source?", "which experiment trackers are there?", "the second one"]
    answers: Dict[str, List[List[Dict]]] = {s: [] for s in senders}

    async def conversation(session: aiohttp.ClientSession, sender: str) -> None:
        for turn, text in enumerate(script):
            answers[sender].append(await say(session, stack.servers[turn % 2], sender, text))

    async def everyone() -> None:
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(conversation(session, s) for s in senders))

    asyncio.run(everyone())
    for sender in senders:
        replies = ["\n".join(m.get("text", "") for m in reply) for reply in answers[sender]]
        assert all(replies) and not any(APOLOGY in reply for reply in replies), sender
        assert "Yes, DVC is open source" in replies[-3], sender  # said 17 user messages before
        assert replies[-1].startswith("Weights & Biases"), sender
        events = stack.events(f"rest:{sender}")
        assert user_texts(events) == script
        assert_order_intact(events)
        assert_nothing_doubled(events)


def test_a_long_conversation_goes_on_after_a_restart(stack):
    server, sender = stack.servers[1], "long-restart"
    for text in ["what is feast?", *FILLER]:
        say_now(server, sender, text)
    stored = len(stack.events(f"rest:{sender}"))
    server.stop()
    server.start()
    assert "Yes, Feast is open source" in texts(say_now(server, sender, "is it open source?"))
    events = stack.events(f"rest:{sender}")
    assert len(events) > stored and user_texts(events) == ["what is feast?", *FILLER, "is it open source?"]
    assert_order_intact(events)
    assert_nothing_doubled(events)
