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
    are the baseline and one scenario per design (design_scenario: the baseline as written with
    the design's levers; the config's parameters and ``--set`` apply), on the config's territory
    and seed. The batch's results store is ``out`` (resumable after a kill)."""

    def __init__(self, config: Config, threads: int = 0, progress: ProgressArg = False) -> None:
        self.config = config
        self.threads = threads
        self.progress = progress

    def document(self, designs: Sequence[Mapping[str, Any]], runs: int) -> dict[str, Any]:
        return batch_document(self.config, [design_scenario(self.config, f"candidate-{k:03d}", d)
                                            for k, d in enumerate(designs)], runs, lever_names(designs))

    def __call__(self, designs: Sequence[Mapping[str, Any]], runs: int, out: Path, resume: bool) -> Replicates:
        cfg = batch_config(self.config, self.document(designs, runs), "optimise batch", lever_names(designs))
        key = list(designs)
        stored = store_of(out, key)
        res = compare(cfg, threads=self.threads, out=out, progress=self.progress, resume=resume and stored,
                      force=not resume and stored)
        list_designs(out, key)
        return replicates_of(res, len(designs) + 1, runs)


def lever_names(designs: Sequence[Mapping[str, Any]]) -> list[str]:
    """The levers a batch sets (every design sets the same ones)."""
    return sorted(designs[0]) if designs else []


def store_of(out: Path, key: Any) -> bool:
    """Whether ``out`` holds a batch store to resume: one of another batch (``designs.json``
    differs from ``key``: the final front of a shorter search) is removed first."""
    listed = out / "designs.json"
    if listed.is_file() and json.loads(listed.read_text(encoding="utf-8")) != json.loads(json.dumps(key, default=str)):
        shutil.rmtree(out)
    return (out / "results.sqlite").is_file()


def list_designs(out: Path, key: Any) -> None:
    """Records which batch ``out`` holds (``designs.json``, read by store_of)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "designs.json").write_text(json.dumps(key, indent=1, default=str) + "\n", encoding="utf-8")


def _raw(cfg: Config) -> tuple[dict[str, Any], str, Path]:
    """The config as written (document, label, folder its relative paths resolve against)."""
    source = cfg._source  # a config file's path, or (document, label, base_dir) from a dict
    if isinstance(source, tuple):
        return dict(source[0]), str(source[1]), Path(source[2])
    path = Path(source)
    return json.loads(path.read_text(encoding="utf-8")), str(path), path.resolve().parent


def config_folder(cfg: Config) -> Path:
    """The folder a config's relative paths (scenarios, territory files) resolve against."""
    return _raw(cfg)[2]


def baseline_item(cfg: Config) -> Any:
    """The baseline's entry of the config as written: a scenario file path (relative to
    config_folder) or an inline scenario document."""
    raw = _raw(cfg)[0]
    return raw["scenarios"][cfg.scenarios.index(cfg.baseline)]


def design_scenario(cfg: Config, name: str, levers: Mapping[str, Any]) -> dict[str, Any]:
    """A scenario that is the baseline as written (its file, extended; or its inline document) with
    ``levers`` set: what ``designs/*.json`` holds, so a batch's runs are those of ``govsim
    compare`` on the design files. (Not the baseline's resolved parameters: a parameter left at its
    default is not the same as one set to it, e.g. a territory's published illectronisme figures
    apply only while the age targets are not set.)"""
    item = baseline_item(cfg)
    if isinstance(item, str):
        return {"name": name, "extends": item, "parameters": dict(levers)}
    doc = {k: v for k, v in item.items() if k in ("extends", "parameters", "territory")}
    doc["parameters"] = {**(item.get("parameters") or {}), **levers}
    return {"name": name, **doc}


def batch_document(cfg: Config, scenarios: Sequence[Any], runs: int, levers: Sequence[str] = ()) -> dict[str, Any]:
    """A compare config: the baseline as written, then ``scenarios``, with the config's own
    parameters (those that are ``levers`` left out: the design's value wins), territory, seed and
    ``runs`` replicates."""
    raw = _raw(cfg)[0]
    doc: dict[str, Any] = {"name": f"{cfg.name}-optimise", "territory": cfg.to_dict()["territory"],
                           "scenarios": [baseline_item(cfg), *scenarios],
                           "baseline": cfg.baseline, "experiment": {"runs": int(runs), "seed": int(cfg.seed)}}
    params = {k: v for k, v in (raw.get("parameters") or {}).items() if k not in set(levers)}
    if params:
        doc["parameters"] = params
    for key in ("title", "titles", "language"):
        if key in raw:
            doc[key] = raw[key]
    return doc


def batch_config(cfg: Config, doc: Mapping[str, Any], what: str, levers: Sequence[str] = ()) -> Config:
    """``doc`` (batch_document) as a Config with the config's --set overrides (but the levers')."""
    _raw_doc, label, base_dir = _raw(cfg)
    overrides = [(k, v) for k, v in cfg._overrides if k not in set(levers)]
    return Config.from_dict(doc, base_dir=base_dir, overrides=overrides, label=f"{label} ({what})")


def replicates_of(res: Results, n_designs: int, runs: int) -> Replicates:
    """The replicate cube of a batch store (scenarios in stored order, the baseline first)."""
    sc, rep, _, vals = res._reader.metric_matrix()
    cube = np.full((n_designs, runs, len(res.metric_names)), np.nan)
    keep = rep < runs
    cube[sc[keep], rep[keep]] = vals[keep]
    return Replicates(list(res.metric_names), cube)
