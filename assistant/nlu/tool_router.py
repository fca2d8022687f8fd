"""The last NLU step: lets the knowledge base overrule the classifiers (assistant/nlu/routing.py).

The classifiers see wording and the resolver sees names, so a bare "kserv?" falls back and "which
tools watch for drift?" looks like a practice question. This component runs the resolver on each
message and, where `routing.route` says so, replaces the intent at the top of the ranking; the
rules then answer it. It learns nothing: it reads the knowledge base the action server reads
(`$KNOWLEDGE_BASE_DIR`, else knowledge_base/) when the model is loaded, and refuses to load on an
invalid one. It also reads the conversation (`conversation_of`: the tools discussed and what the
last answer was about), from the tracker Rasa hands the NLU graph, for follow-ups the classifiers
are unsure of.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu import routing
from assistant.nlu.dialogue import held_tools, last_answer
from assistant.nlu.job_finder import JOB
from assistant.nlu.spelling import as_written, for_names
from core import advice, answers
from core.description import pick
from core.message import (
    asked_attribute,
    described_one,
    focus,
    in_order,
    naming_the_described,
    says_what_they_use,
    the_one_question,
    without_names,
)
from core.names import LEARNED_ATTRIBUTE, OWN_TOOL_ENTITY, ROUTED_CATEGORY, ROUTED_FROM, SUBJECTS, TOOLS_SLOT
from core.resolver import Resolution, Resolver, default_resolver

RESPONSE_SELECTOR = "response_selector"
# The attribute classifier this sure names the fact a follow-up asks (routing.Parse.learned_attribute).
SURE_LEARNED_ATTRIBUTE = 0.8


def conversation_of(tracker: Optional[DialogueStateTracker]) -> routing.Conversation:
    """The tools discussed (the `tools` slot) and what the last answer was about (its first
    message's response), read from the tracker Rasa hands the NLU graph; empty without one."""
    if tracker is None:
        return routing.Conversation()
    first = last_answer(tracker)
    last = (
        routing.ANSWERED_PRACTICE
        if answers.practice_topic(first) is not None
        else routing.ANSWERED_TOOL
        if first in answers.ABOUT_TOOLS
        else ""
    )
    return routing.Conversation(tuple(tracker.get_slot(TOOLS_SLOT) or ()), last)


def _parse(message: Message, topic_category: Callable[[str], Optional[str]], asked: str = "") -> routing.Parse:
    """NLU's reading of the message; a category entity counts only when it is in `asked`, the
    message's question (in a long message the background's kinds of tool are context)."""
    intent = message.get(INTENT) or {}
    ranking = [(str(i.get("name")), float(i.get("confidence") or 0.0)) for i in message.get(INTENT_RANKING_KEY) or []]
    selected = (message.get(RESPONSE_SELECTOR) or {}).get(routing.FAQ, {}).get("response", {})
    text = str(message.get(TEXT) or "")
    category = next(
        (
            str(e.get("value"))
            for e in message.get(ENTITIES) or []
            if e.get("entity") == "category"
            and (not asked or text[int(e.get("start") or 0) : int(e.get("end") or 0)].lower() in asked.lower())
        ),
        None,
    )
    topic = str(selected.get("intent_response_key") or "").partition("/")[2]
    job = message.get(JOB) or {}
    learned = message.get(LEARNED_ATTRIBUTE) or {}
    sure_fact = (
        learned.get("name") not in (None, "none") and float(learned.get("confidence") or 0.0) >= SURE_LEARNED_ATTRIBUTE
    )
    return routing.Parse(
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        ranking=ranking,
        practice_confidence=float(selected.get("confidence") or 0.0),
        category_entity=category,
        practice_similarity=float(selected.get("similarity", 1.0)),
        topic_category=topic_category(topic) if topic else None,
        off_topic_similarity=float(selected.get("contrast_similarity", 0.0)),
        job_category=job.get("category"),
        job_similarity=float(job.get("similarity") or 0.0),
        job_share=float(job.get("share") or 0.0),
        learned_attribute=str(learned.get("name")) if sure_fact else None,
    )


# Trainable only so that the recipe hands `process` the conversation's tracker (Rasa gives the
# tracker to a trainable component whose `process` takes one); it learns nothing.
@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ToolRouter(GraphComponent):
    """Replaces the intent of messages the knowledge base understands better than the classifiers."""

    def __init__(self, resolver: Optional[Resolver] = None, resource: Optional[Resource] = None) -> None:
        self._resolver = resolver
        self._resource = resource or Resource("tool_router")
        self._topic_categories: Dict[str, Optional[str]] = {}  # practice topic -> its tools' category

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver = default_resolver()
        return self._resolver

    def topic_category(self, topic: str) -> Optional[str]:
        """The tool category of a practice topic, worked out once per topic."""
        if topic not in self._topic_categories:
            self._topic_categories[topic] = advice.category_for_practice(self.resolver.kb, topic)
        return self._topic_categories[topic]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ToolRouter:
        return cls(resource=resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ToolRouter:
        return cls(default_resolver(), resource)  # loaded with the model: an invalid base stops the server here

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def train(self, training_data: TrainingData) -> Resource:
        return self._resource

    def add_own_tools(self, message: Message, written: str) -> None:
        """Marks the tools the asker says they use as `own_tool` entities, which fill the `own_tools`
        slot (domain.yml) with no action run. Each spans the words that named it in the text as
        written, as Rasa's entities do; a name not found there is left out."""
        text = str(message.get(TEXT) or "")
        found: Dict[str, Dict[str, Any]] = {}
        for clause in says_what_they_use(written):
            for phrase in self.resolver.resolve(clause).naming_phrases:
                start = text.find(phrase)
                tools = self.resolver.resolve(phrase).tools if start >= 0 else []
                if tools and tools[0] not in found:
                    found[tools[0]] = {
                        "entity": OWN_TOOL_ENTITY,
                        "start": start,
                        "end": start + len(phrase),
                        "value": tools[0],
                        "extractor": type(self).__name__,
                    }
        if found:
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), *found.values()], add_to_output=True)

    def question_naming_its_own_tool(
        self, text: str, written: str, everything: Resolution
    ) -> Optional[Tuple[str, str, Resolution]]:
        """ "My colleague talks about Kueue and Volcano. First, what is Kueue?": a short message whose
        one question names a tool of its own asks about that tool; the names beside it are background.
        The question (corrected, as written) and its resolution; None when the whole message asks.
        `everything` is the resolution of the whole message as written."""
        parts, parts_written = in_order(text), in_order(written)
        index = the_one_question(parts_written)
        if index is None or len(parts) != len(parts_written) or the_one_question(parts) != index:
            return None
        question = self.resolver.resolve(parts_written[index])
        if question.tools and set(question.tools) != set(everything.tools):
            return parts[index], parts_written[index], question
        return None

    def described(
        self, asked: str, written: str, resolution: Resolution, tracker: Optional[DialogueStateTracker]
    ) -> Tuple[str, str, Resolution]:
        """ "and the pipelines one?", "which one is the git-for-a-SQL-database one?": the question with
        the tool it describes, among those the conversation holds, called by its name; as it was when
        it describes none, or names a tool outside its description."""
        description = described_one(written)
        if description is None or any(p.lower() not in description for p in resolution.naming_phrases):
            return asked, written, resolution
        picked = pick(self.resolver.kb, description, held_tools(tracker))
        if picked is None:
            return asked, written, resolution
        written = naming_the_described(written, picked.name)
        return naming_the_described(asked, picked.name), written, self.resolver.resolve(written)

    def process(self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        conversation = conversation_of(tracker)
        for message in messages:
            text = message.get(TEXT)  # with slips in ordinary words put right (assistant/nlu/spelling.py)
            if not text or text.startswith("/"):  # button payloads name their intent
                continue
            written = for_names(message)  # only sure corrections: "modelbit" stays a name, not "modelkit"
            # Names are read as written, the rest corrected.
            everything = self.resolver.resolve(written)
            asked, asked_as_written = focus(text), focus(written)  # a long message's question
            narrowed = self.question_naming_its_own_tool(text, written, everything) if asked == text else None
            if narrowed is not None:
                asked, asked_as_written, resolution = narrowed
            else:
                resolution = everything if asked_as_written == written else self.resolver.resolve(asked_as_written)
            short = asked == text
            asked, asked_as_written, resolution = self.described(asked, asked_as_written, resolution, tracker)
            if short and asked != text:  # "and Kubeflow Pipelines?" is the whole message now
                text, written, everything = asked, asked_as_written, resolution
                if asked_attribute(written) is None:  # "which one is the git-for-a-SQL-database one?" asks no fact
                    message.set(LEARNED_ATTRIBUTE, None, add_to_output=True)
            # "...Seldon Core on our k8s cluster. what is it?": the platform is where it runs, not the subject
            named = [*everything.tools, *resolution.tools]
            resolution = routing.without_places(asked, resolution, conversation)
            everything = routing.without_places(text, everything, conversation)
            places = list(dict.fromkeys(t for t in named if t not in everything.tools + resolution.tools))
            parse = _parse(message, self.topic_category, asked)
            message.set(TEXT, as_written(message))  # the tracker keeps what the user wrote
            if (
                everything.unknown
                and not everything.tools
                and not resolution.unknown
                and routing.asks_of_the_background(asked)
            ):
                # "a vendor pitched us something called FeatureVault. is that similar? what is it?": the
                # question is about the name in the background, which the base does not know
                asked, asked_as_written, resolution = text, written, everything
            context = [t for t in everything.tools if t not in resolution.tools]
            if everything.tools:  # "we version our datasets with DVC today": for "compare it with what we use"
                self.add_own_tools(message, written)
            message.set(
                SUBJECTS,
                {
                    "focus": asked,
                    "written": asked_as_written,
                    "unnamed": without_names(asked, resolution.naming_phrases),  # what it asks of the names
                    # the kind of tool named or described, for "tools for that job" next turn
                    "kind": parse.category_entity
                    or resolution.category
                    or (parse.job_category if routing.reads_a_job(parse) else None),
                    "text": text,
                    "tools": resolution.tools,
                    "context": context,
                    "places": places,  # platforms named as where something runs: not what it asks about
                },
                add_to_output=True,
            )
            if routing.says_only_names(asked_as_written, resolution) and message.get(LEARNED_ATTRIBUTE):
                message.set(LEARNED_ATTRIBUTE, None, add_to_output=True)  # "langchain??" asks no fact: "lang" is a name
            whole, text = text, asked
            if (
                context
                and not resolution.tools
                and not resolution.unknown
                and routing.asks_of_the_background(text)
                and not routing.asks_for_tools(text, strongly=True)
            ):
                # "...BentoML. What is it?", "...'Great Expectatons'... Is that actually free to use?": the
                # background's tools; not "what is Opik and...", nor "what tools would let us keep an eye
                # on a model once it's in production?", whose "it" is in the question
                resolution = everything
            new_intent = routing.route(text, parse, resolution, conversation, context if text != whole else ())
            intent = parse.intent if new_intent is None else new_intent
            category = (
                routing.unnamed_category(whole, parse, resolution, conversation)
                if intent in (routing.LIST_TOOLS, routing.RECOMMEND_TOOL)
                else None
            )
            if (new_intent is None or new_intent == parse.intent) and category is None:
                continue
            if new_intent is None or new_intent == parse.intent:
                routed = {**(message.get(INTENT) or {})}
            else:
                routed = {"name": new_intent, "confidence": 1.0, ROUTED_FROM: parse.intent}
                ranking = [{"name": new_intent, "confidence": 1.0}] + [
                    {"name": name, "confidence": confidence} for name, confidence in parse.ranking if name != new_intent
                ]
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if category is not None:
                routed[ROUTED_CATEGORY] = category  # the job described or the practice topic's: for the action
            message.set(INTENT, routed, add_to_output=True)
        return messages
