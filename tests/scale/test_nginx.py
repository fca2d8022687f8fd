"""deploy/nginx.conf in front of the two real Rasa servers, whose HTTP API is on without a token (as
the test servers run it): an API path reaches Rasa by no spelling, and the channels do, at a limited
rate per client address. The same for the location ingress-nginx generates from the Helm values."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict

import pytest
import requests
import yaml

from evaluation.processes import ROOT, Nginx
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


# --- rate limits -------------------------------------------------------------------------------


def statuses(url: str, count: int, method: str = "GET", data: Any = None) -> Counter:
    """The statuses of `count` requests sent at once (50 at a time)."""

    def one(_: int) -> int:
        return requests.request(method, url, data=data, timeout=60).status_code

    with ThreadPoolExecutor(50) as pool:
        return Counter(pool.map(one, range(count)))


def refill() -> None:
    """Long enough for a client's burst allowance to come back (20 requests at 5 a second)."""
    time.sleep(5)


def test_ordinary_traffic_is_not_limited_and_a_burst_gets_429s(proxy):
    refill()
    for text in ("what is dvc?", "is it open source?", "what about mlflow?", "compare them", "thanks"):
        reply = requests.post(
            f"{proxy.url}/webhooks/rest/webhook", json={"sender": "nginx-ordinary", "message": text}, timeout=60
        )
        assert reply.status_code == 200, (text, reply.status_code)
    for path in (
        "/webhooks/socketio/chat/",
        "/webhooks/socketio/chat/socket.io.min.js",
        "/socket.io/?EIO=4&transport=polling",
    ):
        assert get(proxy.url, path).status_code == 200, path
    refill()
    burst = statuses(f"{proxy.url}/webhooks/rest/", 60)
    assert burst[429] > 0, burst  # beyond 5 a second and a burst of 20
    assert burst[200] >= 20, burst  # the burst itself is served
    assert set(burst) <= {200, 429}, burst
    # Twilio and Slack have a zone of their own: the exhausted people's zone does not hold them back
    twilio = statuses(f"{proxy.url}/webhooks/twilio/webhook", 30, "POST", {"From": "+15550001111", "Body": "hi"})
    assert twilio == Counter({403: 30}), twilio  # unsigned: Rasa's 403, never nginx's 429
    refill()


# --- the Helm ingress, as ingress-nginx generates it -------------------------------------------


def ingress_conf(rewrite: bool = True) -> str:
    """The server ingress-nginx builds from deploy/helm/rasa-values.yml's ingress: a regular-expression
    location for the path, the rate limit of its annotations, and (with rewrite-target) the rewrite
    its template writes before `proxy_pass http://upstream_balancer;` (a proxy_pass without a URI).
    429 is the controller's `limit-req-status-code` docs/deploy.md asks for."""
    values = yaml.safe_load((ROOT / "deploy" / "helm" / "rasa-values.yml").read_text())["ingress"]
    notes: Dict[str, str] = {k.rsplit("/", 1)[-1]: v for k, v in values["annotations"].items()}
    assert notes["use-regex"] == "true"
    rps, burst = int(notes["limit-rps"]), int(notes["limit-rps"]) * int(notes["limit-burst-multiplier"])
    path = values["path"]
    rewritten = f'rewrite "(?i){path}" {notes["rewrite-target"]} break;' if rewrite else ""
    return "\n".join(
        [
            "worker_processes 1;",
            "error_log /dev/stderr notice;",
            "events { worker_connections 256; }",
            "http {",
            "  access_log /dev/stdout;",
            f"  limit_req_zone $binary_remote_addr zone=ingress:1m rate={rps}r/s;",
            "  limit_req_status 429;",
            "  upstream rasa { server rasa-1:5005 ; server rasa-2:5005 ; }",
            "  server {",
            "    listen 80;",
            f'    location ~* "^{path}" {{',
            f"      limit_req zone=ingress burst={burst} nodelay;",
            "      proxy_http_version 1.1;",
            f"      {rewritten}",
            "      proxy_pass http://rasa;",
            "    }",
            "    location / { return 404; }",
            "  }",
            "}",
        ]
    )


@pytest.fixture(scope="module")
def ingresses(stack):
    upstreams = [f"127.0.0.1:{server.port}" for server in stack.servers]
    rewritten = Nginx(stack.logs, upstreams, ingress_conf()).start()
    raw = Nginx(stack.logs, upstreams, ingress_conf(rewrite=False)).start()
    yield rewritten, raw
    rewritten.remove()
    raw.remove()


def test_without_rewrite_target_the_ingress_passed_the_raw_uri_to_the_api(stack, proxy, ingresses):
    """The control, the ingress as it was: the path matches the normalised URI, the raw one goes on."""
    _, raw = ingresses
    reply = get(raw.url, f"/conversations/{VICTIM}/%2e%2e/%2e%2e/webhooks/x/tracker")
    assert reply.status_code == 200 and "sender_id" in reply.text


@pytest.mark.parametrize("path", TRICKS)
def test_no_spelling_of_an_api_path_gets_through_the_ingress(proxy, ingresses, path):
    rewritten, _ = ingresses
    reply = get(rewritten.url, path)
    assert reply.status_code in (403, 404), (path, reply.status_code, reply.text[:200])
    assert "sender_id" not in reply.text and "model_file" not in reply.text


def test_the_channels_get_through_the_ingress_at_a_limited_rate(ingresses):
    rewritten, _ = ingresses
    refill()
    reply = requests.post(
        f"{rewritten.url}/webhooks/rest/webhook", json={"sender": "via-ingress", "message": "what is dvc?"}, timeout=60
    )
    assert reply.status_code == 200 and "DVC" in texts(reply.json())
    handshake = get(rewritten.url, "/socket.io/?EIO=4&transport=polling")
    assert handshake.status_code == 200 and handshake.text.startswith("0{")
    refill()
    burst = statuses(f"{rewritten.url}/webhooks/rest/", 150)
    assert burst[429] > 0 and burst[200] >= 50, burst
    refill()
