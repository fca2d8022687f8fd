"""The real servers for channel tests: `rasa run` with credentials.yml, the action server, and a
local stand-in for Slack's Web API (Slack's servers are unreachable here). Started once per run.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List
from urllib.parse import parse_qs

import pytest

from evaluation.processes import ActionServer, RasaServer

TWILIO_TOKEN = "test-twilio-auth-token"
TWILIO_PUBLIC_URL = "https://sms.example.org/webhooks/twilio/webhook"
SLACK_SECRET = "test-slack-signing-secret"


class SlackStandIn(ThreadingHTTPServer):
    """Answers Slack Web API calls with ok and records what the bot posted."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SlackHandler)
        self.posted: List[Dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/"


class _SlackHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            fields = json.loads(body or "{}")
        else:
            fields = {k: v[0] for k, v in parse_qs(body).items()}
        for key in ("blocks", "attachments"):
            if isinstance(fields.get(key), str):
                fields[key] = json.loads(fields[key])
        self.server.posted.append({"method": self.path.rsplit("/", 1)[-1], **fields})
        reply = json.dumps({"ok": True, "channel": fields.get("channel"), "ts": "1.0"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args) -> None:
        pass


class Servers:
    """The running servers and what tests need to reach them."""

    def __init__(self, tmp: Path) -> None:
        self.slack = SlackStandIn()
        threading.Thread(target=self.slack.serve_forever, daemon=True).start()
        env = {
            **os.environ,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WEBHOOK_URL": TWILIO_PUBLIC_URL,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "SLACK_API_URL": self.slack.url,
            "TRACKER_STORE_URL": f"sqlite:///{tmp / 'tracker.db'}",
            "RASA_TELEMETRY_ENABLED": "false",
            # Rasa's debug records name every conversation (sms:+1555...): the masking test reads them
            "LOG_LEVEL": "DEBUG",
        }
        for variable in (
            "LOCK_STORE_URL",
            "REST_TOKEN",
            "SOCKETIO_JWT_KEY",
            "RASA_AUTH_TOKEN",
            "WEBCHAT_SESSION_SECRET",
        ):
            env.pop(variable, None)
        self.actions = ActionServer(env, tmp).start()
        self.rasa = RasaServer(env, tmp, actions=self.actions).start()

    @property
    def url(self) -> str:
        return self.rasa.url

    def start_actions(self) -> None:
        self.actions.start()

    def stop_actions(self) -> None:
        self.actions.kill()

    def tracker(self, conversation: str) -> Dict:
        """The tracker of a conversation id (`sms:+1555...`, `rest:ada`), from Rasa's HTTP API."""
        with urllib.request.urlopen(
            f"{self.url}/conversations/{urllib.request.quote(conversation, safe='+:')}/tracker"
        ) as reply:
            return json.loads(reply.read())

    def user_texts(self, conversation: str) -> List[str]:
        return [e.get("text") for e in self.tracker(conversation)["events"] if e["event"] == "user"]

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.kill()
        self.slack.shutdown()


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    running = Servers(tmp_path_factory.mktemp("servers"))
    yield running
    running.stop()
