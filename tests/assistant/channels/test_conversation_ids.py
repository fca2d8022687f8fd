"""One conversation per person, against the real server: a sender id chosen on one channel never
continues a conversation held on another (issue: a REST `sender` equal to a phone number used to
continue that phone's SMS conversation)."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import requests

from tests.assistant.channels.test_hostile_input import socketio_chat
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
    said = asyncio.run(socketio_chat(servers.url, ["is it open source?"], expected=1, session=sender))
    assert said and "KServe" not in json.dumps(said)  # the reply reached the session's room
    assert servers.user_texts(f"webchat:{sender}") == ["is it open source?"]
    assert servers.user_texts(f"rest:{sender}") == ["what is kserve"]
