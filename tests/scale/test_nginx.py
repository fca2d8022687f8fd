"""deploy/nginx.conf in front of the two real Rasa servers, whose HTTP API is on without a token (as
the test servers run it): an API path reaches Rasa by no spelling, and the channels do."""

from __future__ import annotations

import pytest
import requests

from evaluation.processes import Nginx
from tests.scale.conftest import say_now, texts

pytestmark = pytest.mark.scale
VICTIM = "rest:nginx-victim"
# Rasa would serve each of these raw paths from its HTTP API; nginx normalises them (%-decoding,
# "." and "..", double slashes) to an API path (403) or to one Rasa has no route for (404).
TRICKS = [
    f"/conversations/{VICTIM}/tracker",
    f"//conversations/{VICTIM}/tracker",
    f"/webhooks/../conversations/{VICTIM}/tracker",
    f"/webhooks/%2e%2e/conversations/{VICTIM}/tracker",
    f"/webhooks/rest/..%2f..%2fconversations/{VICTIM}/tracker",
    f"/socket.io/%2E%2E/conversations/{VICTIM}/tracker",
    f"/webhooks/./../conversations/{VICTIM}/tracker",
    f"/conversations/{VICTIM}/%2e%2e/%2e%2e/webhooks/x/tracker",  # an API route, "/webhooks/x/tracker" once normalised
    "/status/%2e%2e/webhooks/rest/..",
    "/status",
    "/version",
    "/domain",
    "/model/parse",
]


@pytest.fixture(scope="module")
def proxy(stack):
    nginx = Nginx(stack.logs, [f"127.0.0.1:{server.port}" for server in stack.servers]).start()
    say_now(stack.servers[0], "nginx-victim", "what is dvc?")
    yield nginx
    nginx.remove()


def get(base: str, path: str) -> requests.Response:
    """A GET of `path` exactly as written (requests would normalise it)."""
    session = requests.Session()
    request = requests.Request("GET", base).prepare()
    request.url = base + path
    return session.send(request, timeout=30)


def test_the_api_is_reachable_on_the_servers_themselves(stack, proxy):
    """The control: straight to Rasa, the raw trick paths answer from the HTTP API."""
    direct = stack.servers[0].url
    assert get(direct, f"/conversations/{VICTIM}/tracker").json()["sender_id"] == VICTIM
    assert get(direct, f"/conversations/{VICTIM}/%2e%2e/%2e%2e/webhooks/x/tracker").status_code == 200


@pytest.mark.parametrize("path", TRICKS)
def test_no_spelling_of_an_api_path_gets_through_nginx(proxy, path):
    reply = get(proxy.url, path)
    assert reply.status_code in (403, 404), (path, reply.status_code, reply.text[:200])
    assert "sender_id" not in reply.text and "model_file" not in reply.text


def test_the_channels_and_the_greeting_get_through_nginx(stack, proxy):
    reply = requests.post(
        f"{proxy.url}/webhooks/rest/webhook", json={"sender": "via-nginx", "message": "what is dvc?"}, timeout=60
    )
    assert reply.status_code == 200 and "DVC" in texts(reply.json())
    assert get(proxy.url, "/").text.startswith("Hello from Rasa")
    handshake = get(proxy.url, "/socket.io/?EIO=4&transport=polling")
    assert handshake.status_code == 200 and handshake.text.startswith("0{")
    assert get(proxy.url, "/webhooks//rest/").json() == {"status": "ok"}  # merged slashes reach the route
