"""assistant.nlu.spelling: the pipeline step that puts slips right and keeps the text as written."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.spelling import SpellingNormaliserComponent, as_written, for_names
from core.spelling import OWN_WORD_USES


@pytest.fixture
def component(tmp_path) -> SpellingNormaliserComponent:
    storage, resource = LocalModelStorage(tmp_path), Resource("spelling")
    context = ExecutionContext(GraphSchema({}), "test")
    examples = [
        Message(data={"text": f"how do I detect concept drfit {n}", "intent": "faq"}) for n in range(OWN_WORD_USES)
    ]
    responses = {"utter_faq/concept_drift": [{"text": "Concept drift is when the relation changes."}]}
    SpellingNormaliserComponent.create({}, storage, resource, context).train(
        TrainingData(training_examples=examples, responses=responses)
    )
    return SpellingNormaliserComponent.load({}, storage, resource, context)


def test_the_vocabulary_is_the_examples_and_the_answers_and_survives_a_reload(component):
    assert component.own_words["drfit"] == OWN_WORD_USES  # the data's own slip: the classifiers learnt it
    assert component.own_words["relation"] == 1  # a word of a practice answer


def test_a_message_is_read_corrected_and_keeps_the_text_as_written(component):
    message = Message(data={"text": "hw to detcet concept drfit"})
    component.process([message])
    assert message.get("text") == "how to detect concept drfit"
    assert as_written(message) == "hw to detcet concept drfit"
    assert for_names(message) == "how to detcet concept drfit"  # shorthand is sure; "detect" is rare here


def test_a_name_the_resolver_reads_is_not_corrected_into_a_word(component):
    message = Message(data={"text": "hw do i deploy with detekt"})  # no tool, but read as a name
    component.process([message])
    assert message.get("text") == "how do i deploy with detekt"


def test_a_message_without_slips_and_a_button_payload_are_left_alone(component):
    clean, payload = (
        Message(data={"text": "how to detect drift"}),
        Message(data={"text": '/choose_option{"option":"2"}'}),
    )
    component.process([clean, payload])
    assert clean.get("text") == as_written(clean) == "how to detect drift"
    assert payload.get("text") == '/choose_option{"option":"2"}' and payload.get("text_as_written") is None
