"""Finds the job a message describes among the knowledge base's texts, by meaning (core/jobs.py).

Trained with the model: it embeds every job document of the knowledge base once, with the
pipeline's sentence encoder, and stores the vectors; a message then costs one matrix product
against its own sentence embedding (the featurizer's, already computed). It writes the nearest job
to the message as `job` ({category, similarity, share}) for the router (assistant/nlu/routing.py),
which uses it only for a message that asks for tools without naming their category.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.sentence_embeddings import sentence_embeddings
from core import jobs
from core.loader import default_knowledge_base

logger = logging.getLogger(__name__)
JOB = "job"  # the message attribute this component writes
VECTORS_FILE = "vectors.npy"
CATEGORIES_FILE = "categories.json"
DOCUMENTS_FILE = "documents.sha256"  # which documents the vectors are of


def _digest(docs: Sequence[Tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(list(docs)).encode("utf-8")).hexdigest()


def _embedded(docs: Sequence[Tuple[str, str]]) -> Tuple[np.ndarray, List[str]]:
    return sentence_embeddings([text for text, _ in docs]), [category for _, category in docs]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class JobFinder(GraphComponent):
    """Annotates each message with the knowledge-base category its meaning is nearest to."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"featurizer": "sentence_embeddings", "voters": jobs.VOTERS}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectors: Optional[np.ndarray] = None,
        categories: Sequence[str] = (),
    ) -> None:
        self.config = config
        self._model_storage, self._resource = model_storage, resource
        self.vectors = vectors
        self.categories = list(categories)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> JobFinder:
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The knowledge base's job texts are read outside the graph: without them in the fingerprint,
        Rasa would restore the vectors of an older base from its cache."""
        return _digest(jobs.documents(default_knowledge_base()))

    def train(self, training_data: TrainingData) -> Resource:
        docs = jobs.documents(default_knowledge_base())
        self.vectors, self.categories = _embedded(docs)
        with self._model_storage.write_to(self._resource) as directory:
            np.save(directory / VECTORS_FILE, self.vectors)
            (directory / CATEGORIES_FILE).write_text(json.dumps(self.categories))
            (directory / DOCUMENTS_FILE).write_text(_digest(docs))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> JobFinder:
        try:
            with model_storage.read_from(resource) as directory:
                vectors = np.load(directory / VECTORS_FILE)
                categories = json.loads((directory / CATEGORIES_FILE).read_text())
                trained_on = (directory / DOCUMENTS_FILE).read_text() if (directory / DOCUMENTS_FILE).exists() else ""
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
        docs = jobs.documents(default_knowledge_base())
        if trained_on != _digest(docs):
            # a model trained before the knowledge base last changed (a summary, a category's jobs),
            # served without training again: the vectors of the base the actions read
            logger.info("JobFinder: the knowledge base's texts changed since training; embedding them again.")
            vectors, categories = _embedded(docs)
        return cls(config, model_storage, resource, vectors, categories)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if self.vectors is None or not len(self.categories):
            return messages
        for message in messages:
            features = message.get_dense_features(TEXT, [self.config["featurizer"]])[1]
            if features is None:
                continue
            embedding = np.asarray(features.features, dtype=np.float32).reshape(-1)
            embedding /= max(float(np.linalg.norm(embedding)), 1e-9)
            similarities = self.vectors @ embedding
            voters = min(int(self.config["voters"]), len(similarities))
            nearest = np.argpartition(-similarities, voters - 1)[:voters]  # the voters, found in numpy
            ranked = jobs.vote([similarities[i] for i in nearest], [self.categories[i] for i in nearest], voters)
            if ranked:
                best = ranked[0]
                job = {
                    "category": best.category,
                    "similarity": round(best.similarity, 4),
                    "share": round(best.share, 4),
                }
                message.set(JOB, job, add_to_output=True)
        return messages
