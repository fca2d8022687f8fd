"""Web chat session ids: issued by the server, signed with its secret (no server needed)."""

from __future__ import annotations

import logging

import pytest

from assistant.channels.webchat import SESSION_SECRET_VARIABLE, conversation_key, issue_session, issued, session_secret

SECRET = b"a-secret-every-server-shares"


def test_an_issued_session_is_recognised_by_any_server_with_the_same_secret():
    session = issue_session(SECRET)
    assert issued(SECRET, session)
    assert issued(b"a-secret-every-server-shares", session)
    assert issue_session(SECRET) != session


@pytest.mark.parametrize(
    "proposed",
    [
        None,
        42,
        "",
        "ada",
        "0" * 32,
        "0" * 32 + "." + "0" * 32,
        "webchat:" + "0" * 32,
    ],
)
def test_ids_the_server_did_not_issue_are_refused(proposed):
    assert not issued(SECRET, proposed)


def test_a_session_is_refused_under_another_secret_or_once_altered():
    session = issue_session(SECRET)
    nonce, mac = session.split(".")
    assert not issued(b"another-server's-secret", session)
    assert not issued(SECRET, f"{nonce}.{mac[:-1]}{'1' if mac[-1] == '0' else '0'}")
    assert not issued(SECRET, f"{nonce[:-1]}{'1' if nonce[-1] == '0' else '0'}.{mac}")
    assert not issued(SECRET, f"{nonce}.{mac.upper()}")
    assert not issued(SECRET, f" {session}")


def test_the_conversation_is_named_by_the_random_part_alone():
    session = issue_session(SECRET)
    assert conversation_key(session) == session.split(".")[0]
    assert not issued(SECRET, conversation_key(session))


def test_without_a_configured_secret_each_process_makes_its_own_and_says_so(caplog):
    with caplog.at_level(logging.WARNING):
        first, second = session_secret({}), session_secret({})
    assert first != second and len(first) == 32
    assert SESSION_SECRET_VARIABLE in caplog.text
    assert session_secret({SESSION_SECRET_VARIABLE: "configured"}) == b"configured"
