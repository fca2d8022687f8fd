"""assistant.graph_runner: the trained model's prediction graph gives the same results run in
order as through Rasa's DaskGraphRunner."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine import loader
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.graph_runner import SequentialGraphRunner
from evaluation.processes import MODEL

pytestmark = pytest.mark.server  # needs the trained model

MESSAGES = [
    "what is mlfow?",
    "hw do u kno ur model is drifting",
    "compare kserve and seldon core",
    "which of those are open source?",
    "we're a bank. which feature stores could we run ourselves?",
    "thanks, bye",
]


@pytest.fixture(scope="module")
def runners() -> Dict[str, Tuple[Any, Any]]:
    loaded = {}
    for name, runner_class in (("dask", DaskGraphRunner), ("sequential", SequentialGraphRunner)):
        metadata, runner = loader.load_predict_graph_runner(
            Path(tempfile.mkdtemp()), MODEL, LocalModelStorage, runner_class
        )
        loaded[name] = (metadata, runner)
    return loaded


def _tracker(metadata: Any, text: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "runner-test",
        [ActionExecuted("action_listen"), UserUttered(text, {"name": "ask_tool_info", "confidence": 1.0})],
        slots=metadata.domain.slots,
    )


@pytest.mark.parametrize("text", MESSAGES)
def test_a_message_is_understood_alike_by_both_runners(runners, text):
    parsed = {}
    for name, (metadata, runner) in runners.items():
        inputs = {PLACEHOLDER_MESSAGE: [UserMessage(text)], PLACEHOLDER_TRACKER: _tracker(metadata, text)}
        message = runner.run(inputs=inputs, targets=[metadata.nlu_target])[metadata.nlu_target][0]
        parsed[name] = message.as_dict(only_output_properties=True)
    assert parsed["sequential"] == parsed["dask"]


def test_the_policies_predict_alike_with_both_runners(runners):
    predictions = {}
    for name, (metadata, runner) in runners.items():
        tracker = _tracker(metadata, "what is mlflow?")
        prediction = runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[metadata.core_target])
        chosen = prediction[metadata.core_target]
        predictions[name] = (chosen.max_confidence_index, chosen.policy_name, list(chosen.probabilities))
    assert predictions["sequential"] == predictions["dask"]


def test_an_input_named_like_a_node_is_refused(runners):
    metadata, runner = runners["sequential"]
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run(inputs={metadata.nlu_target: "x"}, targets=[metadata.nlu_target])


def test_the_steps_for_the_same_targets_are_worked_out_once(runners):
    metadata, runner = runners["sequential"]
    steps = runner.steps((metadata.nlu_target,))
    assert runner.steps((metadata.nlu_target,)) is steps
    names = [name for name, _ in steps]
    assert names[-1] == metadata.nlu_target and len(names) == len(set(names))
    for position, (_, needs) in enumerate(steps):  # every node after the nodes it needs
        assert all(need not in names or names.index(need) < position for need in needs)
