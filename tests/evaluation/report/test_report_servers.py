"""`make report` on a tracker store seeded through the real servers: scripted conversations over REST
and signed SMS, then the servers stopped and the report made from the SQLite file alone. Every count
is checked against the script; the inbox against Rasa's own `rasa data validate`; the page in
headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple
from urllib.parse import quote, urlencode

import pytest
import requests
import yaml
from twilio.request_validator import RequestValidator

from evaluation.processes import ROOT, ActionServer, RasaServer
from evaluation.report import analysis as a
from evaluation.report.html import PLOTS
from evaluation.report.screenshot import open_report

pytestmark = pytest.mark.server
TWILIO_TOKEN = "report-test-twilio-token"
TWILIO_URL = "https://sms.example.org/webhooks/twilio/webhook"
KEY = "report-test-key"
PHONE_IN_TEXT, EMAIL_IN_TEXT = "+1 555 123 4567", "ada@example.org"

# (channel, [(message, outcome)]): one conversation each, a new sender each.
SCRIPT: List[Tuple[str, List[Tuple[str, str]]]] = [
    ("rest", [("what is data drift?", a.PRACTICE), ("tell me more", a.PRACTICE)]),
    (
        "rest",
        [
            ("what is mlflow?", a.TOOL),
            ("is it open source?", a.TOOL),
            ("compare mlflow and dvc", a.TOOL),
            ("feature store options", a.TOOL),
            ("what's the weather in paris", a.OUT_OF_SCOPE),
        ],
    ),
    ("rest", [("how does kubeflux work", a.DID_YOU_MEAN), ("1", a.TOOL)]),
    ("rest", [("what is data drift?", a.PRACTICE), ("explain plate tectonics quickly", a.FALLBACK)]),
    (
        "rest",
        [
            ("which experiment tracker should I use?", a.FORM_QUESTION),
            ("yes", a.FORM_QUESTION),
            ("self-hosted", a.TOOL),
        ],
    ),
    ("rest", [("which feature store should I use?", a.FORM_QUESTION), ("stop", a.SMALL_TALK)]),
    ("rest", [("is it open source?", a.REPHRASE)]),  # no tool discussed: "which tool do you mean?"
    (
        "sms",
        [
            ("what is kserve?", a.TOOL),
            (
                f"my number is {PHONE_IN_TEXT} and my email is {EMAIL_IN_TEXT}, is quxifyer open source?",
                a.UNKNOWN_TOOL,
            ),
        ],
    ),
    ("sms", [("what is zorbulator?", a.UNKNOWN_TOOL), ("tell me about zorbulator", a.UNKNOWN_TOOL)]),
    ("sms", [("hi", a.SMALL_TALK), ("what is data drift?", a.PRACTICE)]),
]


class Seeded:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.store = f"sqlite:///{tmp / 'tracker.db'}"
        self.senders: List[Tuple[str, str]] = []  # (conversation id, raw sender)
        self.parsed: Dict[str, List[Dict]] = {}  # conversation id -> user events, as Rasa's API returns them

    def report(self, *extra: str, out: str = "out") -> Tuple[Path, Dict]:
        directory = self.tmp / out
        subprocess.run(
            [sys.executable, "-m", "evaluation.report", "--store", self.store, "--out", str(directory), *extra],
            cwd=ROOT,
            env={**os.environ, "REPORT_KEY": KEY},
            check=True,
            capture_output=True,
        )
        return directory, json.loads((directory / "report.json").read_text())


def _sms(url: str, sender: str, text: str, signer: RequestValidator) -> None:
    fields = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": "AC1", "From": sender, "To": "+15550001111"}
    fields.update(Body=text, NumMedia="0")
    reply = requests.post(
        f"{url}/webhooks/twilio/webhook",
        data=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signer.compute_signature(TWILIO_URL, fields),
        },
        timeout=60,
    )
    assert reply.status_code == 200 and "<Message>" in reply.text, reply.text


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    seeded = Seeded(tmp_path_factory.mktemp("report"))
    env = {k: v for k, v in os.environ.items() if k not in ("LOCK_STORE_URL", "REST_TOKEN", "SOCKETIO_JWT_KEY")}
    env.update(TWILIO_AUTH_TOKEN=TWILIO_TOKEN, TWILIO_WEBHOOK_URL=TWILIO_URL, TRACKER_STORE_URL=seeded.store)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    actions = ActionServer(env, seeded.tmp).start()
    rasa = RasaServer(env, seeded.tmp, actions=actions).start()
    signer = RequestValidator(TWILIO_TOKEN)
    try:
        for channel, turns in SCRIPT:
            if channel == "rest":
                sender = f"report-{uuid.uuid4().hex[:10]}"
                conversation = f"rest:{sender}"
            else:
                sender = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
                conversation = f"sms:{sender}"
            for text, _ in turns:
                if channel == "rest":
                    reply = requests.post(
                        f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
                    )
                    assert reply.status_code == 200 and reply.json(), reply.text
                else:
                    _sms(rasa.url, sender, text, signer)
            seeded.senders.append((conversation, sender))
            tracker = requests.get(f"{rasa.url}/conversations/{quote(conversation, safe='+:')}/tracker", timeout=60)
            seeded.parsed[conversation] = [e for e in tracker.json()["events"] if e["event"] == "user"]
    finally:
        rasa.stop()  # the report reads the store with no server running
        actions.stop()
    yield seeded


def test_every_count_equals_what_was_sent(seeded):
    _, report = seeded.report()
    turns = [turn for _, conversation in SCRIPT for turn in conversation]
    assert report["totals"]["conversations"] == len(SCRIPT)
    assert report["totals"]["messages"] == len(turns)
    assert report["totals"]["users"] == len(SCRIPT)
    for channel in ("rest", "sms"):
        script = [c for ch, c in SCRIPT if ch == channel]
        assert report["channels"][channel] == {
            "conversations": len(script),
            "messages": sum(len(c) for c in script),
            "users": len(script),
        }
    assert set(report["channels"]) == {"rest", "sms"}
    day = next(iter(report["volume"]["messages"]))
    assert report["volume"]["messages"] == {
        day: {ch: sum(len(c) for channel, c in SCRIPT if channel == ch) for ch in ("rest", "sms")}
    }

    expected = Counter(outcome for _, outcome in turns)
    assert report["outcomes"] == {o: expected.get(o, 0) for o in a.OUTCOMES}
    assert report["answered_share"] == round((expected[a.PRACTICE] + expected[a.TOOL]) / len(turns), 3)

    assert report["practice_topics"] == {"data_drift": 3}
    assert report["tools"] == {"MLflow": 3, "DVC": 1, "Kubeflow": 1, "KServe": 1}
    assert report["comparisons"] == {"DVC vs MLflow": 1}
    assert report["categories"] == {"Feature stores": 1}
    assert report["question_kinds"] == {"info": 3, "attribute": 1, "compare": 1, "list": 1, "recommend": 1}

    assert [(u["name"], u["count"]) for u in report["unknown_tools"]] == [("zorbulator", 2), ("quxifyer", 1)]
    assert report["did_you_mean"]["offers"] == 1 and report["did_you_mean"]["taken"] == 1
    assert report["did_you_mean"]["rows"][0]["options"] == ["Kubeflow"]
    assert report["did_you_mean"]["rows"][0]["then"] == "took option 1"
    assert report["recommendation_form"] == {
        "started": 2,
        "finished": 1,
        "left": 1,
        "left_at": {"recommend_open_source": 1},
    }
    assert report["conversation_turns"] == {"1": 1, "2": 7, "3": 1, "5": 1}
    assert report["ended_after_fallback"] == 1
    assert report["reply_seconds"]["count"] == len(turns)
    assert 0 < report["reply_seconds"]["median"] < 30


def test_the_inbox_holds_the_fallbacks_and_every_message_classified_below_the_floor(seeded):
    directory, report = seeded.report()
    low = report["low_confidence"]
    expected = set()
    for events in seeded.parsed.values():
        for event in events:
            intent = event["parse_data"]["intent"]
            selected = (event["parse_data"].get("response_selector") or {}).get("faq", {}).get("response", {})
            confidence = intent["confidence"]
            if intent["name"] == "faq":
                confidence = min(confidence, selected.get("confidence", 1.0))
            if intent["name"] == "nlu_fallback" or confidence < low:
                expected.add(a.mask(event["text"]))
    assert {i["text"] for i in report["inbox"]} >= expected
    assert report["inbox_reasons"]["fell back"] == 1
    fallback = next(i for i in report["inbox"] if "fell back" in i["reasons"])
    assert fallback["text"] == "explain plate tectonics quickly"
    assert fallback["label"] != "nlu_fallback"
    nlu = yaml.safe_load((directory / "inbox.yml").read_text())
    assert nlu["version"] == "3.1"
    filed = {line[2:] for block in nlu["nlu"] for line in block["examples"].splitlines()}
    assert filed == {i["text"] for i in report["inbox"]}


def test_the_inbox_passes_rasa_data_validate_beside_the_project_data(seeded, tmp_path):
    directory, report = seeded.report()
    assert report["inbox"], "nothing to validate"
    for name in ("data", "domain.yml", "config.yml"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    shutil.copy(directory / "inbox.yml", tmp_path / "data" / "nlu" / "inbox.yml")
    checked = subprocess.run(
        [sys.executable, "-m", "assistant", "data", "validate", "--data", str(tmp_path / "data")]
        + ["--domain", str(tmp_path / "domain.yml"), "--config", str(tmp_path / "config.yml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    # Rasa only warns about an intent the domain lacks: hold the inbox to it, and faq/<topic> to a response.
    assert "is not listed in your domain" not in checked.stdout + checked.stderr
    responses = set()
    for path in (ROOT / "data" / "responses").glob("*.yml"):
        responses.update(yaml.safe_load(path.read_text())["responses"])
    intents = yaml.safe_load((ROOT / "domain.yml").read_text())["intents"]
    for row in report["inbox"]:
        label = row["label"]
        assert label in intents or (label.startswith("faq/") and f"utter_{label}" in responses), label


def test_senders_are_pseudonyms_and_contact_details_are_masked(seeded):
    directory, report = seeded.report()
    written = {p.name: p.read_text() for p in directory.iterdir()}
    for text in written.values():
        assert PHONE_IN_TEXT not in text and EMAIL_IN_TEXT not in text
        for conversation, sender in seeded.senders:
            assert sender not in text and conversation not in text
    example = next(u["example"] for u in report["unknown_tools"] if u["name"] == "quxifyer")
    assert example == "my number is <phone> and my email is <email>, is quxifyer open source?"
    assert example in written["kb-candidates.tsv"]
    again, _ = seeded.report(out="again")
    first = {i["conversation"] for i in report["inbox"]}
    second = {i["conversation"] for i in json.loads((again / "report.json").read_text())["inbox"]}
    assert first == second  # the same REPORT_KEY, the same pseudonyms


def test_aggregates_only_leaves_every_message_text_out(seeded):
    directory, report = seeded.report(out="with-texts")
    assert (directory / "inbox.yml").exists()
    directory, report = seeded.report("--aggregates-only", out="with-texts")
    assert not (directory / "inbox.yml").exists() and not (directory / "kb-candidates.tsv").exists()
    written = "\n".join(p.read_text() for p in directory.iterdir())
    for _, turns in SCRIPT:
        for text, _ in turns:
            if len(text) > 3 and not re.fullmatch(r"[\w ]{1,12}", text):  # "hi", "yes", "stop" are words anyone writes
                assert a.mask(text) not in written, text
    assert report["totals"]["messages"] == sum(len(t) for _, t in SCRIPT)


def test_the_page_renders_in_chromium_with_every_plot(seeded):
    if not shutil.which("chromium"):
        pytest.fail("Chromium is missing: install Debian's package `chromium` (make browser does).")
    directory, _ = seeded.report()
    errors, plots = open_report(directory / "report.html", directory / "report.png")
    assert errors == []
    assert set(plots) == {f"plot-{name}" for name in PLOTS}
    assert all(width > 300 and height > 100 for width, height in plots.values()), plots
    assert (directory / "report.png").stat().st_size > 20_000
    page = (directory / "report.html").read_text()
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "<script" not in page
    assert seeded.store.split("///")[1] in page  # the page names the store it read
