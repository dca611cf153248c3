"""Runs govsim and the Mesa reference from the same initial agents and compares them.

    .venv-bench/bin/python benchmarks/mesa_reference/compare.py [--replicates 20] [--scale 0.05]

1. `govsim_bench TERRITORY SCALE --dump-population DIR --seed S --replicates N` exports the
   initial state of govsim's replicates 0..N-1 (same seed as the govsim side below);
2. govsim side: `govsim compare CONFIG --runs N --threads 1 --set sim.population_scale=SCALE
   --set sim.horizon_weeks=WEEKS` on the status-quo scenario (runs.csv per replicate);
3. Mesa side: replicate r starts from residents_r{r}.csv and runs WEEKS weeks;
4. for each metric: means, 95% CIs (Student t), Welch's t test, the 95% Welch CI of the
   difference; "agree" when that CI lies within ±tolerance (default 0.01 = 1 percentage point);
5. speed: resident-weeks/s of each Mesa run (model.run() only, not CSV loading) and of
   `govsim_bench TERRITORY SCALE WEEKS 1` (median of 3), and their ratio.
Writes benchmarks/results/mesa_comparison.json (and prints a Markdown table).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

# The reference has no workshop learners: govsim runs without them (all the time set aside for
# workshops then goes back to individual help, as in the reference).
NO_WORKSHOP_LEARNERS = {"workshop.enrol_share": 0, "workshop.take_up_yearly": 0}
METRICS = ["non_recours_rate", "mediation_share", "alone_share", "relatives_share", "referral_share"]


def t_quantile(p: float, df: float) -> float:
    try:
        from scipy.stats import t
        return float(t.ppf(p, df))
    except ImportError:  # normal approximation
        return statistics.NormalDist().inv_cdf(p)


def t_sf2(tstat: float, df: float) -> float:
    """Two-sided p-value."""
    try:
        from scipy.stats import t
        return float(2 * t.sf(abs(tstat), df))
    except ImportError:
        return 2 * (1 - statistics.NormalDist().cdf(abs(tstat)))


def mean_ci(xs: list[float]) -> dict:
    n = len(xs)
    m = statistics.fmean(xs)
    sd = statistics.stdev(xs) if n > 1 else 0.0
    h = t_quantile(0.975, n - 1) * sd / math.sqrt(n) if n > 1 else float("nan")
    return {"n": n, "mean": m, "sd": sd, "ci95": [m - h, m + h]}


def welch(a: list[float], b: list[float], tolerance: float) -> dict:
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    se = math.sqrt(va + vb)
    diff = ma - mb
    if se == 0:
        return {"diff": diff, "t": float("nan"), "df": float("nan"), "p": float("nan"),
                "diff_ci95": [diff, diff], "agree": abs(diff) <= tolerance}
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    tstat = diff / se
    h = t_quantile(0.975, df) * se
    lo, hi = diff - h, diff + h
    return {"diff": diff, "t": tstat, "df": df, "p": t_sf2(tstat, df), "diff_ci95": [lo, hi],
            "ci_overlap": True, "agree": -tolerance <= lo and hi <= tolerance}


def run_json(cmd: list[str]) -> dict:
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--govsim", default=str(ROOT / "build/release/govsim"))
    ap.add_argument("--govsim-bench", default=str(ROOT / "build/release/benchmarks/govsim_bench"))
    ap.add_argument("--territory", default="rural-department")
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--replicates", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20181102)
    ap.add_argument("--tolerance", type=float, default=0.01,
                    help="absolute tolerance on each share (default 0.01 = 1 percentage point)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/mesa_comparison.json"))
    args = ap.parse_args(argv)

    import mesa  # noqa: F401  (fail early if the bench venv is missing)
    from model import InclusionModel, load_params

    with tempfile.TemporaryDirectory(prefix="govsim-mesa-") as tmp:
        tmp = Path(tmp)
        (tmp / "describe.json").write_text(
            subprocess.run([args.govsim, "describe", "--json"], check=True, capture_output=True, text=True).stdout)
        params = load_params(tmp / "describe.json")
        dump = tmp / "dump"
        subprocess.run([args.govsim_bench, args.territory, str(args.scale), "--dump-population", str(dump),
                        "--seed", str(args.seed), "--replicates", str(args.replicates)],
                       check=True, capture_output=True)
        # govsim side: same seed, replicates 0..N-1, same scale and horizon, one thread.
        cfg = {"name": "mesa-comparison", "territory": args.territory,
               "scenarios": [str(ROOT / "scenarios/governance/status-quo.json")],
               "experiment": {"runs": args.replicates, "seed": args.seed}}
        (tmp / "config.json").write_text(json.dumps(cfg))
        gcmd = [args.govsim, "compare", str(tmp / "config.json"), "--runs", str(args.replicates),
                "--threads", "1", "--quiet", "--out", str(tmp / "govsim"), "--force",
                "--set", f"sim.population_scale={args.scale}", "--set", f"sim.horizon_weeks={args.weeks}"]
        for k, v in NO_WORKSHOP_LEARNERS.items():
            gcmd += ["--set", f"{k}={v}"]
        t0 = time.perf_counter()
        subprocess.run(gcmd, check=True, capture_output=True)
        govsim_compare_s = time.perf_counter() - t0
        with open(tmp / "govsim/runs.csv") as f:
            g_runs = list(csv.DictReader(f))
        g = {m: [float(r[m]) for r in g_runs] for m in METRICS}
        # govsim speed at the same settings (1 thread, median of 3).
        bench = [run_json([args.govsim_bench, args.territory, str(args.scale), str(args.weeks), "1"])
                 for _ in range(3)]
        g_rws = statistics.median(b["resident_weeks_per_s"] for b in bench)
        # Mesa side.
        mesa_runs = []
        for r in range(args.replicates):
            t0 = time.perf_counter()
            model = InclusionModel(dump, r, params, args.weeks, seed=args.seed * 1000 + r)
            t1 = time.perf_counter()
            res = model.run()
            t2 = time.perf_counter()
            res.update(replicate=r, load_s=t1 - t0, run_s=t2 - t1,
                       resident_weeks_per_s=res["adults"] * args.weeks / (t2 - t1))
            mesa_runs.append(res)
            print(f"mesa replicate {r}: {res['run_s']:.2f} s", file=sys.stderr)
        m = {k: [r[k] for r in mesa_runs] for k in METRICS}

    m_rws = statistics.median(r["resident_weeks_per_s"] for r in mesa_runs)
    result = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "settings": {"territory": args.territory, "scale": args.scale, "weeks": args.weeks,
                     "replicates": args.replicates, "seed": args.seed, "tolerance": args.tolerance,
                     "govsim_overrides": {"sim.population_scale": args.scale, "sim.horizon_weeks": args.weeks,
                                          **NO_WORKSHOP_LEARNERS},
                     "scenario": "status-quo (defaults)"},
        "mesa_version": __import__("mesa").__version__,
        "python": sys.version.split()[0],
        "loadavg_at_end": os.getloadavg(),
        "metrics": {k: {"govsim": mean_ci(g[k]), "mesa": mean_ci(m[k]),
                        "welch": welch(g[k], m[k], args.tolerance)} for k in METRICS},
        "speed": {"govsim_resident_weeks_per_s_1thread": g_rws, "mesa_resident_weeks_per_s": m_rws,
                  "ratio": g_rws / m_rws, "mesa_run_s_median": statistics.median(r["run_s"] for r in mesa_runs),
                  "mesa_load_s_median": statistics.median(r["load_s"] for r in mesa_runs),
                  "govsim_compare_wall_s": govsim_compare_s, "govsim_bench_runs": bench},
        "mesa_runs": mesa_runs,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"| metric | govsim mean [95% CI] | Mesa mean [95% CI] | diff [95% Welch CI] | Welch p | agree (±{args.tolerance}) |")
    print("|---|---|---|---|---|---|")
    for k, v in result["metrics"].items():
        gg, mm, w = v["govsim"], v["mesa"], v["welch"]
        print(f"| {k} | {gg['mean']:.4f} [{gg['ci95'][0]:.4f}, {gg['ci95'][1]:.4f}] | "
              f"{mm['mean']:.4f} [{mm['ci95'][0]:.4f}, {mm['ci95'][1]:.4f}] | "
              f"{w['diff']:+.4f} [{w['diff_ci95'][0]:+.4f}, {w['diff_ci95'][1]:+.4f}] | {w['p']:.3f} | "
              f"{'yes' if w['agree'] else 'NO'} |")
    s = result["speed"]
    print(f"\nSpeed (resident-weeks/s, 1 thread): govsim {s['govsim_resident_weeks_per_s_1thread']:.3g}, "
          f"Mesa {s['mesa_resident_weeks_per_s']:.3g}, ratio {s['ratio']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
