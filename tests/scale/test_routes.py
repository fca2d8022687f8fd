"""Every route of the real Rasa server, requested without a token: only the routes meant to be public
answer; every other one gets 401, 403 or 404, never 200 or a 5xx.

Two servers: one as the Docker image runs it (every interface, the HTTP API behind RASA_AUTH_TOKEN,
REST behind REST_TOKEN, socket.io behind a JWT, SMS and Slack: `protected_server`), and one as
`make serve` runs it without RASA_AUTH_TOKEN (loopback, no HTTP API). The routes are those of the
Sanic app Rasa builds from the same credentials.yml and environment (`app.router.routes`), so a
route added by a new channel or a new Rasa is walked too, and must be listed below to be public.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import Dict, Iterator, List, Tuple

import pytest
import requests

from evaluation.processes import RasaServer
from tests.assistant.channels.conftest import TWILIO_PUBLIC_URL, TWILIO_TOKEN
from tests.scale.conftest import API_TOKEN, JWT_KEY, REST_TOKEN, SLACK_CREDENTIALS

pytestmark = pytest.mark.scale
Route = Tuple[str, str]  # (method, path with its parameters filled in)
CHANNELS = {"TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_WEBHOOK_URL": TWILIO_PUBLIC_URL, **SLACK_CREDENTIALS}

# Public on both servers, with the reason; what they answer a request without any credential.
PUBLIC: Dict[Route, Tuple[int, str]] = {
    ("GET", "/"): (200, "Rasa's greeting: the liveness check of nginx, the image's HEALTHCHECK and Helm's probes"),
    ("GET", "/webhooks/rest"): (200, "the REST channel's health check: {status: ok}, nothing else"),
    ("GET", "/webhooks/twilio"): (200, "the SMS channel's health check"),
    ("GET", "/webhooks/slack"): (200, "the Slack channel's health check"),
    ("GET", "/webhooks/socketio"): (200, "the web chat channel's health check"),
    ("GET", "/webhooks/socketio/chat"): (200, "the web chat page itself"),
    ("GET", "/webhooks/socketio/chat/socket.io.min.js"): (200, "the socket.io client library the page loads"),
    # engine.io's own transport: without its query (EIO, transport) a 400; the handshake itself is
    # public, and with SOCKETIO_JWT_KEY the socket.io connection then needs a JWT (test_tokens.py)
    ("GET", "/socket.io"): (400, "the web chat's transport (engine.io answers a request without its query 400)"),
    ("POST", "/socket.io"): (400, "the web chat's transport"),
    # a CORS preflight: engine.io answers it empty, without Access-Control-Allow-Origin (Rasa sets
    # cors_allowed_origins=[]), so no other site's page may call it
    ("OPTIONS", "/socket.io"): (200, "the web chat's transport: CORS preflight, no origin allowed"),
    # The webhooks themselves are public: their senders prove themselves by signature, and an
    # unsigned request is refused before anything is read (Rasa's SlackInput answers 400)
    ("GET", "/webhooks/slack/webhook"): (400, "Slack's webhook: Slack's signature is checked first"),
    ("POST", "/webhooks/slack/webhook"): (400, "Slack's webhook: Slack's signature is checked first"),
    ("POST", "/webhooks/twilio/webhook"): (
        415,
        "Twilio's webhook: a body that is not Twilio's form gets 415, an unsigned form 403",
    ),
}
# Public on the Docker-like server only, with the reason.
PUBLIC_WITH_API = {
    ("GET", "/version"): (200, "Rasa's version and the oldest model version it loads; nginx denies it from outside"),
}
# Public on the make-serve-like server only (loopback), with the reason.
PUBLIC_ON_LOOPBACK = {
    ("POST", "/webhooks/rest/webhook"): (
        400,
        "REST is open on loopback by design (rasa shell); an empty body gets 400",
    ),
}
REFUSED = {401, 403, 404}


@contextmanager
def environment(values: Dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def routes(enable_api: bool, env: Dict[str, str]) -> List[Route]:
    """(method, path) of every route Rasa's app has with credentials.yml, the API on or off."""
    from rasa.core import run
    from sanic import Sanic

    with environment(env):
        channels = run.create_http_input_channels(None, "credentials.yml")
        Sanic._app_registry.pop("rasa_server", None)  # Sanic allows one app of a name per process
        app = run.configure_app(
            channels, cors=None, auth_token=API_TOKEN if enable_api else None, enable_api=enable_api
        )
    found = []
    for route in app.router.routes:
        path = "/" + re.sub(r"<[^>]+>", "walk-victim", route.path)
        found += [(method, path) for method in sorted(route.methods)]
    return sorted(set(found))


def unauthenticated(base: str, method: str, path: str) -> requests.Response:
    body = {} if method in ("POST", "PUT") else None
    return requests.request(method, base + path, json=body, timeout=60, allow_redirects=False)


@pytest.fixture(scope="module")
def serve_like(stack):
    """As `make serve` runs it without RASA_AUTH_TOKEN: loopback, no HTTP API, REST without a token."""
    env = {**stack.env, **CHANNELS}
    server = RasaServer(env, stack.logs, "rasa-serve-like", actions=stack.actions, api=False).start()
    yield server
    server.stop()


def walk(base: str, walked: List[Route], public: Dict[Route, Tuple[int, str]]) -> List[str]:
    wrong = []
    for method, path in walked:
        reply = unauthenticated(base, method, path)
        expected = {public[(method, path)][0]} if (method, path) in public else REFUSED
        if reply.status_code not in expected:
            wrong.append(f"{method} {path}: {reply.status_code} (expected {sorted(expected)}) {reply.text[:120]!r}")
    return wrong


def test_the_walk_covers_the_api_and_every_channel():
    walked = routes(True, {**CHANNELS, "SOCKETIO_JWT_KEY": JWT_KEY, "REST_TOKEN": REST_TOKEN})
    paths = {path for _, path in walked}
    assert {"/conversations/walk-victim/tracker", "/model", "/model/parse", "/status", "/domain"} <= paths
    assert {"/webhooks/rest/webhook", "/webhooks/twilio/webhook", "/webhooks/slack/webhook", "/socket.io"} <= paths
    assert len(walked) >= 30
    assert set(PUBLIC) | set(PUBLIC_WITH_API) <= set(walked)  # no stale entries in the lists of public routes


def test_no_route_of_the_docker_like_server_answers_without_its_token(protected_server):
    walked = routes(True, {**CHANNELS, "SOCKETIO_JWT_KEY": JWT_KEY, "REST_TOKEN": REST_TOKEN})
    wrong = walk(protected_server.url, walked, {**PUBLIC, **PUBLIC_WITH_API})
    assert not wrong, "\n".join(wrong)
    preflight = requests.options(
        f"{protected_server.url}/socket.io/",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    # the control: the API answers the token
    reply = requests.get(f"{protected_server.url}/status", params={"token": API_TOKEN}, timeout=30)
    assert reply.status_code == 200 and "model_file" in reply.text


def test_no_route_of_the_make_serve_like_server_answers_beyond_the_channels(serve_like):
    with_api = routes(True, CHANNELS)
    without_api = routes(False, CHANNELS)
    assert set(without_api) < set(with_api)
    # the API's routes are walked too: they must not exist here (404)
    wrong = walk(serve_like.url, with_api, {**PUBLIC, **PUBLIC_ON_LOOPBACK})
    assert not wrong, "\n".join(wrong)
    assert unauthenticated(serve_like.url, "GET", "/version").status_code == 404
    assert unauthenticated(serve_like.url, "GET", "/conversations/walk-victim/tracker").status_code == 404
