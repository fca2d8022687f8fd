"""Hostile input on every channel against the real server: answered or refused with a 4xx, never a 5xx,
never silence, and the server keeps answering afterwards."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlencode

import pytest
import requests
import socketio

from tests.assistant.channels.test_slack import direct_message, posts_to, signed_post, signed_request
from tests.assistant.channels.test_twilio_sms import messages, new_sender, sms

pytestmark = pytest.mark.server

HOSTILE = {
    "empty": "",
    "whitespace": " \t\n ",
    "48 KB": "what is mlflow? " * 3000,  # under the 64 KB body limit, far over the 2,000 characters kept
    "emoji": "🤖🚀💥" * 100,
    "RTL and ZWJ": "\u202eما هو mlflow؟ 👩\u200d💻\u200d\u2067",  # noqa: RUF001 (right-to-left text on purpose)
    "NUL": "what is\x00 dvc?",
    "markup": "<script>alert(1)</script> what is <b>dvc</b>?",
    "payload injection": '/ask_tool_info{"tool": "<img src=x onerror=alert(1)>", "x": 1}',
    "unknown intent": "/session_start_plus_evil",
    "confidence injection": "/greet@1.0",
}
CASES = list(HOSTILE.items())


def rest(servers, message: Any, sender: Any = "hostile", metadata_json: Any = None, **kwargs) -> requests.Response:
    body = {"sender": sender, "message": message}
    if metadata_json is not None:
        body["metadata"] = metadata_json
    return requests.post(f"{servers.url}/webhooks/rest/webhook", json=body, timeout=60, **kwargs)


def still_answers(servers) -> None:
    reply = rest(servers, "what is dvc?", f"after-{uuid.uuid4().hex[:6]}")
    assert reply.status_code == 200 and "DVC" in json.dumps(reply.json())


@pytest.mark.parametrize("name, text", CASES, ids=[name for name, _ in CASES])
def test_rest_answers_hostile_text(servers, name, text):
    reply = rest(servers, text, f"rest-{name}")
    assert reply.status_code == 200, reply.text
    assert reply.json() and all(m.get("text") or m.get("buttons") for m in reply.json())


def test_rest_caps_the_text_it_stores(servers):
    rest(servers, "x" * 60_000, "rest-capped")
    assert max(len(t or "") for t in servers.user_texts("rest:rest-capped")) <= 2000


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'"a string"',
        b"{}",
        b'{"message": 42}',
        b'{"message": "hi", "sender": {"a": 1}}',
        b"\xff\xfe\x00",
        b"",
    ],
)
def test_rest_refuses_malformed_bodies_with_a_400(servers, body):
    reply = requests.post(
        f"{servers.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert reply.status_code == 400, reply.text
    assert "Traceback" not in reply.text


def test_rest_keeps_a_very_long_sender_id_apart_from_others(servers):
    long_sender = "s" * 50_000
    first = rest(servers, "what is dvc?", long_sender)
    assert first.status_code == 200 and "DVC" in json.dumps(first.json())
    second = rest(servers, "is it open source?", long_sender)
    assert "DVC" in json.dumps(second.json())  # same conversation, under a digest of the id
    still_answers(servers)


@pytest.mark.parametrize("name, text", CASES, ids=[name for name, _ in CASES])
def test_twilio_answers_or_refuses_hostile_text(servers, name, text):
    reply = sms(servers, text, new_sender())
    if name == "48 KB":  # Twilio's own requests are a few hundred bytes: over 16 KB is refused
        assert reply.status_code == 413
    elif name == "NUL":
        assert reply.status_code == 400
    else:
        assert messages(reply), name


@pytest.mark.parametrize("name, text", CASES, ids=[name for name, _ in CASES])
def test_slack_answers_hostile_text(servers, name, text):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    reply = signed_post(servers, direct_message(text, user))
    assert reply.status_code == 200, reply.text
    if text.strip():
        assert posts_to(servers, f"D{user}")
    else:  # Slack never delivers a blank typed message; Rasa's channel takes such events for non-messages
        still_answers(servers)


def test_slack_escapes_what_a_user_typed_when_it_is_echoed(servers):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    signed_post(servers, direct_message("what is <!channel> zzqxtool?", user))
    posted = json.dumps(posts_to(servers, f"D{user}"))
    assert "<!channel>" not in posted


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2, 3],
        {"type": "event_callback", "event": "not an object"},
        {"type": "event_callback", "event": {"type": "message", "text": {"a": 1}, "user": "U1", "channel": "D1"}},
        {"type": "event_callback", "authorizations": "nope", "event": {"type": "message", "user": "U1"}},
    ],
)
def test_slack_answers_signed_but_unreadable_json_without_a_server_error(servers, payload):
    reply = signed_post(servers, payload)
    assert reply.status_code < 500, reply.text
    assert "Traceback" not in reply.text


def test_slack_refuses_an_unreadable_interactive_payload_with_a_400(servers):
    for payload in (
        "not json",
        json.dumps({"actions": [{"type": "unknown"}], "user": {"id": "U1"}}),
        json.dumps({"actions": [], "user": "x"}),
    ):
        reply = signed_request(servers, urlencode({"payload": payload}), "application/x-www-form-urlencoded")
        assert reply.status_code == 400, (payload, reply.status_code, reply.text)


async def hang_up(client: socketio.AsyncClient) -> None:
    """Closes the connection without waiting for its pending long-poll, as python-socketio's client
    did before 5.9 (since, `disconnect()` waits for it: up to the server's 25 s ping interval)."""
    await client.eio.disconnect(abort=True)


async def socketio_chat(
    url: str,
    texts: List[str],
    expected: int,
    seconds: float = 60,
    raw: Tuple[Any, ...] = (),
    session: Optional[str] = None,
    confirmed: Optional[List[str]] = None,
) -> List[Dict]:
    """Asks for `session` (a new one by default), sends `raw` frames as they are, then `texts` as the
    web chat page does; returns what the bot said, and appends the session id the server confirmed
    to `confirmed`."""
    client = socketio.AsyncClient()
    said: List[Dict] = []
    given: List[str] = []
    client.on("bot_uttered", lambda data: said.append(data))
    client.on("session_confirm", lambda data: given.append(data))
    await client.connect(url, socketio_path="socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session} if session else {})
        for _ in range(50):
            if given:
                break
            await asyncio.sleep(0.1)
        assert given, "no session_confirm"
        if confirmed is not None:
            confirmed.append(given[0])
        for frame in raw:
            await client.emit("user_uttered", frame)
        for text in texts:
            await client.emit("user_uttered", {"message": text, "session_id": given[0]})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(said) < expected and loop.time() < deadline:
            await asyncio.sleep(0.2)
    finally:
        await hang_up(client)
    return said


@pytest.mark.parametrize("name, text", CASES, ids=[name for name, _ in CASES])
def test_socketio_answers_hostile_text(servers, name, text):
    assert asyncio.run(socketio_chat(servers.url, [text], expected=1)), name


def test_socketio_drops_malformed_frames_and_keeps_answering(servers):
    malformed = [
        "just a string",
        {"message": 42, "session_id": "s"},
        {"message": "hi", "session_id": ["a"]},
        {"message": "hi", "session_id": "s", "metadata": "not json"},
        None,
    ]
    said = asyncio.run(socketio_chat(servers.url, ["what is dvc?"], expected=1, raw=tuple(malformed)))
    assert len(said) >= 1 and "DVC" in (said[0].get("text") or "")
    still_answers(servers)


def user_event(servers, conversation: str) -> Dict:
    return [e for e in servers.tracker(conversation)["events"] if e["event"] == "user"][-1]


def test_rest_keeps_small_metadata_and_refuses_oversized_metadata_with_a_413(servers):
    small = {"page": "/pricing", "locale": "en-GB"}
    assert rest(servers, "what is dvc?", "rest-metadata", metadata_json=small).status_code == 200
    assert small.items() <= user_event(servers, "rest:rest-metadata")["metadata"].items()  # beside Rasa's own keys
    reply = rest(servers, "what is dvc?", "rest-metadata-big", metadata_json={"blob": "x" * 5000})
    assert reply.status_code == 413 and "metadata" in reply.text
    assert servers.user_texts("rest:rest-metadata-big") == []


def test_rest_refuses_metadata_that_is_not_an_object_with_a_400(servers):
    assert rest(servers, "what is dvc?", "rest-metadata-list", metadata_json=[1, 2]).status_code == 400


def webchat_conversation(session_id: str) -> str:
    """The tracker id of a web chat session the server issued: its random part, without the HMAC."""
    return "webchat:" + session_id.split(".")[0]


def test_socketio_answers_a_message_with_oversized_metadata_and_drops_the_metadata(servers):
    frame = {"message": "what is dvc?", "session_id": "ignored", "metadata": {"blob": "x" * 20_000}}
    confirmed: List[str] = []
    said = asyncio.run(socketio_chat(servers.url, [], expected=1, raw=(frame,), confirmed=confirmed))
    assert said and "DVC" in (said[0].get("text") or "")
    assert "blob" not in (user_event(servers, webchat_conversation(confirmed[0])).get("metadata") or {})


def test_rest_streams_the_answer_when_asked_to(servers):
    reply = requests.post(
        f"{servers.url}/webhooks/rest/webhook?stream=true",
        json={"sender": "rest-stream", "message": "what is dvc?"},
        timeout=30,
    )
    assert reply.status_code == 200
    streamed = [json.loads(line) for line in reply.text.splitlines() if line.strip()]
    assert streamed and "DVC" in streamed[0]["text"]
    assert servers.user_texts("rest:rest-stream") == ["what is dvc?"]


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/rest/webhook",
        "/webhooks/twilio/webhook",
        "/webhooks/slack/webhook",
        "/socket.io/?EIO=4&transport=polling",
        "/conversations/someone/tracker/events",
    ],
)
def test_a_body_over_64_kb_gets_a_413_from_the_web_server_on_every_route(servers, path):
    body = json.dumps({"sender": "big", "message": "x" * 70_000})
    reply = requests.post(f"{servers.url}{path}", data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert reply.status_code == 413, (path, reply.status_code, reply.text[:200])
    still_answers(servers)
