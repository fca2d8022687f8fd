"""What `make serve` starts: the channels always, on this machine only unless told otherwise, Rasa's
HTTP API only behind a token, no open CORS; and that `make report` needs no model and no server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve_command(token: str | None, host: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("RASA_AUTH_TOKEN", "RASA_HOST")}
    if token is not None:
        env["RASA_AUTH_TOKEN"] = token
    if host is not None:
        env["RASA_HOST"] = host
    # -n prints the recipes without running them; -W pretends the inputs are new, so every line shows
    printed = subprocess.run(
        ["make", "-n", "-W", "models/mlops-assistant.tar.gz", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (line,) = [ln for ln in printed.splitlines() if "with-action-server" in ln and " run " in ln]
    return line


def test_serve_keeps_the_http_api_off_without_a_token():
    line = serve_command(None)
    assert "--enable-api" not in line and "--cors" not in line


def test_serve_puts_the_http_api_behind_the_token_when_there_is_one():
    line = serve_command("a-long-secret")
    assert "--enable-api" in line and "--cors" not in line
    # python -m assistant reads RASA_AUTH_TOKEN from the environment (assistant.runtime.doors): the
    # token is on no command line, not make's and not the server's
    assert "a-long-secret" not in line and "--auth-token" not in line


def test_serve_listens_on_this_machine_only_unless_rasa_host_says_otherwise():
    assert "--interface 127.0.0.1 " in serve_command(None)
    assert "--interface 0.0.0.0 " in serve_command(None, host="0.0.0.0")


def test_the_action_server_beside_it_listens_on_this_machine_only_by_default():
    script = (ROOT / "scripts" / "with-action-server").read_text()
    assert 'SANIC_HOST=${ACTION_SERVER_HOST:-127.0.0.1} "$python" -m actions' in script  # rasa-sdk reads SANIC_HOST


def test_report_needs_neither_a_model_nor_a_server():
    printed = subprocess.run(
        ["make", "-n", "-W", "domain.yml", "report", "ARGS=--since 7d"],  # training inputs changed: still no training
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [ln for ln in printed.splitlines() if "evaluation.report" in ln] == [
        ".venv/bin/python -m evaluation.report --since 7d"
    ]
    assert " train" not in printed and "with-action-server" not in printed
