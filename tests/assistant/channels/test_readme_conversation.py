"""The README's example conversation, said to the real servers over REST: it cannot drift from
what the assistant answers. A bot line that shortens its message with "..." matches when each of
its pieces appears in the real message, in order; any other line must match whole."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import List, Tuple

import pytest
import requests

pytestmark = pytest.mark.server
README = Path(__file__).resolve().parents[3] / "README.md"


def readme_conversation() -> List[Tuple[str, List[str]]]:
    """(what the user says, what the bot answers, one string a message) from the README's first example."""
    block = re.search(r"```\n(you> .*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert block, "README.md has no example conversation (a code block starting with 'you> ')"
    turns: List[Tuple[str, List[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("you> "):
            turns.append((line[5:].strip(), []))
        elif line.startswith("bot> "):
            turns[-1][1].append(line[5:].strip())
        elif line.strip():  # a wrapped bot message goes on
            turns[-1][1][-1] += " " + line.strip()
    return turns


def matches(shown: str, said: str) -> bool:
    said = " ".join(said.split())
    pieces = [p.strip() for p in shown.split("...")]
    if len(pieces) == 1:
        return said == pieces[0]
    position = 0
    for piece in filter(None, pieces):
        found = said.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def test_the_readme_example_has_turns_worth_checking():
    turns = readme_conversation()
    assert len(turns) >= 6 and all(answers for _, answers in turns)


def test_the_readme_conversation_is_what_the_assistant_says(servers):
    sender = f"readme-{uuid.uuid4().hex}"
    for said, shown in readme_conversation():
        reply = requests.post(
            f"{servers.url}/webhooks/rest/webhook", json={"sender": sender, "message": said}, timeout=60
        ).json()
        texts = [m.get("text", "") for m in reply]
        assert len(texts) == len(shown), f"{said!r}: README shows {len(shown)} messages, the assistant sent {texts}"
        for expected, actual in zip(shown, texts):
            assert matches(expected, actual), f"{said!r}: README shows {expected!r}, the assistant said {actual!r}"


@pytest.mark.parametrize(
    "shown, said, expected",
    [
        ("Hi there.", "Hi   there.", True),
        ("Hi there.", "Hi there!", False),
        ("MLflow ... (Source: X)", "MLflow logs runs. (Source: X)", True),
        ("MLflow ... (Source: X)", "MLflow logs runs. (Source: Y)", False),
        ("Log every run ...", "Log every run, automatically.", True),
    ],
)
def test_a_shortened_line_matches_its_pieces_in_order(shown, said, expected):
    assert matches(shown, said) is expected
