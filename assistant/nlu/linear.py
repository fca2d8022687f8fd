"""Linear models over the sentence features: an intent classifier and a response selector.

Both are logistic regression (scikit-learn) on one row per message: the sparse sentence features
(word and character counts) and the dense ones (the pretrained sentence embedding), each block
scaled to unit length. The sentence encoder has done the hard part, so a linear model is as
accurate as Rasa's DIET and ResponseSelector here and trains in seconds instead of minutes
(docs/performance.md has the figures).

- `LinearIntentClassifier` sets `intent` and `intent_ranking`, as Rasa's classifiers do.
- `LinearAttributeClassifier` sets `attribute`: which fact about a tool the message asks for.
- `LinearResponseSelector` is a drop-in for Rasa's `ResponseSelector` on one retrieval intent
  (`faq`): it writes the same `response_selector` property, so `utter_faq`, rules and
  `rasa test nlu` work unchanged.

Config: `featurizers` (names or aliases of the featurizers to read; all when empty), `C` (inverse
regularisation), `max_iter`, `ranking_length`; the selector also `retrieval_intent` (`faq`).
The weights are stored as NumPy arrays, the labels as JSON: nothing is unpickled at load.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    METADATA,
    METADATA_INTENT,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from scipy.sparse import csr_matrix, hstack, vstack

from assistant.nlu.dialogue import last_answer
from core import answers
from core.names import LEARNED_ATTRIBUTE

logger = logging.getLogger(__name__)


def feature_blocks(messages: Sequence[Message], featurizers: Optional[List[str]] = None) -> List[Any]:
    """The messages' sparse sentence features (a CSR matrix) and dense ones (an array), one row per
    message, each row of each block scaled to unit length so neither block drowns the other. A block
    no message has is left out; a message without a block gets a zero row. Reads the named
    featurizers (all when none are named)."""
    from sklearn.preprocessing import normalize

    blocks = []
    for sparse in (True, False):
        get = Message.get_sparse_features if sparse else Message.get_dense_features
        found = [get(m, TEXT, featurizers or None)[1] for m in messages]
        if all(f is None for f in found):
            continue
        width = next(f.features.shape[-1] for f in found if f is not None)
        if sparse:
            rows = [csr_matrix(f.features) if f is not None else csr_matrix((1, width)) for f in found]
            block = rows[0] if len(rows) == 1 else vstack(rows, format="csr")
        else:
            block = np.vstack([f.features if f is not None else np.zeros((1, width), np.float32) for f in found])
        blocks.append(normalize(block))
    return blocks


def sentence_features(messages: Sequence[Message], featurizers: Optional[List[str]] = None) -> csr_matrix:
    """One row per message: the feature blocks side by side (the matrix the models learn from).
    Built a block at a time for all messages (row by row, this was ~13 s of training)."""
    return hstack([csr_matrix(block) for block in feature_blocks(messages, featurizers)]).tocsr()


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class _LinearModel(GraphComponent):
    """Fitting, storing, loading and applying a multinomial logistic regression."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"featurizers": [], "C": 10.0, "max_iter": 300, "ranking_length": 10}

    @staticmethod
    def required_packages() -> List[str]:
        return ["sklearn"]

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        labels: Optional[List[str]] = None,
        weights: Optional[np.ndarray] = None,
        bias: Optional[np.ndarray] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.labels = labels or []
        self.weights = weights
        self._projection: Optional[np.ndarray] = None
        self.bias = bias
        self.extra = extra or {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _LinearModel:
        return cls(config, model_storage, resource)

    def fit(self, examples: List[Message], labels: List[str]) -> None:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"], solver="lbfgs")
        model.fit(sentence_features(examples, self.config["featurizers"]), labels)
        logger.info(
            "%s: %d examples, %d labels, %d features, %d iterations of at most %d",
            type(self).__name__,
            len(examples),
            len(model.classes_),
            model.coef_.shape[1],
            max(model.n_iter_),
            model.max_iter,
        )
        self.labels = [str(label) for label in model.classes_]
        self.weights, self.bias = model.coef_, model.intercept_
        if len(self.labels) == 2:  # scikit-learn keeps one row (the second class's odds) for two classes
            self.weights = np.vstack([np.zeros_like(self.weights), self.weights])
            self.bias = np.hstack([np.zeros_like(self.bias), self.bias])

    def labelled_examples(self, training_data: TrainingData) -> Tuple[List[Message], List[str]]:
        """The examples to learn from and their labels."""
        raise NotImplementedError

    def annotate(self, message: Message, ranking: List[Tuple[str, float]]) -> None:
        """Writes the prediction into the message."""
        raise NotImplementedError

    def train(self, training_data: TrainingData) -> Resource:
        examples, labels = self.labelled_examples(training_data)
        if examples:
            self.fit(examples, labels)
            self.persist()
        else:
            logger.warning("%s: no training examples, so nothing is learnt.", type(self).__name__)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.weights is not None and messages:
            for message, ranking in zip(messages, self.rankings(messages)):
                self.annotate(message, ranking)
        return messages

    def rankings(self, messages: List[Message]) -> List[List[Tuple[str, float]]]:
        """For each message, (label, probability) pairs, most likely first, `ranking_length` long."""
        return self.ranked(softmax(self.scores(messages)))

    def ranked(self, probabilities: np.ndarray) -> List[List[Tuple[str, float]]]:
        """Each row of label probabilities as (label, probability) pairs, most likely first."""
        length = self.config["ranking_length"] or len(self.labels)
        return [[(self.labels[i], float(row[i])) for i in np.argsort(-row)[:length]] for row in probabilities]

    def scores(self, messages: Sequence[Message]) -> np.ndarray:
        """`sentence_features(messages) @ weights.T + bias`, a block at a time: joining the blocks
        into one sparse matrix cost more than the products (~1.2 ms against ~0.3 ms a message)."""
        assert self.weights is not None and self.bias is not None, "train or load the model first"
        if self._projection is None:  # features x labels, in row order: `weights.T` is a strided view
            self._projection = np.ascontiguousarray(self.weights.T)  # scipy would copy for every message
        scores = np.tile(self.bias, (len(messages), 1))
        start = 0
        for block in feature_blocks(messages, self.config["featurizers"]):
            scores += block @ self._projection[start : start + block.shape[1]]
            start += block.shape[1]
        return scores

    def persist(self) -> None:
        assert self.weights is not None and self.bias is not None, "train the model first"
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / "weights.npz", weights=self.weights, bias=self.bias)
            rasa.shared.utils.io.dump_obj_as_json_to_file(
                directory / "labels.json", {"labels": self.labels, **self.extra}
            )

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> _LinearModel:
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / "weights.npz")
                saved = rasa.shared.utils.io.read_json_file(directory / "labels.json")
        except (ValueError, FileNotFoundError):
            logger.warning("%s: nothing was trained; it will predict nothing.", cls.__name__)
            return cls(config, model_storage, resource)
        labels = saved.pop("labels")
        return cls(config, model_storage, resource, labels, arrays["weights"], arrays["bias"], saved)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(_LinearModel, IntentClassifier):
    """The intent of a message, with a ranking of the likeliest ones.

    Examples whose block says `metadata: {selector_only: true}` are left out: they teach the response
    selector which practice topic a question is about, and would only add weight to `faq` here.
    Adding 1,312 practice questions to the intent classifier's 8,700 moved off-topic requests and
    lists of tools to `faq` (docs/evaluation.md)."""

    SELECTOR_ONLY = "selector_only"

    def labelled_examples(self, training_data: TrainingData) -> Tuple[List[Message], List[str]]:
        examples = [
            m
            for m in training_data.intent_examples
            if m.get(INTENT)
            and m.get(TEXT)
            and not ((m.get(METADATA) or {}).get(METADATA_INTENT) or {}).get(self.SELECTOR_ONLY)
        ]
        return examples, [m.get(INTENT) for m in examples]

    def annotate(self, message: Message, ranking: List[Tuple[str, float]]) -> None:
        ranked = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p} for name, p in ranking]
        message.set(INTENT, ranked[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearAttributeClassifier(_LinearModel):
    """Which fact about a tool a message asks for, learnt from the examples of `intent` whose block
    names it (`metadata: {attribute: hosting}` in data/nlu/): "could we keep it inside our own
    network?" asks where it runs, though it says neither "self-host" nor "cloud". The examples of
    `none_intents` (questions about a tool that ask no one fact) are the label `none`. Writes
    `attribute` ({name, confidence}) on every message; the actions read it when the keywords of
    core/message.py name no attribute."""

    ATTRIBUTE = LEARNED_ATTRIBUTE

    NONE = "none"  # the label of questions about a tool that ask for no one fact ("what's CatBoost then")

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**_LinearModel.get_default_config(), "intent": "ask_tool_attribute", "none_intents": ["ask_tool_info"]}

    def labelled_examples(self, training_data: TrainingData) -> Tuple[List[Message], List[str]]:
        examples, labels = [], []
        for m in training_data.intent_examples:
            metadata = (m.get(METADATA) or {}).get(METADATA_INTENT) or {}
            if not m.get(TEXT):
                continue
            if m.get(INTENT) == self.config["intent"] and metadata.get(self.ATTRIBUTE):
                examples.append(m)
                labels.append(str(metadata[self.ATTRIBUTE]))
            elif m.get(INTENT) in self.config["none_intents"]:
                examples.append(m)
                labels.append(self.NONE)
        return examples, labels

    def annotate(self, message: Message, ranking: List[Tuple[str, float]]) -> None:
        name, confidence = ranking[0]
        message.set(self.ATTRIBUTE, {"name": name, "confidence": round(confidence, 4)}, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearResponseSelector(_LinearModel):
    """Picks the practice answer (`faq/<topic>`) for a message, and says how much it resembles any
    practice question it was trained on.

    With `similarity_featurizer` (the alias of a dense featurizer), the
    selected response carries `similarity`: the highest cosine between the message and the
    retrieval intent's training examples. Probabilities always sum to one, so an off-topic message
    ("how do I tune my guitar?") still gets a confident-looking topic; its similarity stays low
    (docs/evaluation.md has the distributions), and the router (assistant/nlu/tool_router.py) does
    not send an answer that resembles nothing it was trained on. With `contrast_intent` as well
    (`out_of_scope`), it also carries `contrast_similarity`, the highest cosine to that intent's
    examples: a message nearer an off-topic example than any practice question ("how do dock
    workers load shipping containers?") is not sent a practice answer either.

    With `neighbour_weight` above 0, the topic is also voted on by the nearest training example of
    each topic: the probabilities are `(1 - w) * regression + w * softmax(nearest cosine per topic /
    neighbour_temperature)`, for a message whose nearest example is at least `neighbour_similarity`
    close. The regression weighs every word of every example a little; the nearest example carries
    one person's wording whole, so a close paraphrase finds the question it paraphrases though its
    words teach the regression little. A long story is a little like many examples and a lot like
    none: there the vote is flat and would only blur the regression's answer, so it is not cast.

    With `context_strength` above 0, it reads the conversation too: after a practice answer, the
    topics near the one just answered (by the cosine of their examples' mean embeddings) are
    likelier: "so how would we even notice it's getting worse?" right after an answer on retraining
    asks about monitoring. Each probability is multiplied by `exp(strength * relatedness to the last
    topic)` and the whole scaled to one, so the message's own reading still decides between topics it
    supports, and a topic it does not support stays unlikely. The topic just answered counts as
    middling related: the next question is seldom the same one.
    """

    SIMILARITY_KEY = "similarity"
    CONTRAST_KEY = "contrast_similarity"
    EXAMPLES_FILE = "examples.npy"
    EXAMPLE_LABELS_FILE = "example_labels.npy"
    CONTRAST_FILE = "contrast_examples.npy"

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **_LinearModel.get_default_config(),
            "retrieval_intent": "faq",
            "similarity_featurizer": None,
            "contrast_intent": None,
            "neighbour_weight": 0.0,
            "neighbour_temperature": 0.05,
            "neighbour_similarity": 0.0,
            "context_strength": 0.0,
        }

    def __init__(self, *args: Any, examples: Optional[np.ndarray] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.examples = examples  # training examples' sentence embeddings, one unit-length row each
        self.example_labels: Optional[np.ndarray] = None  # each example's index in `labels`
        self._topic_starts: Optional[np.ndarray] = None  # where each label's examples start, when sorted by label
        self._relatedness: Optional[np.ndarray] = None  # labels x labels: cosines of the labels' mean examples
        self.contrast: Optional[np.ndarray] = None  # the same for the contrast intent's examples
        self._contrast_messages: List[Message] = []

    def _embeddings(self, messages: Sequence[Message]) -> Optional[np.ndarray]:
        featurizer = self.config["similarity_featurizer"]
        if not featurizer or not messages:
            return None
        rows = [m.get_dense_features(TEXT, [featurizer])[1] for m in messages]
        if any(r is None for r in rows):
            return None
        matrix = np.vstack([np.asarray(r.features, dtype=np.float32).reshape(1, -1) for r in rows])
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)  # cosines, whatever the scale

    def fit(self, examples: List[Message], labels: List[str]) -> None:
        super().fit(examples, labels)
        index = {label: i for i, label in enumerate(self.labels)}
        self._set_examples(self._embeddings(examples), np.array([index[label] for label in labels]))
        self.contrast = self._embeddings(self._contrast_messages)

    def _set_examples(self, examples: Optional[np.ndarray], example_labels: Optional[np.ndarray]) -> None:
        """Keeps the examples sorted by label, so the nearest of each label is one `reduceat`."""
        self.examples, self.example_labels, self._topic_starts = examples, None, None
        if examples is None or example_labels is None or len(example_labels) != len(examples):
            return
        order = np.argsort(example_labels, kind="stable")
        self.examples, self.example_labels = examples[order], example_labels[order]
        starts = np.searchsorted(self.example_labels, np.arange(len(self.labels)))
        if len(np.unique(self.example_labels)) == len(self.labels):  # every label has an example
            self._topic_starts = starts
            centroids = np.add.reduceat(self.examples, starts, axis=0)
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
            self._relatedness = centroids @ centroids.T

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as directory:
            for name, matrix in ((self.EXAMPLES_FILE, self.examples), (self.CONTRAST_FILE, self.contrast)):
                if matrix is not None:
                    np.save(directory / name, matrix.astype(np.float16))  # cosines to ~1e-3
            if self.example_labels is not None:
                np.save(directory / self.EXAMPLE_LABELS_FILE, self.example_labels.astype(np.int32))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearResponseSelector:
        selector = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as directory:
                path, labels_path = directory / cls.EXAMPLES_FILE, directory / cls.EXAMPLE_LABELS_FILE
                if path.exists():
                    selector._set_examples(
                        np.load(path).astype(np.float32), np.load(labels_path) if labels_path.exists() else None
                    )
                path = directory / cls.CONTRAST_FILE
                if path.exists():
                    selector.contrast = np.load(path).astype(np.float32)
        except (ValueError, FileNotFoundError):
            pass
        return selector

    def process(self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        if self.weights is None or not messages:
            return messages
        embeddings = self._embeddings(messages) if self.examples is not None else None
        cosines = embeddings @ self.examples.T if embeddings is not None and self.examples is not None else None
        probabilities = softmax(self.scores(messages))
        weight = self.config["neighbour_weight"]
        if cosines is not None and weight > 0 and self._topic_starts is not None:
            nearest = np.maximum.reduceat(cosines, self._topic_starts, axis=1)  # messages x labels
            # only a near paraphrase of one example votes: a long story is a little like many
            votes = weight * (nearest.max(axis=1, keepdims=True) >= self.config["neighbour_similarity"])
            probabilities = (1 - votes) * probabilities + votes * softmax(
                nearest / self.config["neighbour_temperature"]
            )
        probabilities = self._in_context(probabilities, tracker)
        for message, ranking in zip(messages, self.ranked(probabilities)):
            self.annotate(message, ranking)
        if cosines is not None:
            best = cosines.max(axis=1)
            contrast = (embeddings @ self.contrast.T).max(axis=1) if self.contrast is not None else None
            for i, (message, similarity) in enumerate(zip(messages, best)):
                selected = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {}).get(self.config["retrieval_intent"])
                if selected:
                    prediction = selected[RESPONSE_SELECTOR_PREDICTION_KEY]
                    prediction[self.SIMILARITY_KEY] = float(similarity)
                    if contrast is not None:
                        prediction[self.CONTRAST_KEY] = float(contrast[i])
        return messages

    def _in_context(self, probabilities: np.ndarray, tracker: Optional[DialogueStateTracker]) -> np.ndarray:
        """The probabilities with the topics near the last practice answer's made likelier."""
        strength = self.config["context_strength"]
        if strength <= 0 or self._relatedness is None:
            return probabilities
        topic = answers.practice_topic(last_answer(tracker))
        label = f"{self.config['retrieval_intent']}/{topic}"
        if topic is None or label not in self.labels:
            return probabilities
        index = self.labels.index(label)
        related = self._relatedness[index].copy()
        related[index] = np.median(related)
        weighted = probabilities * np.exp(strength * related)[None, :]
        return weighted / weighted.sum(axis=1, keepdims=True)

    def labelled_examples(self, training_data: TrainingData) -> Tuple[List[Message], List[str]]:
        """The retrieval intent's examples by response key; the responses are kept with the model."""
        self.extra = {
            "responses": training_data.responses,
            "retrieval_intents": sorted(training_data.retrieval_intents),
        }
        intent = self.config["retrieval_intent"]
        examples = [
            m
            for m in training_data.intent_examples
            if m.get(INTENT) == intent and m.get(INTENT_RESPONSE_KEY) and m.get(TEXT)
        ]
        contrast = self.config["contrast_intent"]
        self._contrast_messages = [
            m for m in training_data.intent_examples if contrast and m.get(INTENT) == contrast and m.get(TEXT)
        ]
        return examples, [m.get(INTENT_RESPONSE_KEY) for m in examples]

    def annotate(self, message: Message, ranking: List[Tuple[str, float]]) -> None:
        best, confidence = ranking[0]
        utter_action = intent_response_key_to_template_key(best)
        selected = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self.extra.get("responses", {}).get(utter_action, [{TEXT: best}]),
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: best,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {"id": n, PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: key} for n, (key, p) in enumerate(ranking)
            ],
        }
        properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
        properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.extra.get("retrieval_intents", [])
        properties[self.config["retrieval_intent"]] = selected
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
