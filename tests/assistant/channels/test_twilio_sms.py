"""SMS over Twilio: real signed requests (the twilio package's RequestValidator) against the real server."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Optional
from urllib.parse import urlencode

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.assistant.channels.conftest import TWILIO_PUBLIC_URL, TWILIO_TOKEN

pytestmark = pytest.mark.server
SIGNER = RequestValidator(TWILIO_TOKEN)


def sms(
    servers,
    body: Optional[str],
    sender: Optional[str] = None,
    sid: Optional[str] = None,
    signed_url: str = TWILIO_PUBLIC_URL,
    signature: Optional[str] = None,
    extra: Optional[Dict] = None,
):
    fields = {
        "MessageSid": sid or f"SM{uuid.uuid4().hex}",
        "AccountSid": "AC123",
        "To": "+15550001111",
        "NumMedia": "0",
        **(extra or {}),
    }
    if sender is not None:
        fields["From"] = sender
    if body is not None:
        fields["Body"] = body
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature if signature is not None else SIGNER.compute_signature(signed_url, fields),
    }
    return requests.post(f"{servers.url}/webhooks/twilio/webhook", data=urlencode(fields), headers=headers, timeout=30)


def messages(reply) -> list:
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/xml")
    return re.findall(r"<Message>(.*?)</Message>", reply.text, flags=re.S)


def new_sender() -> str:
    return f"+1555{uuid.uuid4().int % 10_000_000:07d}"


def test_a_signed_question_gets_its_answer_in_twiml(servers):
    answer = messages(sms(servers, "wats mlfow??", new_sender()))
    assert len(answer) == 1 and "MLflow" in answer[0] and "**" not in answer[0]


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_a_missing_or_wrong_signature_gets_403_and_nothing_is_recorded(servers, signature):
    sender = new_sender()
    reply = sms(servers, "what is dvc", sender, signature=signature)
    assert reply.status_code == 403
    assert servers.user_texts(f"sms:{sender}") == []


def test_the_signature_is_checked_against_the_public_url_not_the_one_the_app_sees(servers):
    sender = new_sender()
    local_url = f"{servers.url}/webhooks/twilio/webhook"
    assert sms(servers, "what is dvc", sender, signed_url=local_url).status_code == 403
    assert sms(servers, "what is dvc", sender).status_code == 200


def test_empty_fields_twilio_signs_are_kept_for_the_signature(servers):
    reply = sms(servers, "what is dvc", new_sender(), extra={"MediaUrl0": "", "FromCity": ""})
    assert any("DVC" in m for m in messages(reply))


def test_buttons_become_numbered_options_and_a_number_picks_one(servers):
    sender = new_sender()
    first = " ".join(messages(sms(servers, "which experiment tracker should i use?", sender)))
    assert "1) Yes" in first and "2) No" in first
    second = " ".join(messages(sms(servers, "1", sender)))
    assert "Self-hosted or managed" in second
    third = " ".join(messages(sms(servers, "2", sender)))
    assert "I'd pick" in third


def test_help_gets_the_help_text_and_stop_gets_no_reply(servers):
    sender = new_sender()
    assert "I answer two kinds of questions" in " ".join(messages(sms(servers, "HELP", sender)))
    assert messages(sms(servers, "STOP", sender)) == []
    assert "STOP" not in servers.user_texts(f"sms:{sender}")


def test_a_duplicate_delivery_is_answered_once(servers):
    sender, sid = new_sender(), f"SM{uuid.uuid4().hex}"
    first = sms(servers, "what is feast", sender, sid=sid)
    again = sms(servers, "what is feast", sender, sid=sid)
    assert first.text == again.text and "Feast" in first.text
    assert servers.user_texts(f"sms:{sender}") == ["what is feast"]


@pytest.mark.parametrize(
    "body, sender, status",
    [
        (None, "+15551230000", 400),  # no Body
        ("hello", None, 400),  # no From
        ("hel\x00lo", "+15551230000", 400),
    ],
)
def test_malformed_requests_get_4xx(servers, body, sender, status):
    assert sms(servers, body, sender).status_code == status


def test_a_non_form_body_gets_415(servers):
    reply = requests.post(
        f"{servers.url}/webhooks/twilio/webhook",
        json={"Body": "hi"},
        timeout=30,
        headers={"X-Twilio-Signature": SIGNER.compute_signature(TWILIO_PUBLIC_URL, {})},
    )
    assert reply.status_code == 415


def test_a_100_kb_body_gets_413(servers):
    assert sms(servers, "a" * 100_000, new_sender()).status_code == 413


def test_a_long_answer_fits_three_messages_and_1600_characters(servers):
    sender = new_sender()
    sms(servers, "compare mlflow, wandb and neptune", sender)
    answer = messages(sms(servers, "tell me more", sender))
    assert 1 <= len(answer) <= 3 and sum(len(m) for m in answer) <= 1600


def test_a_dead_action_server_gets_an_apology_then_the_conversation_goes_on(servers):
    sender = new_sender()
    servers.stop_actions()
    try:
        down = " ".join(messages(sms(servers, "what is mlflow", sender)))
        assert "try again" in down
    finally:
        servers.start_actions()
    assert "MLflow" in " ".join(messages(sms(servers, "what is mlflow", sender)))


def test_a_repeated_more_gets_the_same_page_and_the_next_more_the_next_page(servers):
    sender, sid = new_sender(), f"SM{uuid.uuid4().hex}"
    first_page = messages(sms(servers, "what can i use for experiment tracking?", sender))
    second_page = sms(servers, "more", sender, sid=sid)
    again = sms(servers, "more", sender, sid=sid)
    assert again.text == second_page.text and messages(second_page) != first_page
    third_page = messages(sms(servers, "more", sender))
    assert third_page != messages(second_page)
    assert servers.user_texts(f"sms:{sender}") == ["what can i use for experiment tracking?", "more", "more"]


def test_two_deliveries_of_one_message_at_once_are_handled_once(servers):
    sender, sid = new_sender(), f"SM{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda _: sms(servers, "what is feast", sender, sid=sid), range(2)))
    assert replies[0].text == replies[1].text and "Feast" in replies[0].text
    assert servers.user_texts(f"sms:{sender}") == ["what is feast"]


def test_the_senders_number_is_masked_in_the_servers_logs(servers):
    """The server logs at debug level here, so Rasa's records name the conversation (`sms:+1555...`)."""
    sender = new_sender()
    masked = f"+***{sender[-2:]}"
    log = servers.rasa.log
    before = log.read_text(errors="replace").count(masked)
    assert messages(sms(servers, "what is dvc?", sender))
    assert messages(sms(servers, "is it open source?", sender))
    text = log.read_text(errors="replace")
    assert text.count(masked) > before  # the records that name the conversation are there, masked
    assert sender not in text and sender[1:] not in text and sender[2:] not in text
