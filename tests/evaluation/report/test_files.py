"""The inbox as Rasa NLU data (read back by Rasa's own reader) and the knowledge base's to-do list."""

from __future__ import annotations

import csv
import io

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from evaluation.report.files import example_text, inbox_yaml, kb_candidates_tsv


def test_the_inbox_reads_back_as_exactly_its_messages_grouped_by_intent():
    rows = [
        {"text": "wat is [mlflow](tool) anyway", "label": "ask_tool_info", "reasons": ["low confidence"]},
        {"text": "wat is [mlflow](tool) anyway", "label": "ask_tool_info", "reasons": ["rephrased next"]},
        {"text": "how do i shrink\n  my images: 4gb # too big", "label": "faq/docker", "reasons": ["fell back"]},
        {"text": "'quoted' \"twice\" - and {braces}", "label": "out_of_scope", "reasons": ["fell back"]},
        {"text": None, "label": "greet", "reasons": ["fell back"]},
    ]
    data = RasaYAMLReader().reads(inbox_yaml(rows))
    found = sorted((m.get("intent"), m.get("intent_response_key") or "", m.get("text")) for m in data.intent_examples)
    assert found == [
        ("ask_tool_info", "", "wat is [mlflow] (tool) anyway"),
        ("faq", "faq/docker", "how do i shrink my images: 4gb # too big"),
        ("out_of_scope", "", "'quoted' \"twice\" - and {braces}"),
    ]
    assert all(not m.get("entities") for m in data.intent_examples)


def test_an_empty_inbox_is_still_valid_nlu_data():
    assert RasaYAMLReader().reads(inbox_yaml([])).intent_examples == []


def test_example_text_keeps_the_words_and_breaks_annotations():
    assert example_text("see [x](y) and [a]{b} or [c][d]") == "see [x] (y) and [a] {b} or [c] [d]"


def test_kb_candidates_are_one_name_a_line_with_count_and_example():
    text = kb_candidates_tsv([{"name": "zorbulator", "count": 2, "example": "what is\tzorbulator?"}])
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    assert rows == [["name", "count", "example"], ["zorbulator", "2", "what is zorbulator?"]]
