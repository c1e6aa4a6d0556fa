"""Rasa's graphs run node after node in the calling thread, instead of through Dask's scheduler.

Rasa 3.6 runs a graph for every message (the NLU pipeline) and for every action it predicts (the policies). Each run
derives the part of the graph the targets need from the whole schema again, then hands it to `dask.get`, whose
local scheduler orders the tasks and keeps their state for parallel work that never happens here (docs/PERFORMANCE.md
has what that costs). Here each set of targets gets its part of the graph
once, and a run calls every node once, after the nodes it needs, with the same inputs Dask gives it.
tests/bot/test_graph_runner.py compares the results with Dask's on the trained model.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

PATCHED = (DaskGraphRunner, "run")
rasa_original = DaskGraphRunner.run


def run(self: DaskGraphRunner, inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None) -> dict[str, Any]:
    run_targets = targets if targets else self._graph_schema.target_names
    graphs = self.__dict__.setdefault("_graphs_by_targets", {})
    key = tuple(run_targets)
    if key not in graphs:  # the schema of a loaded model does not change
        graphs[key] = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
    graph = dict(graphs[key])
    self._add_inputs_to_graph(inputs, graph)  # as Dask's runner: (name, value) pairs, checked for clashes

    done: dict[str, Any] = {}

    def output(name: str) -> Any:
        if name not in done:
            node, *needs = graph[name]
            # a node is a GraphNode called with the (name, output) pairs of the nodes it needs, an input is its pair,
            # and a name that is in neither is passed as it is (as Dask does with a string that is not a key)
            done[name] = node(*[output(need) if need in graph else need for need in needs]) if callable(node) \
                else graph[name]
        return done[name]

    try:
        return dict(output(target) for target in run_targets)
    except RuntimeError as e:  # as Dask's runner
        raise GraphRunError("Error running runner.") from e


def apply() -> None:
    """Make every graph runner of this process run its nodes in order (idempotent)."""
    DaskGraphRunner.run = run
