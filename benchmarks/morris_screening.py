#!/usr/bin/env python3
"""Benchmark: Morris screening of every varied assumption on the rural department.

Runs `govsim sensitivity CONFIG --method morris` (SALib sampling and analysis, runs as ensemble
tasks) and records wall time, CPU time, runs, load average and the machine's other load in a
JSON file. Not a test: docs/performance.md quotes its results.

Usage (from the repository root, after `make build`):
    .venv/bin/python benchmarks/morris_screening.py --scale 0.05 --trajectories 10 --threads 2 \
        --out benchmarks/results/morris-screening.json
Options: --scenarios all|baseline (default all: the eight seed scenarios, so that differences
vs the baseline are screened too), --horizon 260, --runs 1, --govsim PATH.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_busy() -> tuple[float, float]:
    with open("/proc/stat") as f:
        v = [float(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--horizon", type=int, default=260)
    ap.add_argument("--trajectories", type=int, default=10)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scenarios", choices=["all", "baseline"], default="all")
    ap.add_argument("--govsim", default=str(ROOT / ".venv/bin/govsim"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/morris-screening.json"))
    a = ap.parse_args()
    cfg = json.loads((ROOT / "scenarios/experiments/robustness-small.json").read_text())
    cfg["scenarios"] = [str((ROOT / "scenarios/experiments" / s).resolve()) for s in cfg["scenarios"]]
    if a.scenarios == "baseline":
        cfg["scenarios"] = cfg["scenarios"][:1]
    cfg["parameters"] = {"sim.population_scale": a.scale, "sim.horizon_weeks": a.horizon}
    cfg["experiment"] = {"runs": a.runs, "seed": 20181102}
    cfg["uncertainty"] = {"parameters": "assumptions", "samples": a.trajectories}
    work = Path(tempfile.mkdtemp(prefix="govsim-morris-bench-"))
    cfg_path = work / "config.json"
    cfg_path.write_text(json.dumps(cfg))
    d = json.loads(subprocess.run([a.govsim, "describe", "--json"], check=True, capture_output=True,
                                  text=True).stdout)
    n_params = sum(1 for p in d if p.get("uncertainty", {}).get("distribution", "fixed") != "fixed")
    n_scen = len(cfg["scenarios"])
    runs = a.trajectories * (n_params + 1) * n_scen * a.runs
    load_before = os.getloadavg()
    b0, t0 = cpu_busy()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run([a.govsim, "sensitivity", str(cfg_path), "--method", "morris", "--threads",
                           str(a.threads), "--out", str(work / "out"), "--quiet"], capture_output=True, text=True)
    wall = time.monotonic() - start
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b1, t1 = cpu_busy()
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    ncpu = os.cpu_count() or 1
    total_busy_cores = (b1 - b0) / (t1 - t0) * ncpu if t1 > t0 else float("nan")
    result = {"command": f"govsim sensitivity CONFIG --method morris --threads {a.threads}",
              "scale": a.scale, "adults": round(269345 * a.scale), "horizon_weeks": a.horizon,
              "trajectories": a.trajectories, "varied_parameters": n_params, "scenarios": n_scen,
              "runs_per_world": a.runs, "runs": runs, "threads": a.threads, "wall_seconds": round(wall, 1),
              "cpu_seconds": round(cpu, 1), "seconds_per_run_cpu": round(cpu / runs, 4),
              "others_cores": round(max(0.0, total_busy_cores - cpu / wall), 2),
              "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "returncode": proc.returncode,
              "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if proc.returncode != 0:
        result["stderr"] = proc.stderr[-2000:]
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(proc.stdout[-3000:])
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
