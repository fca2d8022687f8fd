"""Two Rasa servers sharing PostgreSQL and Redis, one action server: the scaled-out set-up, for real.

Started once per run by `make test-scale` (PostgreSQL and Redis from Debian's packages, on loopback).
"""

from __future__ import annotations

import asyncio
from typing import Dict, List, Optional

import aiohttp
import pytest
import yaml

from evaluation.processes import ROOT, RasaServer, Stack
from tests.assistant.channels.conftest import TWILIO_PUBLIC_URL, TWILIO_TOKEN

APOLOGY = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_service_unavailable"][0]["text"]


async def say(
    session: aiohttp.ClientSession, server: RasaServer, sender: str, text: str, token: Optional[str] = None
) -> List[Dict]:
    """One turn over REST: what the bot answered (raises on an HTTP error)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.post(
        f"{server.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=headers,
        timeout=aiohttp.ClientTimeout(total=120),
    ) as reply:
        reply.raise_for_status()
        return await reply.json()


def say_now(server: RasaServer, sender: str, text: str, token: Optional[str] = None) -> List[Dict]:
    async def one() -> List[Dict]:
        async with aiohttp.ClientSession() as session:
            return await say(session, server, sender, text, token)

    return asyncio.run(one())


def texts(messages: List[Dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


REST_TOKEN = "test-rest-token-of-thirty-two-bytes"
JWT_KEY = "test-socketio-jwt-key-of-32-bytes-or-more"


API_TOKEN = "test-api-token-of-thirty-two-bytes"
SLACK_CREDENTIALS = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "test-slack-signing-secret",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing listens: no test here makes the bot post
}


@pytest.fixture(scope="session")
def protected_server(stack, tmp_path_factory):
    """One Rasa server as the Docker image runs it on a small public deployment: on every interface,
    the HTTP API behind RASA_AUTH_TOKEN, the default SQLite store, in-memory locks, REST behind a
    bearer token, socket.io behind a JWT, SMS and Slack."""
    env = {
        **stack.env,
        **SLACK_CREDENTIALS,
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'tracker.db'}",
        "REST_TOKEN": REST_TOKEN,
        "SOCKETIO_JWT_KEY": JWT_KEY,
        "RASA_AUTH_TOKEN": API_TOKEN,
    }
    env.pop("LOCK_STORE_URL")
    server = RasaServer(env, stack.logs, "rasa-protected", actions=stack.actions, interface="0.0.0.0").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    twilio = {"TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_WEBHOOK_URL": TWILIO_PUBLIC_URL}
    running = Stack(tmp_path_factory.mktemp("stack"), channels=twilio)
    yield running
    running.stop()
