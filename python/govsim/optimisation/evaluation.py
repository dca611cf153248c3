"""Evaluating designs: a batch of lever settings run against the baseline on common random
numbers, and the statistics the search and the front read from the replicates.

An evaluator is any callable ``(designs, runs, out, resume) -> Replicates``; :class:`ModelEvaluator`
runs the model (one ``govsim compare`` ensemble per batch, the baseline first, every design
with the config's seed, so replicate r of every design shares the baseline's random streams);
tests inject an analytical one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..api import Config, ProgressArg, compare
from ..intervals import mean_ci
from ..results import Results

@dataclass
class Replicates:
    """Outcomes of a batch: ``values[d, r, m]`` for design d (0 = the baseline), replicate r and
    metric ``metrics[m]``; replicate r of every design ran on the same random streams."""

    metrics: list[str]
    values: np.ndarray

    def column(self, metric: str) -> np.ndarray:
        """values[:, :, metric] (designs x replicates)."""
        return self.values[:, :, self.metrics.index(metric)]

    def means(self, d: int, names: Sequence[str]) -> dict[str, float]:
        return {m: float(self.column(m)[d].mean()) for m in names}

    def interval(self, d: int, metric: str) -> tuple[float, float, float]:
        """Mean of design d and its 95% t-interval over replicates."""
        return mean_ci(self.column(metric)[d])

    def paired(self, a: int, b: int, metric: str) -> tuple[float, float, float]:
        """Mean of the paired difference a - b over common replicates and its 95% interval."""
        x = self.column(metric)
        return mean_ci(x[a] - x[b])


Evaluator = Callable[[Sequence[Mapping[str, Any]], int, Path, bool], Replicates]


def design_name(number: int) -> str:
    """The name of design ``number`` (its place in the search: batch x population + position)."""
    return f"design-{number:04d}"


class ModelEvaluator:
    """Runs designs through the model: one ensemble (``govsim compare``) per batch whose scenarios
    are the baseline and one scenario per design (the baseline's resolved parameters, ``--set``
    overrides included, with the design's levers), on the config's territory and seed. The
    batch's results store is ``out`` (resumable after a kill)."""

    def __init__(self, config: Config, threads: int = 0, progress: ProgressArg = False) -> None:
        self.config = config
        self.threads = threads
        self.progress = progress
        resolved = config.to_dict()
        self.territory = resolved["territory"]
        source = config._source  # a config file's path, or (document, label, base_dir) from a dict
        self.base_dir = Path(source[2]) if isinstance(source, tuple) else Path(source).resolve().parent
        self.baseline = dict(config.scenario_parameters())

    def document(self, designs: Sequence[Mapping[str, Any]], runs: int) -> dict[str, Any]:
        base = self.config.baseline
        scenarios = [{"name": base, "parameters": self.baseline}]
        for k, d in enumerate(designs):
            params = dict(self.baseline)
            params.update(d)
            scenarios.append({"name": f"candidate-{k:03d}", "parameters": params})
        return {"name": f"{self.config.name}-optimise", "territory": self.territory, "scenarios": scenarios,
                "baseline": base, "experiment": {"runs": int(runs), "seed": int(self.config.seed)}}

    def __call__(self, designs: Sequence[Mapping[str, Any]], runs: int, out: Path, resume: bool) -> Replicates:
        doc = self.document(designs, runs)
        cfg = Config.from_dict(doc, base_dir=self.base_dir, label=f"{self.config.file} (optimise batch)")
        store = out / "results.sqlite"
        listed = out / "designs.json"
        if listed.is_file() and json.loads(listed.read_text(encoding="utf-8")) != json.loads(
                json.dumps(list(designs), default=str)):
            shutil.rmtree(out)  # the store of other designs (the final front of a shorter search)
        res = compare(cfg, threads=self.threads, out=out, progress=self.progress,
                      resume=resume and store.is_file(), force=not resume and store.is_file())
        (out / "designs.json").write_text(json.dumps(list(designs), indent=1, default=str) + "\n", encoding="utf-8")
        return replicates_of(res, len(designs) + 1, runs)


def replicates_of(res: Results, n_designs: int, runs: int) -> Replicates:
    """The replicate cube of a batch store (scenarios in stored order, the baseline first)."""
    sc, rep, _, vals = res._reader.metric_matrix()
    cube = np.full((n_designs, runs, len(res.metric_names)), np.nan)
    keep = rep < runs
    cube[sc[keep], rep[keep]] = vals[keep]
    return Replicates(list(res.metric_names), cube)
