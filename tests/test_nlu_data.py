"""The held-out NLU data stays held out: no test example copies or near-copies a training one."""

import re
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
NEAR_COPY = 80  # token_sort_ratio at or above this counts as a rewording of a training example
MIN_WORDS = 4  # "yes", "skip", "2" are the same in any data set; longer messages must differ


def plain(text):
    """An example's text without entity annotations: "[MLflow](tool) vs x" -> "MLflow vs x"."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), text)


def examples(paths):
    found = []
    for path in paths:
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" in block:
                found += [
                    (plain(line[2:].strip()), block["intent"])
                    for line in block["examples"].splitlines()
                    if line.startswith("- ")
                ]
    return found


TRAINING = examples(sorted((ROOT / "data" / "nlu").rglob("*.yml")))
HELD_OUT = examples(sorted((ROOT / "tests" / "data" / "held_out_nlu").glob("*.yml")))
# Held out from the situation and long-message data: no near copies of training examples either.
HELD_OUT_SITUATIONS = examples(sorted((ROOT / "tests" / "data" / "held_out_situations").glob("*.yml")))


def test_held_out_data_covers_every_practice_topic():
    trained = {intent for _, intent in TRAINING if intent.startswith("faq/")}
    tested = {intent for _, intent in HELD_OUT if intent.startswith("faq/")}
    assert len(trained) >= 110 and trained == tested


@pytest.mark.parametrize("text, intent", [e for e in HELD_OUT + HELD_OUT_SITUATIONS if len(e[0].split()) >= MIN_WORDS])
def test_held_out_example_is_not_a_training_example(text, intent):
    texts = [t for t, _ in TRAINING]
    match = process.extractOne(text, texts, scorer=fuzz.token_sort_ratio)
    assert match[1] < NEAR_COPY, f"too close to training example {match[0]!r}"


def test_each_practice_topic_has_at_least_ten_training_examples():
    counts = {}
    for _, intent in TRAINING:
        counts[intent] = counts.get(intent, 0) + 1
    assert all(n >= 10 for intent, n in counts.items() if intent.startswith("faq/")), counts


def test_held_out_data_covers_every_intent():
    assert {intent.split("/")[0] for _, intent in HELD_OUT} == {intent.split("/")[0] for _, intent in TRAINING}
