"""Faults: the action server, a Rasa server, Redis and PostgreSQL going away, and coming back."""

from __future__ import annotations

import uuid

import pytest

from tests.assistant.channels.test_twilio_sms import messages, new_sender, sms
from tests.scale.conftest import APOLOGY, REST_TOKEN, say_now, texts

pytestmark = pytest.mark.scale

# service that goes away, the server the conversation talks to, the tool it is about
OUTAGES = [("actions", 0, "MLflow"), ("redis", 1, "Kubeflow"), ("postgres", 0, "Airflow")]


@pytest.mark.parametrize("service, server_index, tool", OUTAGES, ids=[o[0] for o in OUTAGES])
def test_a_service_down_mid_conversation_gets_an_apology_then_the_conversation_goes_on(
    stack, service, server_index, tool
):
    """No restart of the Rasa server: the next message after the service is back is answered in
    the conversation's context (the follow-up still knows which tool it was about)."""
    server, sender, down = stack.servers[server_index], f"fault-{service}", getattr(stack, service)
    assert tool in texts(say_now(server, sender, f"what is {tool.lower()}?"))
    if service == "actions":
        down.kill()  # SIGKILL: gone mid-conversation, without a goodbye
    else:
        down.stop()
    try:
        assert APOLOGY in texts(say_now(server, sender, "is it open source?"))
    finally:
        down.start()
    assert tool in texts(say_now(server, sender, "is it open source?"))


def test_a_restarted_rasa_server_resumes_the_conversation_from_postgresql(stack):
    """Over REST, and over SMS: a number after the restart picks from the options sent before it."""
    server, phone = stack.servers[0], new_sender()
    assert "DVC" in texts(say_now(server, "fault-restart", "what is dvc?"))
    assert "2) No" in " ".join(messages(sms(server, "which experiment tracker should i use?", phone)))
    server.stop()
    server.start()
    assert "DVC" in texts(say_now(server, "fault-restart", "is it open source?"))
    assert "Self-hosted or managed" in " ".join(messages(sms(server, "1", phone)))


def test_a_conversation_survives_a_restart_with_the_default_sqlite_store(protected_server):
    server, phone, sid = protected_server, new_sender(), f"SM{uuid.uuid4().hex}"
    assert "DVC" in texts(say_now(server, "sqlite-restart", "what is dvc?", REST_TOKEN))
    assert "2) No" in " ".join(messages(sms(server, "which experiment tracker should i use?", phone)))
    answered = sms(server, "1", phone, sid=sid)
    server.stop()
    server.start()
    assert "DVC" in texts(say_now(server, "sqlite-restart", "is it open source?", REST_TOKEN))
    assert sms(server, "1", phone, sid=sid).text == answered.text  # a repeat after the restart: same reply
    assert "I'd pick" in " ".join(messages(sms(server, "2", phone)))  # the options of the first reply
