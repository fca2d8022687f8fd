"""Faults: the action server, a Rasa server, Redis and PostgreSQL going away, and coming back."""
from __future__ import annotations


import pytest

from tests.scale.conftest import APOLOGY, REST_TOKEN, say_now, texts

pytestmark = pytest.mark.scale


def test_action_server_killed_mid_conversation_gets_an_apology_then_the_conversation_goes_on(stack):
    first = stack.servers[0]
    assert "MLflow" in texts(say_now(first, "fault-actions", "what is mlflow?"))
    stack.actions.kill()
    try:
        assert APOLOGY in texts(say_now(first, "fault-actions", "is it open source?"))
    finally:
        stack.actions.start()
    assert "MLflow" in texts(say_now(first, "fault-actions", "is it open source?"))


def test_a_restarted_rasa_server_resumes_the_conversation_from_postgresql(stack):
    server = stack.servers[0]
    assert "DVC" in texts(say_now(server, "fault-restart", "what is dvc?"))
    server.stop()
    server.start()
    assert "DVC" in texts(say_now(server, "fault-restart", "is it open source?"))


def test_a_conversation_survives_a_restart_with_the_default_sqlite_store(protected_server):
    server = protected_server
    assert "DVC" in texts(say_now(server, "sqlite-restart", "what is dvc?", REST_TOKEN))
    server.stop()
    server.start()
    assert "DVC" in texts(say_now(server, "sqlite-restart", "is it open source?", REST_TOKEN))


def test_redis_briefly_down_gets_a_clear_reply_then_service_resumes_without_a_restart(stack):
    server = stack.servers[1]
    assert "Kubeflow" in texts(say_now(server, "fault-redis", "what is kubeflow?"))
    stack.redis.stop()
    try:
        assert APOLOGY in texts(say_now(server, "fault-redis", "is it open source?"))
    finally:
        stack.redis.start()
    assert "Kubeflow" in texts(say_now(server, "fault-redis", "is it open source?"))


def test_postgresql_briefly_down_gets_a_clear_reply_then_service_resumes_without_a_restart(stack):
    server = stack.servers[0]
    assert "Airflow" in texts(say_now(server, "fault-postgres", "what is airflow?"))
    stack.postgres.stop()
    try:
        assert APOLOGY in texts(say_now(server, "fault-postgres", "is it open source?"))
    finally:
        stack.postgres.start()
    assert "Airflow" in texts(say_now(server, "fault-postgres", "is it open source?"))
