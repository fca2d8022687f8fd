"""Puts slips and chat shorthand in ordinary words right before the rest of the pipeline reads a
message ("hw do u kno ur model is drifting" -> "how do you know your model is drifting"; core/spelling.py).

First in the pipeline. Trained with the model: the words of the training examples and the practice
answers, with how often each is used, are its vocabulary, stored with the model. The words the
resolver reads as names (tools found, an unknown name) are corrected only when the correction is sure.

The message's text becomes the corrected text, for the tokenizer, the featurizers and the classifiers.
Two more texts go along: `text_as_written`, for the tracker, which the router (last in the pipeline)
gives it back to; and `text_for_names`, where only sure corrections are made ("compair" is "compare",
not an unknown tool), for the resolver.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from core.loader import default_knowledge_base
from core.resolver import Resolver, common_words, default_resolver, rare_words
from core.spelling import SpellingNormaliser, vocabulary, word_pairs

TEXT_AS_WRITTEN = "text_as_written"  # the message attribute with the text before correction
TEXT_FOR_NAMES = "text_for_names"  # and with only the sure corrections: where names are read
VOCABULARY_FILE = "vocabulary.json"
PAIRS_FILE = "word_pairs.json"


def _response_texts(training_data: TrainingData) -> List[str]:
    return [
        str(variation.get("text") or "") for variations in training_data.responses.values() for variation in variations
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class SpellingNormaliserComponent(GraphComponent):
    """Replaces a message's text with its spelling put right, keeping the text as written."""

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        own_words: Optional[Dict[str, int]] = None,
        own_pairs: Optional[Dict[str, int]] = None,
    ) -> None:
        self._model_storage, self._resource = model_storage, resource
        self.own_words = own_words or {}
        self.own_pairs = own_pairs or {}
        self._normaliser: Optional[SpellingNormaliser] = None
        self.resolver: Resolver = default_resolver()

    def build(self) -> SpellingNormaliser:
        """The normaliser, built once (~1 s) when the model loads; never at import."""
        return self.normaliser

    @property
    def normaliser(self) -> SpellingNormaliser:
        if self._normaliser is None:
            names = [name for tool in default_knowledge_base().tools for name in tool.surface_forms]
            self._normaliser = SpellingNormaliser(
                self.own_words, common_words() | rare_words(), names, own_pairs=self.own_pairs
            )
        return self._normaliser

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpellingNormaliserComponent:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [str(m.get(TEXT) or "") for m in training_data.training_examples]
        texts += _response_texts(training_data)
        self.own_words, self.own_pairs = vocabulary(texts), word_pairs(texts)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(self.own_words, sort_keys=True))
            (directory / PAIRS_FILE).write_text(json.dumps(self.own_pairs, sort_keys=True))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpellingNormaliserComponent:
        try:
            with model_storage.read_from(resource) as directory:
                own_words = json.loads((directory / VOCABULARY_FILE).read_text())
                pairs = directory / PAIRS_FILE
                own_pairs = json.loads(pairs.read_text()) if pairs.exists() else {}
        except (ValueError, FileNotFoundError):
            own_words, own_pairs = {}, {}
        component = cls(model_storage, resource, own_words, own_pairs)
        component.build()  # with the model, so the first message does not wait for it
        return component

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # every word of it is in the vocabulary: nothing to correct

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):  # button payloads name their intent
                continue
            found = self.normaliser.corrections(text)  # looked up once, for both texts
            if not found:
                continue
            resolution = self.resolver.resolve(text)
            unknown = {w.lower() for w in (resolution.unknown or "").split()}  # "compair" may be "compare"
            keep = {w.lower() for w in resolution.naming_words}  # "catbost" named CatBoost: never "chatbot"
            if resolution.candidates:  # "tecson", near Tecton: a name the resolver asks about, never "person"
                keep |= unknown
            message.set(TEXT_AS_WRITTEN, text)
            message.set(TEXT_FOR_NAMES, self.normaliser.applied(text, found, unknown, sure_only=True, keep=keep))
            message.set(TEXT, self.normaliser.applied(text, found, unknown, keep=keep))
        return messages


def as_written(message: Message) -> str:
    """The message's text as the user wrote it, before any correction."""
    return str(message.get(TEXT_AS_WRITTEN) or message.get(TEXT) or "")


def for_names(message: Message) -> str:
    """The message's text where names are read: as written, with only the sure corrections."""
    return str(message.get(TEXT_FOR_NAMES) or as_written(message))
