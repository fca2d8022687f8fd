"""The real servers for channel tests: `rasa run` with credentials.yml, the action server, and a
local stand-in for Slack's Web API (Slack's servers are unreachable here). Started once per run.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List
from urllib.parse import parse_qs

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "mlops-assistant.tar.gz"
TWILIO_TOKEN = "test-twilio-auth-token"
TWILIO_PUBLIC_URL = "https://sms.example.org/webhooks/twilio/webhook"
SLACK_SECRET = "test-slack-signing-secret"
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before {url} answered")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class SlackStandIn(ThreadingHTTPServer):
    """Answers Slack Web API calls with ok and records what the bot posted."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SlackHandler)
        self.posted: List[Dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/"


class _SlackHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
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
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run `make train` (make test-channels does)")
        self.tmp = tmp
        self.rasa_port = free_port()
        self.actions_port = 5055  # the port endpoints.yml names
        self.slack = SlackStandIn()
        threading.Thread(target=self.slack.serve_forever, daemon=True).start()
        self.env = {
            **os.environ,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WEBHOOK_URL": TWILIO_PUBLIC_URL,
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "SLACK_API_URL": self.slack.url,
            "TRACKER_STORE_URL": f"sqlite:///{tmp / 'tracker.db'}",
            "RASA_TELEMETRY_ENABLED": "false",
        }
        self.actions = None
        self.start_actions()
        self.rasa = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "rasa"), "run", "--model", str(MODEL), "--port", str(self.rasa_port),
             "--enable-api", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            cwd=ROOT, env=self.env, stdout=open(tmp / "rasa.log", "w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"{self.url}/webhooks/rest/", self.rasa)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self) -> None:
        self.actions = subprocess.Popen(
            [sys.executable, "-m", "actions", "--port", str(self.actions_port)], cwd=ROOT, env=self.env,
            stdout=open(self.tmp / "actions.log", "a"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(f"http://127.0.0.1:{self.actions_port}/health", self.actions, 60)

    def stop_actions(self) -> None:
        os.killpg(self.actions.pid, signal.SIGKILL)
        self.actions.wait()

    def tracker(self, sender: str) -> Dict:
        with urllib.request.urlopen(f"{self.url}/conversations/{urllib.request.quote(sender, safe='+')}/tracker") as reply:
            return json.loads(reply.read())

    def user_texts(self, sender: str) -> List[str]:
        return [e.get("text") for e in self.tracker(sender)["events"] if e["event"] == "user"]

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        self.slack.shutdown()


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    running = Servers(tmp_path_factory.mktemp("servers"))
    yield running
    running.stop()
