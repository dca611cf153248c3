"""The Python path to MPI: a script run by `mpirun -n N python script.py` spreads each
govsim.compare() over the ranks (the engine's task farm; docs/distributed.md) with results
identical to one process. Skipped in builds without MPI (GOVSIM_WITH_MPI=OFF) or without mpirun."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import govsim
from conftest import ROOT, SMALL, SMALL_OVERRIDES

SCRIPT = """
import json, sys
import govsim
d = govsim.distribution()
res = govsim.compare(sys.argv[1], runs=3, overrides=json.loads(sys.argv[2]), out=sys.argv[3],
                     threads=int(sys.argv[4]), progress=True)
with open(f"{sys.argv[5]}/rank-{d['rank']}.json", "w") as f:  # not stdout: mpirun interleaves the ranks'
    json.dump({"rank": d["rank"], "ranks": d["ranks"], "runs": None if res is None else res.n_runs}, f)
"""


def test_outside_mpi_the_process_is_rank_0_of_1():
    d = govsim.distribution()
    assert (d["rank"], d["ranks"]) == (0, 1)
    assert isinstance(d["built_with_mpi"], bool)


@pytest.mark.slow
@pytest.mark.skipif(not govsim.distribution()["built_with_mpi"] or shutil.which("mpirun") is None,
                    reason="built without MPI (GOVSIM_WITH_MPI=OFF) or no mpirun")
def test_mpirun_python_script_gives_the_results_of_one_process(tmp_path):
    ref = govsim.compare(SMALL, runs=3, threads=2, out=tmp_path / "ref", overrides=SMALL_OVERRIDES, progress=False)
    script = tmp_path / "study.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    out = tmp_path / "mpi"
    p = subprocess.run(["mpirun", "-n", "3", "--oversubscribe", sys.executable, str(script), str(SMALL),
                        json.dumps(SMALL_OVERRIDES), str(out), "1", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    lines = [json.loads((tmp_path / f"rank-{k}.json").read_text()) for k in range(3)]
    # Every rank returns the job's Results (shared file system), after rank 0 has written them.
    assert lines == [{"rank": k, "ranks": 3, "runs": 24} for k in range(3)]
    res = govsim.open_results(out)
    dist = res.manifest["distribution"]
    assert dist["ranks"] == 3 and sum(dist["runs_per_rank"]) == 24
    assert sum(1 for k in dist["runs_per_rank"] if k > 0) >= 2, dist
    pd.testing.assert_frame_equal(res.runs(), ref.runs())  # without wall_seconds
    pd.testing.assert_frame_equal(res.summary(), ref.summary())
    for f in ("summary.csv", "paired.csv", "timeseries.csv"):
        assert (out / f).read_bytes() == (ref.path / f).read_bytes(), f
