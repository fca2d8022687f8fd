"""assistant.nlu.sentence_embeddings: the encoder in ONNX Runtime gives the eager Keras model's embeddings."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.sentence_embeddings import SentenceEmbeddingFeaturizer, default_model_dir

TEXTS = [
    "how do i monitor a model in production?",
    "wat is mlfow",
    "hi",
    "compare dvc and lakefs for a data lake with petabytes of parquet files",
]


def featurizer(**config) -> SentenceEmbeddingFeaturizer:
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "alias": "sentence_embeddings", **config}
    return SentenceEmbeddingFeaturizer.create(config, None, None, ExecutionContext(GraphSchema({}), "embeddings"))


def tokenized(*texts: str) -> list:
    messages = [Message(data={"text": text}) for text in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


@pytest.fixture(scope="module")
def eager_embeddings():
    """Mean-pooled, unit-length embeddings from the Keras model called eagerly, one text at a time."""
    from transformers import BertTokenizerFast, TFBertModel

    tokenizer = BertTokenizerFast.from_pretrained(str(default_model_dir()))
    model = TFBertModel.from_pretrained(str(default_model_dir()))
    rows = []
    for text in TEXTS:
        states = model(dict(tokenizer([text], return_tensors="np"))).last_hidden_state.numpy()[0]
        pooled = states.mean(axis=0)
        rows.append(pooled / np.linalg.norm(pooled))
    return np.array(rows)


def test_a_batch_through_onnx_runtime_matches_the_eager_keras_model(eager_embeddings):
    messages = tokenized(*TEXTS)  # one padded batch, sorted by length inside the featurizer
    featurizer().process(messages)
    for message, expected in zip(messages, eager_embeddings):
        sequence, sentence = message.get_dense_features("text", ["sentence_embeddings"])
        assert sequence is None  # no per-token states unless asked for
        assert sentence.features.shape == (1, 384)
        assert np.allclose(sentence.features[0], expected, atol=1e-5)


def test_sequence_features_when_asked_have_a_row_per_token():
    [message] = tokenized("what is data drift")
    featurizer(sequence_features=True).process([message])
    sequence, _sentence = message.get_dense_features("text", ["sentence_embeddings"])
    assert sequence.features.shape == (4, 384) and np.abs(sequence.features).sum(axis=1).min() > 0


def test_similar_questions_are_closer_than_unrelated_ones():
    messages = tokenized("how do I pin package versions", "freeze exact library versions", "what is a feature store")
    featurizer().process(messages)
    a, b, c = (m.get_dense_features("text")[1].features[0] for m in messages)
    assert a @ b > a @ c + 0.1
