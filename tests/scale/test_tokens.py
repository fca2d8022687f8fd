"""REST behind a bearer token (REST_TOKEN) and socket.io behind a JWT (SOCKETIO_JWT_KEY), for real."""

from __future__ import annotations

import asyncio

import jwt
import pytest
import requests
import socketio

from tests.assistant.channels.test_hostile_input import hang_up
from tests.scale.conftest import JWT_KEY, REST_TOKEN, say_now, texts

pytestmark = pytest.mark.scale


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": REST_TOKEN}])
def test_rest_without_the_right_bearer_token_gets_a_401(protected_server, headers):
    reply = requests.post(
        f"{protected_server.url}/webhooks/rest/webhook",
        headers=headers,
        timeout=30,
        json={"sender": "no-token", "message": "what is dvc?"},
    )
    assert reply.status_code == 401


def test_rest_with_the_bearer_token_is_answered(protected_server):
    assert "DVC" in texts(say_now(protected_server, "with-token", "what is dvc?", REST_TOKEN))


async def connect(url: str, token=None) -> bool:
    client = socketio.AsyncClient()
    try:
        await client.connect(
            url,
            socketio_path="socket.io",
            transports=["polling"],
            auth={"token": token} if token else None,
            wait_timeout=10,
        )
    except socketio.exceptions.ConnectionError:
        return False
    await hang_up(client)
    return True


def test_socketio_refuses_clients_without_a_valid_jwt(protected_server):
    forged = jwt.encode({"sub": "someone"}, "another-key-that-is-also-32-bytes-long", algorithm="HS256")
    assert asyncio.run(connect(protected_server.url)) is False
    assert asyncio.run(connect(protected_server.url, forged)) is False


def test_socketio_accepts_a_client_with_a_jwt_signed_with_the_key(protected_server):
    token = jwt.encode({"sub": "web-user"}, JWT_KEY, algorithm="HS256")
    assert asyncio.run(connect(protected_server.url, token)) is True
