"""assistant.nlu.linear: the linear intent classifier and response selector, on made-up features."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.linear import (
    LinearAttributeClassifier,
    LinearIntentClassifier,
    LinearResponseSelector,
    sentence_features,
)

TOPICS = {
    "faq/drift": (0, [1.0, 0.0, 0.0]),
    "faq/tracking": (1, [0.0, 1.0, 0.0]),
    "faq/versioning": (2, [0.0, 0.0, 1.0]),
}


def message(text: str, word: int, dense, intent=None, response_key=None) -> Message:
    data = {"text": text}
    if intent:
        data["intent"] = intent
    if response_key:
        data["intent_response_key"] = response_key
    sparse = scipy.sparse.coo_matrix(np.eye(1, 5, word))
    return Message(
        data=data,
        features=[
            Features(sparse, "sentence", "text", "word_counts"),
            Features(np.array([dense]), "sentence", "text", "sentence_embeddings"),
        ],
    )


def training_data() -> TrainingData:
    examples = []
    for key, (word, dense) in TOPICS.items():
        for n in range(5):
            examples.append(message(f"{key} {n}", word, np.array(dense) + 0.01 * n, "faq", key))
    for n in range(5):
        examples.append(message(f"hello {n}", 3, [0.5, 0.5, 0.5], "greet"))
    responses = {f"utter_{key}": [{"text": f"answer about {key}"}] for key in TOPICS}
    return TrainingData(training_examples=examples, responses=responses)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(cls, storage, config=None):
    component = cls.create({**cls.get_default_config(), **(config or {})}, storage, Resource(cls.__name__), context())
    component.train(training_data())
    return cls.load({**cls.get_default_config(), **(config or {})}, storage, Resource(cls.__name__), context())


def test_sentence_features_put_each_block_at_unit_length():
    row = sentence_features([message("x", 1, [3.0, 4.0, 0.0])]).toarray()[0]
    assert np.allclose(row[:5], [0, 1, 0, 0, 0]) and np.allclose(row[5:], [0.6, 0.8, 0.0])


def test_sentence_features_read_only_the_named_featurizers():
    assert sentence_features([message("x", 1, [1.0, 0, 0])], ["sentence_embeddings"]).shape == (1, 3)


def test_with_two_intents_the_confidences_are_scikit_learns(storage):
    from sklearn.linear_model import LogisticRegression

    classifier = trained(LinearIntentClassifier, storage)  # greet and faq: two classes
    examples = list(training_data().intent_examples)
    reference = LogisticRegression(C=10.0, max_iter=300).fit(
        sentence_features(examples), [m.get("intent") for m in examples]
    )
    question = message("drift?", 0, [1.0, 0.0, 0.0])
    classifier.process([question])
    expected = reference.predict_proba(sentence_features([question]))[0][list(reference.classes_).index("faq")]
    assert question.get("intent")["confidence"] == pytest.approx(expected)


def test_the_intent_classifier_learns_ranks_and_survives_a_reload(storage):
    classifier = trained(LinearIntentClassifier, storage)
    greeting, question = message("hi", 3, [0.5, 0.5, 0.5]), message("drift?", 0, [1.0, 0.0, 0.0])
    classifier.process([greeting, question])
    assert greeting.get("intent")["name"] == "greet" and question.get("intent")["name"] == "faq"
    confidences = [r["confidence"] for r in question.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True) and abs(sum(confidences) - 1) < 1e-6


def test_examples_for_the_selector_only_teach_the_selector_and_not_the_intent_classifier(storage):
    data = training_data()
    only = message("our model got worse since launch", 0, [1.0, 0.0, 0.0], "faq", "faq/drift")
    only.set("metadata", {"intent": {"selector_only": True}})
    data = TrainingData(training_examples=[*data.intent_examples, only], responses=data.responses)
    intents = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(), storage, Resource("intents"), context()
    )
    selector = LinearResponseSelector.create(
        LinearResponseSelector.get_default_config(), storage, Resource("selector"), context()
    )
    assert only not in intents.labelled_examples(data)[0]
    assert only in selector.labelled_examples(data)[0]


def test_the_attribute_classifier_learns_from_the_blocks_that_name_an_attribute(storage):
    def asks(text, word, dense, attribute=None):
        example = message(text, word, dense, "ask_tool_attribute")
        if attribute:
            example.set("metadata", {"intent": {"attribute": attribute}})
        return example

    examples = [asks(f"self host {n}", 0, [1.0, 0.0, 0.0], "hosting") for n in range(4)]
    examples += [asks(f"licence {n}", 1, [0.0, 1.0, 0.0], "licence") for n in range(4)]
    examples += [asks("unlabelled", 2, [0.0, 0.0, 1.0]), message("hi", 3, [0.5, 0.5, 0.5], "greet")]
    examples += [message(f"what is it {n}", 4, [0.0, 0.0, 1.0], "ask_tool_info") for n in range(4)]
    classifier = LinearAttributeClassifier.create(
        LinearAttributeClassifier.get_default_config(), storage, Resource("attribute"), context()
    )
    assert (
        classifier.labelled_examples(TrainingData(training_examples=examples))[1]
        == ["hosting"] * 4 + ["licence"] * 4 + ["none"] * 4
    )
    classifier.train(TrainingData(training_examples=examples))
    classifier = LinearAttributeClassifier.load(
        LinearAttributeClassifier.get_default_config(), storage, Resource("attribute"), context()
    )
    question = message("run it in our network?", 0, [0.9, 0.1, 0.0])
    what = message("what's that", 4, [0.0, 0.1, 0.9])
    classifier.process([question, what])
    assert question.get("attribute")["name"] == "hosting" and question.get("attribute")["confidence"] > 0.5
    assert what.get("attribute")["name"] == "none"  # a question about a tool that asks no one fact


def test_the_response_selector_writes_what_rasa_reads(storage):
    selector = trained(LinearResponseSelector, storage)
    question = message("how do I track experiments", 1, [0.0, 0.9, 0.1])
    selector.process([question])
    selected = question.get(RESPONSE_SELECTOR_PROPERTY_NAME)
    assert selected["all_retrieval_intents"] == ["faq"]
    prediction = selected["faq"]["response"]
    assert prediction["intent_response_key"] == "faq/tracking"
    assert prediction["utter_action"] == "utter_faq/tracking"
    assert prediction["responses"] == [{"text": "answer about faq/tracking"}]
    assert next(r["intent_response_key"] for r in selected["faq"]["ranking"]) == "faq/tracking"


def test_an_untrained_component_loads_and_leaves_messages_alone(storage):
    selector = LinearResponseSelector.load(
        LinearResponseSelector.get_default_config(), storage, Resource("never-trained"), context()
    )
    untouched = message("x", 0, [1.0, 0, 0])
    selector.process([untouched])
    assert untouched.get(RESPONSE_SELECTOR_PROPERTY_NAME) is None


def test_sentence_features_of_a_batch_are_the_rows_of_each_message():
    examples = training_data().intent_examples
    batch = sentence_features(examples).toarray()
    one_by_one = np.vstack([sentence_features([m]).toarray() for m in examples])
    assert np.allclose(batch, one_by_one)


def test_a_message_without_a_block_gets_zeros_in_it():
    bare = Message(
        data={"text": "x"},
        features=[Features(scipy.sparse.coo_matrix(np.eye(1, 5, 2)), "sentence", "text", "word_counts")],
    )
    rows = sentence_features([message("y", 1, [0.0, 3.0, 4.0]), bare]).toarray()
    assert np.allclose(rows[1], [0, 0, 1, 0, 0, 0, 0, 0]) and np.allclose(rows[0, 5:], [0, 0.6, 0.8])


@pytest.mark.parametrize("cls", [LinearIntentClassifier, LinearResponseSelector])
def test_scores_a_block_at_a_time_equal_the_joined_matrix(storage, cls):
    model = trained(cls, storage)
    bare = Message(
        data={"text": "x"},
        features=[Features(scipy.sparse.coo_matrix(np.eye(1, 5, 2)), "sentence", "text", "word_counts")],
    )
    for messages in (
        [message("q", 1, [0.2, 0.9, 0.1])],
        [message("q", 1, [0.2, 0.9, 0.1]), bare, message("r", 4, [0, 0, 2.0])],
    ):
        joined = sentence_features(messages, model.config["featurizers"]) @ model.weights.T + model.bias
        assert np.allclose(model.scores(messages), joined, atol=1e-6)


def test_the_selector_says_how_close_a_message_is_to_its_training_examples(storage):
    selector = trained(LinearResponseSelector, storage, {"similarity_featurizer": "sentence_embeddings"})
    near = message("drift?", 0, np.array([1.0, 0.0, 0.0]))
    off_topic_dense = np.array([1.0, -1.0, -1.0]) / np.sqrt(3)  # far from every topic, but drift wins the vote
    far = message("guitar", 0, off_topic_dense)
    selector.process([near, far])
    similarity = [m.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]["response"]["similarity"] for m in (near, far)]
    assert similarity[0] == pytest.approx(1.0, abs=1e-2)
    assert similarity[1] < 0.6
    assert far.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]["response"]["intent_response_key"] == "faq/drift"


def test_with_a_contrast_intent_the_selector_says_how_close_a_message_is_to_its_examples_too(storage):
    selector = trained(
        LinearResponseSelector, storage, {"similarity_featurizer": "sentence_embeddings", "contrast_intent": "greet"}
    )
    practice = message("drift?", 0, np.array([1.0, 0.0, 0.0]))
    chat = message("hello", 0, np.array([0.5, 0.5, 0.5]))
    selector.process([practice, chat])
    response = [m.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]["response"] for m in (practice, chat)]
    assert response[0]["contrast_similarity"] < response[0]["similarity"]
    assert response[1]["contrast_similarity"] == pytest.approx(1.0, abs=1e-2)
    assert response[1]["contrast_similarity"] > response[1]["similarity"]


def test_without_a_similarity_featurizer_the_selector_adds_no_similarity(storage):
    selector = trained(LinearResponseSelector, storage)
    near = message("drift?", 0, np.array([1.0, 0.0, 0.0]))
    selector.process([near])
    assert "similarity" not in near.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]["response"]


def _selector_data() -> TrainingData:
    """Three topics: A, and B near A, and C far from both (their examples' embeddings)."""
    examples = []
    for key, word, dense in (
        ("faq/a", 0, [1.0, 0.0, 0.0]),
        ("faq/b", 1, [0.6, 0.8, 0.0]),
        ("faq/c", 2, [0.0, 0.0, 1.0]),
    ):
        for n in range(5):
            examples.append(message(f"{key} {n}", word, np.array(dense) + 0.01 * n, "faq", key))
    return TrainingData(training_examples=examples, responses={})


def _selector(storage, **config) -> LinearResponseSelector:
    full = {**LinearResponseSelector.get_default_config(), "similarity_featurizer": "sentence_embeddings", **config}
    component = LinearResponseSelector.create(full, storage, Resource("selector"), context())
    component.train(_selector_data())
    return LinearResponseSelector.load(full, storage, Resource("selector"), context())  # what a server loads


def _topic(selector: LinearResponseSelector, text: str, word: int, dense, tracker=None) -> str:
    question = message(text, word, np.array(dense))
    selector.process([question], tracker)
    return question.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]["response"]["intent_response_key"]


def test_the_nearest_example_of_each_topic_votes_beside_the_regression(storage):
    # The words say C; the meaning is one of A's examples, word for word.
    assert _topic(_selector(storage), "q", 2, [1.0, 0.0, 0.0]) == "faq/c"
    assert _topic(_selector(storage, neighbour_weight=0.8), "q", 2, [1.0, 0.0, 0.0]) == "faq/a"
    near_a = [0.9, 0.0, 0.436]  # cosine 0.9 to A's examples
    assert _topic(_selector(storage, neighbour_weight=0.8, neighbour_similarity=0.85), "q", 2, near_a) == "faq/a"
    only_paraphrases_vote = _selector(storage, neighbour_weight=0.8, neighbour_similarity=0.95)
    assert _topic(only_paraphrases_vote, "q", 2, near_a) == "faq/c"  # not near enough to vote


def test_after_a_practice_answer_the_topics_near_it_are_likelier(storage):
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    after_a = DialogueStateTracker.from_events(
        "someone",
        [
            ActionExecuted("action_listen"),
            UserUttered("a?"),
            BotUttered("A is", metadata={"utter_action": "utter_faq/a"}),
        ],
    )
    selector = _selector(storage, context_strength=2.0)
    between_b_and_c = [0.0, 0.6, 0.8]  # nearer C than B
    assert _topic(selector, "q", 4, between_b_and_c) == "faq/c"
    assert _topic(selector, "q", 4, between_b_and_c, after_a) == "faq/b"  # B is near the answer just given
    assert _topic(selector, "q", 0, [1.0, 0.0, 0.0], after_a) == "faq/a"  # plainly A again: still A
