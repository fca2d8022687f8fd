"""assistant.nlu.sentence_counts: one sparse row of n-gram counts per message, stored as JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.sentence_counts import SentenceCountsFeaturizer, message_text

TEXTS = ["What is MLflow?", "how do I version data", "what is data drift"]


def tokenized(*texts: str) -> list:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message(data={"text": text}) for text in texts]
    tokenizer.process(messages)
    return messages


def featurizer(storage, **config) -> SentenceCountsFeaturizer:
    config = {**SentenceCountsFeaturizer.get_default_config(), "alias": "counts", **config}
    context = ExecutionContext(GraphSchema({}), "counts_node")
    trained = SentenceCountsFeaturizer.create(config, storage, Resource("counts"), context)
    trained.train(TrainingData(training_examples=tokenized(*TEXTS)))
    return SentenceCountsFeaturizer.load(config, storage, Resource("counts"), context)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def sentence_row(message: Message) -> np.ndarray:
    sequence, sentence = message.get_sparse_features("text", ["counts"])
    assert sequence is None  # only the sentence row: nothing reads per-token counts
    return sentence.features.toarray()[0]


def test_the_text_is_the_lower_cased_tokens():
    assert message_text(tokenized("What is MLflow?")[0]) == "what is mlflow"


def test_word_counts_survive_storing_and_loading(storage):
    loaded = featurizer(storage)
    [message] = tokenized("what is what")
    loaded.process([message])
    vocabulary = loaded.vectorizer.vocabulary_
    row = sentence_row(message)
    assert row[vocabulary["what"]] == 2 and row[vocabulary["is"]] == 1 and row.sum() == 3


def test_unknown_words_give_an_empty_row_not_an_error(storage):
    [message] = tokenized("kubeflow pipelines")
    featurizer(storage).process([message])
    assert sentence_row(message).sum() == 0


def test_character_n_grams_count_inside_words(storage):
    [message] = tokenized("mlfow")  # a typo still shares n-grams with "mlflow"
    loaded = featurizer(storage, analyzer="char_wb", min_ngram=2, max_ngram=3)
    loaded.process([message])
    assert sentence_row(message)[loaded.vectorizer.vocabulary_["ml"]] == 1


def test_a_batch_gives_each_message_its_own_row(storage):
    messages = tokenized(*TEXTS)
    featurizer(storage).process(messages)
    rows = [sentence_row(m) for m in messages]
    assert rows[0].sum() == 3 and rows[1].sum() == 5 and not np.array_equal(rows[0], rows[2])


def test_the_vocabulary_is_plain_json(storage, tmp_path):
    featurizer(storage)
    [path] = list(tmp_path.rglob("vocabulary.json"))
    assert json.loads(path.read_text())["mlflow"] >= 0


def test_untrained_it_adds_nothing(storage):
    config = {**SentenceCountsFeaturizer.get_default_config(), "alias": "counts"}
    loaded = SentenceCountsFeaturizer.load(config, storage, Resource("never"), ExecutionContext(GraphSchema({}), "n"))
    [message] = tokenized("what is mlflow")
    loaded.process([message])
    assert message.get_sparse_features("text") == (None, None)


@pytest.mark.parametrize("config", [{"analyzer": "letters"}, {"min_ngram": 3, "max_ngram": 2}, {"min_ngram": 0}])
def test_bad_config_is_refused(config):
    with pytest.raises(ValueError):
        SentenceCountsFeaturizer.validate_config({**SentenceCountsFeaturizer.get_default_config(), **config})
