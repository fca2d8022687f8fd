"""Sparse sentence features: word or character n-gram counts of the whole message (scikit-learn).

Rasa's `CountVectorsFeaturizer` also builds a count row for every token of every message (the
sequence features DIET and TED read), and featurizes intents, responses and action names for TED's
label embeddings. Our classifiers read one row per message and nothing reads the rest, yet it cost
~72 s of the ~3.5-minute training on 2 cores (docs/performance.md). This featurizer keeps only the
part we use: one `CountVectorizer.transform` over all the messages at once, a sentence feature each.

Config: `analyzer` ("word", "char" or "char_wb"), `min_ngram`, `max_ngram`, `min_df`; the text is
the tokenizer's tokens joined by spaces, lower-cased, as Rasa's featurizer sees it. The vocabulary
is stored as JSON: nothing is unpickled at load.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Type

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

ANALYZERS = ("word", "char", "char_wb")
VOCABULARY_FILE = "vocabulary.json"


def message_text(message: Message) -> Optional[str]:
    """What the counts are taken over: the message's tokens, lower-cased, joined by spaces."""
    tokens = message.get(TOKENS_NAMES[TEXT])
    return " ".join(token.text.lower() for token in tokens) if tokens else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountsFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds the n-gram counts of each message's text as one sparse sentence feature."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **SparseFeaturizer.get_default_config(),
            "analyzer": "word",
            "min_ngram": 1,
            "max_ngram": 1,
            "min_df": 1,
        }

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if config["analyzer"] not in ANALYZERS:
            raise ValueError(f"analyzer must be one of {', '.join(ANALYZERS)}, not {config['analyzer']!r}")
        if not 1 <= int(config["min_ngram"]) <= int(config["max_ngram"]):
            raise ValueError("need 1 <= min_ngram <= max_ngram")

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        vocabulary: Optional[Dict[str, int]] = None,
    ) -> None:
        super().__init__(execution_context.node_name, config)
        self._model_storage, self._resource = model_storage, resource
        self.vectorizer = self._vectorizer(vocabulary) if vocabulary else None

    def _vectorizer(self, vocabulary: Optional[Dict[str, int]] = None) -> Any:
        from sklearn.feature_extraction.text import CountVectorizer

        analyzer = self._config["analyzer"]
        return CountVectorizer(
            analyzer=analyzer,
            lowercase=False,
            token_pattern=r"\S+" if analyzer == "word" else None,
            ngram_range=(int(self._config["min_ngram"]), int(self._config["max_ngram"])),
            min_df=self._config["min_df"] if vocabulary is None else 1,
            vocabulary=vocabulary,
        )

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceCountsFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [text for text in map(message_text, training_data.training_examples) if text]
        if not texts:
            logger.warning("%s: no training texts, so it adds no features.", self._identifier)
            return self._resource
        self.vectorizer = self._vectorizer().fit(texts)
        vocabulary = {term: int(index) for term, index in self.vectorizer.vocabulary_.items()}
        with self._model_storage.write_to(self._resource) as directory:
            rasa.shared.utils.io.dump_obj_as_json_to_file(directory / VOCABULARY_FILE, vocabulary)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceCountsFeaturizer:
        try:
            with model_storage.read_from(resource) as directory:
                vocabulary = rasa.shared.utils.io.read_json_file(directory / VOCABULARY_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("%s: nothing was trained; it will add no features.", cls.__name__)
            vocabulary = None
        return cls(config, model_storage, resource, execution_context, vocabulary)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def _featurize(self, messages: List[Message]) -> None:
        if self.vectorizer is None:
            return
        todo = [(message, text) for message, text in zip(messages, map(message_text, messages)) if text]
        if not todo:
            return
        counts = self.vectorizer.transform([text for _, text in todo]).tocsr()
        for row, (message, _) in enumerate(todo):
            self.add_features_to_message(None, counts[row].tocoo(), TEXT, message)
