"""The test servers' set-up: they never need the ports `make serve` uses."""

from __future__ import annotations

from evaluation.processes import ACTIONS_PORT, ActionServer, endpoints_for


def test_endpoints_copy_points_at_the_given_port(tmp_path):
    text = endpoints_for(43210, tmp_path).read_text()
    assert 'url: "http://localhost:43210/webhook"' in text
    assert str(ACTIONS_PORT) not in text
    assert "tracker_store:" in text


def test_an_action_server_gets_a_free_port_not_the_one_make_serve_uses(tmp_path):
    ports = {ActionServer({}, tmp_path).port for _ in range(5)}
    assert ACTIONS_PORT not in ports and all(1024 < port < 65536 for port in ports)
