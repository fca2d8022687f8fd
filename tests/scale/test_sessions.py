"""Web chat sessions the servers issue, across the two servers that share WEBCHAT_SESSION_SECRET: a
browser that reconnects to the other server keeps its conversation; a session id it made up does not
get it another's."""

from __future__ import annotations

import asyncio
import json
from typing import List

import pytest

from tests.assistant.channels.test_hostile_input import socketio_chat, webchat_conversation

pytestmark = pytest.mark.scale


def user_texts(stack, conversation: str) -> List[str]:
    return [json.loads(row["data"]).get("text") for row in stack.events(conversation) if row["type_name"] == "user"]


def test_a_session_issued_by_one_server_continues_on_the_other(stack):
    one, two = stack.servers
    first: List[str] = []
    asyncio.run(socketio_chat(one.url, ["what is kserve"], expected=1, confirmed=first))
    again: List[str] = []
    said = asyncio.run(socketio_chat(two.url, ["is it open source?"], expected=1, session=first[0], confirmed=again))
    assert again == first
    assert "KServe" in json.dumps(said)
    assert user_texts(stack, webchat_conversation(first[0])) == ["what is kserve", "is it open source?"]


def test_a_session_id_the_client_made_up_is_replaced_on_either_server(stack):
    one, two = stack.servers
    first: List[str] = []
    asyncio.run(socketio_chat(one.url, ["what is kserve"], expected=1, confirmed=first))
    nonce = first[0].split(".")[0]
    other: List[str] = []
    asyncio.run(socketio_chat(two.url, ["is it open source?"], expected=1, session=nonce, confirmed=other))
    assert other[0] != first[0]
    assert user_texts(stack, webchat_conversation(first[0])) == ["what is kserve"]
