"""Conversations longer than the tracker store's window, against the real servers: a turn reads only
the session's state and its last `WINDOW_TURNS` user messages (assistant/stores.py), and the
assistant answers exactly as a server reading the whole session does; every event stays stored;
repeated SMS and Slack deliveries are still recognised."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import requests

from assistant.stores import WINDOW_TURNS
from evaluation.bench import endpoints_reading_whole_sessions
from evaluation.processes import RasaServer
from tests.assistant.channels.test_slack import direct_message, posts_to, signed_post, signed_retry
from tests.assistant.channels.test_twilio_sms import messages, new_sender, sms

pytestmark = pytest.mark.server

# More user messages than the window holds, none of them about a tool: what was said before them
# is outside the window when the follow-up comes.
FILLER = ["hi", "thanks", "what is data drift?", "how do I version data?", "hello", "thanks"] * 2
assert len(FILLER) > WINDOW_TURNS


@pytest.fixture(scope="module")
def whole_session_server(servers, tmp_path_factory):
    """A second Rasa server on the same action server, its store reading whole sessions, as Rasa does."""
    tmp = tmp_path_factory.mktemp("whole-session")
    env = dict(servers.rasa.env, TRACKER_STORE_URL=f"sqlite:///{tmp / 'tracker.db'}")
    server = RasaServer(env, tmp, name="rasa-whole-session", actions=servers.actions)
    Path(server.endpoints).write_text(endpoints_reading_whole_sessions(Path(server.endpoints).read_text()))
    yield server.start()
    server.stop()


def said(url: str, sender: str, text: str) -> List[Tuple[str, Tuple[str, ...]]]:
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    reply.raise_for_status()
    return [(m.get("text", ""), tuple(b.get("title", "") for b in m.get("buttons", []))) for m in reply.json()]


def converse(servers, whole_session_server, texts: List[str]) -> Dict[str, List[str]]:
    """Says `texts` to our server and to the whole-session one, as one conversation each; checks
    every reply is the same on both and returns them: what the user said -> the bot's messages."""
    sender = f"long-{uuid.uuid4().hex}"
    replies: Dict[str, List[str]] = {}
    for number, text in enumerate(texts):
        ours, whole = said(servers.url, sender, text), said(whole_session_server.url, sender, text)
        assert ours == whole, f"turn {number + 1}, {text!r}: {ours} against the whole session's {whole}"
        replies[text] = [message for message, _ in ours]
    assert servers.user_texts(f"rest:{sender}") == texts  # every message is kept in the store
    return replies


def test_follow_ups_refer_to_what_was_said_before_the_window(servers, whole_session_server):
    replies = converse(servers, whole_session_server, ["what is dvc?", *FILLER, "is it open source?"])
    assert "Yes, DVC is open source" in replies["is it open source?"][0]


def test_a_list_the_second_one_more_and_compare_them_after_a_long_conversation(servers, whole_session_server):
    texts = [*FILLER, "which experiment trackers are there?", "the second one", "more", "compare them"]
    replies = converse(servers, whole_session_server, texts)
    assert replies["the second one"][0].startswith("Weights & Biases")
    assert "Weights & Biases" in " ".join(replies["more"]) and replies["more"] != replies["the second one"]
    compared = " ".join(replies["compare them"])
    assert "MLflow:" in compared and "Weights & Biases:" in compared


def test_a_form_started_before_the_window_goes_on_to_its_recommendation(servers, whole_session_server):
    questions = [f"what is {tool}?" for tool in ("neptune", "mlflow", "dvc", "feast", "airflow", "kubeflow")] * 2
    texts = ["which experiment tracker should i use?", *questions, "skip", "self hosted"]
    replies = converse(servers, whole_session_server, texts)
    assert all(reply[-1].startswith("Must it be open source?") for q, reply in replies.items() if q in questions)
    assert replies["skip"][0].startswith("Self-hosted or managed?")
    assert "For Experiment tracking (self-hosted) I'd pick" in replies["self hosted"][0]


def test_did_you_mean_after_a_long_conversation(servers, whole_session_server):
    replies = converse(servers, whole_session_server, [*FILLER, "what is dasj", "2"])
    assert "Did you mean 1) Dash, 2) Dask?" in replies["what is dasj"][0]
    assert replies["2"][0].startswith("Dask")


def test_an_sms_delivered_again_after_later_messages_gets_the_same_reply_once(servers):
    sender, sid = new_sender(), f"SM{uuid.uuid4().hex}"
    first = sms(servers, "what is feast", sender, sid=sid)
    later = ["hi", "what is data drift?", "thanks", "what is dvc?"]
    for text in later:
        messages(sms(servers, text, sender))
    again = sms(servers, "what is feast", sender, sid=sid)
    assert again.text == first.text and "Feast" in first.text
    assert servers.user_texts(f"sms:{sender}") == ["what is feast", *later]


def test_a_slack_retry_after_later_messages_is_ignored(servers):
    user = f"U{uuid.uuid4().hex[:8].upper()}"
    event = direct_message("what is mlflow", user)
    assert signed_post(servers, event).status_code == 200
    later = ["hi", "what is data drift?", "thanks"]
    for count, text in enumerate(later, start=2):
        assert signed_post(servers, direct_message(text, user)).status_code == 200
        assert len(posts_to(servers, f"D{user}", count)) >= count
    posted = len(posts_to(servers, f"D{user}", seconds=0))
    assert signed_retry(servers, event, reason="http_timeout").status_code < 300
    time.sleep(3)  # the time an answer to it would take to be posted
    assert len(posts_to(servers, f"D{user}", seconds=0)) == posted
    assert servers.user_texts(f"slack:{user}") == ["what is mlflow", *later]
