"""Rasa's prediction graph run in order, without dask, for every message.

Rasa 3.6 runs the model's prediction graph through `DaskGraphRunner`: for each run it works out the
nodes the targets need (`GraphSchema.minimal_graph_schema`, which walks the graph again for every
path to a node), builds a dask task graph from them and has dask's scheduler execute it in one
thread. The graph never changes once the model is loaded, and a message runs it three times (its
NLU, then the policies before and after each action), so that bookkeeping was about 9 % of a turn
in the Rasa process (docs/performance.md). `SequentialGraphRunner` works out each set of targets'
nodes once, in an order where every node comes after the nodes it needs, and then calls the same
`GraphNode`s in that order with the same inputs: the same results, the same hooks, the same errors.

Applied by `assistant.runtime.apply()` (`python -m assistant`): the servers and `rasa shell` run it;
training keeps Rasa's runner.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Step = Tuple[str, Tuple[str, ...]]  # a node, and the nodes or inputs it needs, in its arguments' order


class SequentialGraphRunner(DaskGraphRunner):
    """`DaskGraphRunner`'s nodes, run one after the other in an order worked out once per targets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._steps_by_targets: Dict[Tuple[str, ...], Tuple[Step, ...]] = {}

    def steps(self, targets: Tuple[str, ...]) -> Tuple[Step, ...]:
        """The steps for `targets`, worked out on their first run."""
        if targets not in self._steps_by_targets:
            self._steps_by_targets[targets] = _steps(self._graph_schema, targets)
        return self._steps_by_targets[targets]

    def run(self, inputs: Optional[Dict[str, Any]] = None, targets: Optional[List[str]] = None) -> Dict[str, Any]:
        """Runs the graph (see `GraphRunner.run`): the targets' outputs by node name."""
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        values: Dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if name in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{name}' clashes with a node name. Make sure that none of the input names "
                    f"passed to the `run` method are the same as node names in the graph schema."
                )
            values[name] = (name, value)  # what dask passes on for an input: the pair itself
        try:
            for name, needs in self.steps(run_targets):
                values[name] = self._instantiated_nodes[name](*(values[need] for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(values[target] for target in run_targets)


def _steps(schema: Any, targets: Tuple[str, ...]) -> Tuple[Step, ...]:
    """The nodes `targets` need, each after the nodes it needs (depth first, each node once)."""
    order: List[Step] = []
    done: set = set()

    def visit(name: str) -> None:
        if name in done or name not in schema.nodes:  # not a node: an input, given to `run`
            return
        done.add(name)
        needs = tuple(schema.nodes[name].needs.values())
        for need in needs:
            visit(need)
        order.append((name, needs))

    for target in targets:
        visit(target)
    return tuple(order)
