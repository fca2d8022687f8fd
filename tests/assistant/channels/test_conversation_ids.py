"""One conversation per person, against the real server: a sender id chosen on one channel never
continues a conversation held on another (issue: a REST `sender` equal to a phone number used to
continue that phone's SMS conversation)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import List

import pytest
import requests

from tests.assistant.channels.test_hostile_input import socketio_chat, webchat_conversation
from tests.assistant.channels.test_slack import direct_message, posts_to, signed_post
from tests.assistant.channels.test_twilio_sms import messages, new_sender, sms

pytestmark = pytest.mark.server


def rest(servers, sender: str, text: str) -> str:
    reply = requests.post(f"{servers.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200, reply.text
    return json.dumps(reply.json())


def test_a_rest_sender_named_like_a_phone_does_not_continue_its_sms_conversation(servers):
    phone = new_sender()
    assert "KServe" in " ".join(messages(sms(servers, "what is kserve", phone)))
    assert "KServe" not in rest(servers, phone, "is it open source?")
    assert servers.user_texts(f"sms:{phone}") == ["what is kserve"]
    assert servers.user_texts(f"rest:{phone}") == ["is it open source?"]


def test_a_rest_sender_named_like_a_slack_user_does_not_continue_the_slack_conversation(servers):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    assert signed_post(servers, direct_message("what is kserve", user)).status_code == 200
    assert "KServe" in posts_to(servers, f"D{user}")[0]["text"]  # the reply still goes to the user's channel
    assert "KServe" not in rest(servers, user, "is it open source?")
    assert servers.user_texts(f"slack:{user}") == ["what is kserve"]


def test_a_web_chat_session_named_like_a_rest_sender_keeps_its_own_conversation(servers):
    sender = f"shared-{uuid.uuid4().hex[:8]}"
    assert "KServe" in rest(servers, sender, "what is kserve")
    confirmed: List[str] = []
    said = asyncio.run(
        socketio_chat(servers.url, ["is it open source?"], expected=1, session=sender, confirmed=confirmed)
    )
    assert said and "KServe" not in json.dumps(said)  # the reply reached the session's room
    assert confirmed[0] != sender  # a name the client chose is not a session the server issued
    assert servers.user_texts(webchat_conversation(confirmed[0])) == ["is it open source?"]
    assert servers.user_texts(f"webchat:{sender}") == []
    assert servers.user_texts(f"rest:{sender}") == ["what is kserve"]


def test_a_web_chat_client_cannot_take_over_another_clients_session(servers):
    """B knows A's conversation: its id in the tracker store, and even A's whole session id. B asks
    for each, and sends messages naming A's session: B never joins A's room or conversation."""
    first: List[str] = []
    asked = asyncio.run(socketio_chat(servers.url, ["what is kserve"], expected=1, confirmed=first))
    assert asked and "KServe" in json.dumps(asked)
    session_a = first[0]
    nonce, mac = session_a.split(".")
    forged = f"{nonce}.{'0' * len(mac)}"
    for proposed in (nonce, forged, webchat_conversation(session_a), f"{nonce}.{mac.upper()}"):
        given: List[str] = []
        said = asyncio.run(
            socketio_chat(
                servers.url,
                [],
                expected=1,
                session=proposed,
                confirmed=given,
                raw=({"message": "is it open source?", "session_id": session_a},),
            )
        )
        assert given[0] != session_a and given[0].split(".")[0] != nonce, proposed
        assert said and "KServe" not in json.dumps(said), proposed  # no context from A's conversation
        assert servers.user_texts(webchat_conversation(given[0])) == ["is it open source?"], proposed
    assert servers.user_texts(webchat_conversation(session_a)) == ["what is kserve"]


def test_a_web_chat_client_that_reconnects_with_its_session_keeps_its_conversation(servers):
    first: List[str] = []
    asyncio.run(socketio_chat(servers.url, ["what is kserve"], expected=1, confirmed=first))
    again: List[str] = []
    said = asyncio.run(
        socketio_chat(servers.url, ["is it open source?"], expected=1, session=first[0], confirmed=again)
    )
    assert again == first
    assert "KServe" in json.dumps(said)  # 'it' is the tool of the conversation it resumed
    assert servers.user_texts(webchat_conversation(first[0])) == ["what is kserve", "is it open source?"]
