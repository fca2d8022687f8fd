"""What the SMS channel remembers, seen by both Rasa servers: the options of the last message and
the MessageSids already answered live in the conversation (PostgreSQL), and a repeat delivery is
serialised by the Redis lock store."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.assistant.channels.test_twilio_sms import messages, new_sender, sms

pytestmark = pytest.mark.scale


def user_texts(stack, phone: str):
    return [json.loads(e["data"]).get("text") for e in stack.events(f"sms:{phone}") if e["type_name"] == "user"]


def test_a_number_sent_to_the_other_server_picks_from_the_options_the_first_one_sent(stack):
    one, other, phone = stack.servers[0], stack.servers[1], new_sender()
    listed = " ".join(messages(sms(one, "which experiment tracker should i use?", phone)))
    assert "1) Yes" in listed and "2) No" in listed
    assert "Self-hosted or managed" in " ".join(messages(sms(other, "1", phone)))
    assert "I'd pick" in " ".join(messages(sms(one, "2", phone)))


def test_a_delivery_repeated_to_the_other_server_gets_the_same_reply_and_is_handled_once(stack):
    one, other, phone, sid = stack.servers[0], stack.servers[1], new_sender(), f"SM{uuid.uuid4().hex}"
    first_page = messages(sms(one, "what can i use for experiment tracking?", phone))
    second_page = sms(one, "more", phone, sid=sid)
    again = sms(other, "more", phone, sid=sid)
    assert again.text == second_page.text and messages(second_page) != first_page
    third_page = messages(sms(other, "more", phone))
    assert third_page != messages(second_page)  # the repeat did not skip a page
    assert user_texts(stack, phone) == ["what can i use for experiment tracking?", "more", "more"]


@pytest.mark.parametrize("attempt", range(5))
def test_one_message_delivered_to_both_servers_at_once_is_handled_once(stack, attempt):
    phone, sid = new_sender(), f"SM{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda server: sms(server, "what is feast", phone, sid=sid), stack.servers))
    assert replies[0].text == replies[1].text and "Feast" in replies[0].text
    assert user_texts(stack, phone) == ["what is feast"]
