"""Slack: requests signed with Slack's scheme against the real server; posts land in a local stand-in."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

import pytest
import requests

from assistant.channels.slack import DisabledChannel, SlackApp
from tests.assistant.channels.conftest import SLACK_SECRET

pytestmark = pytest.mark.server


def signed_request(servers, body: str, content_type: str, secret: str = SLACK_SECRET, timestamp: int = 0):
    """POSTs `body` to the Slack webhook, signed with Slack's scheme."""
    stamp = str(timestamp or int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
    return requests.post(f"{servers.url}/webhooks/slack/webhook", data=body, headers=headers, timeout=30)


def signed_post(servers, payload, secret: str = SLACK_SECRET, timestamp: int = 0):
    return signed_request(servers, json.dumps(payload), "application/json", secret, timestamp)


def direct_message(text: str, user: str) -> dict:
    return {
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex}",
        "team_id": "T1",
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
        },
    }


def posts_to(servers, channel: str, count: int = 1, seconds: float = 30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        posts = [p for p in servers.slack.posted if p.get("channel") == channel]
        if len(posts) >= count:
            return posts
        time.sleep(0.2)
    return [p for p in servers.slack.posted if p.get("channel") == channel]


def test_url_verification_answers_the_challenge(servers):
    reply = signed_post(servers, {"type": "url_verification", "challenge": "abc123", "token": "t"})
    assert reply.status_code == 200 and "abc123" in reply.text


def test_a_direct_message_is_answered_through_the_web_api(servers):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    assert signed_post(servers, direct_message("what is mlflow", user)).status_code == 200
    posts = posts_to(servers, f"D{user}")
    assert posts and posts[0]["method"] == "chat.postMessage" and "MLflow" in posts[0]["text"]
    assert "*MLflow*" in posts[0]["text"]  # the Slack variation: mrkdwn


def test_options_come_as_at_most_five_buttons(servers):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    signed_post(servers, direct_message("feature store options", user))
    posts = posts_to(servers, f"D{user}")
    buttons = [e for p in posts for b in p.get("blocks") or [] if b.get("type") == "actions" for e in b["elements"]]
    assert 1 <= len(buttons) <= 5


@pytest.mark.parametrize("secret, age", [("wrong-secret", 0), (SLACK_SECRET, 600)])
def test_a_bad_or_stale_signature_is_refused_and_nothing_posted(servers, secret, age):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    reply = signed_post(servers, direct_message("what is dvc", user), secret=secret, timestamp=int(time.time()) - age)
    assert 400 <= reply.status_code < 500
    time.sleep(1)
    assert posts_to(servers, f"D{user}", seconds=0) == []


def test_without_secrets_the_channel_stays_off(monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    assert isinstance(SlackApp.from_credentials(None), DisabledChannel)


def signed_retry(servers, payload, number: int = 1, reason: str = "http_error"):
    body = json.dumps(payload)
    stamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "X-Slack-Retry-Num": str(number),
        "X-Slack-Retry-Reason": reason,
    }
    return requests.post(f"{servers.url}/webhooks/slack/webhook", data=body, headers=headers, timeout=30)


@pytest.mark.parametrize("reason", ["http_error", "http_timeout", "connection_failed", "unknown_error"])
def test_a_retry_of_a_handled_event_is_acknowledged_and_ignored_whatever_the_reason(servers, reason):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    event = direct_message("what is mlflow", user)
    assert signed_post(servers, event).status_code == 200
    assert len(posts_to(servers, f"D{user}")) == 1
    assert signed_retry(servers, event, reason=reason).status_code < 300
    time.sleep(3)
    assert len(posts_to(servers, f"D{user}", seconds=0)) == 1
    assert servers.user_texts(f"slack:{user}") == ["what is mlflow"]


def test_a_retry_whose_first_delivery_never_arrived_is_handled(servers):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    assert signed_retry(servers, direct_message("what is mlflow", user), reason="connection_failed").status_code < 300
    assert "MLflow" in posts_to(servers, f"D{user}")[0]["text"]
