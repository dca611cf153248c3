#!/usr/bin/env python3
"""govsim benchmarks: speed, memory and scaling against the targets of docs/performance.md.

Builds nothing: give it the release executables (defaults: build/release/govsim and
build/release/benchmarks/govsim_bench). Standard library only. Writes
benchmarks/results/latest.json and prints a Markdown table. Targets are reported, never asserted.

  (a) resident-weeks/s per core, rural-department, 260 weeks, 1 and 2 threads (median of 3);
      parallel efficiency = speedup / 2
  (b) bytes per adult (peak RSS / adults), france territory at ~1M and ~10M adults, 13 weeks
  (c) wall time of the demo comparison (8 seed scenarios x 100 replicates, 2 threads; by default
      benchmarks/demo-rural-department.json, the rural department as the issue defines it, or
      --demo-config); without --full: 10 replicates, extrapolated linearly (labelled)
  (d) France-scale run `govsim_bench france 1 260 2`; without --full: scale 0.1, 52 weeks,
      extrapolated (labelled)
  (e) cost growth: time per resident-week at 1e5, 1e6, 1e7 adults (france, 26 weeks, 2 threads)
  (m) speed ratio vs the Mesa reference (benchmarks/mesa_reference/compare.py), run with the
      bench venv's Python if present, otherwise read from its last result file.
  (i) instructions per resident-week of Simulation::step() (valgrind --tool=callgrind on
      `govsim_bench rural-department 1 52 1`; insensitive to machine load, ~2-5 minutes; not in
      the default --only set)

Every measured process is timed with its own rusage (os.wait4): wall time, CPU time, peak RSS.
The load average before and after each measurement is recorded: on a busy machine wall times
(and above all the 2-thread figures) are pessimistic; CPU times are less affected.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRANCE_PROBE_SCALE = 0.001

TARGETS = {  # issue "Speed near the limit" (docs/performance.md)
    "speed_ratio_vs_mesa": ">= 150x",
    "bytes_per_adult_1e6": "<= 40",
    "bytes_per_adult_1e7": "<= 36",
    "parallel_efficiency_2": ">= 0.95",
    "demo_comparison_s": "<= 60 s (2 threads)",
    "france_run_s": "<= 60 s (2 threads)",
    "france_peak_gb": "<= 4 GB",
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def busy_cpu_s() -> float | None:
    """System-wide busy CPU seconds so far (all processes), from /proc/stat."""
    try:
        f = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        v = [int(x) for x in f]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measure(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Runs cmd; returns wall and CPU seconds, peak RSS (KiB) of that process, its stdout, and
    how many cores other processes kept busy meanwhile (others_cores: 0 = quiet machine)."""
    load0 = os.getloadavg()
    busy0 = busy_cpu_s()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.stdout.read(), p.stderr.read()  # small outputs: no deadlock
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {code}: {err[-2000:]}")
    busy1 = busy_cpu_s()
    cpu = ru.ru_utime + ru.ru_stime
    others = None if busy0 is None or busy1 is None else max(0.0, (busy1 - busy0 - cpu) / wall)
    return {"cmd": " ".join(cmd), "wall_s": wall, "cpu_s": cpu, "others_cores": others,
            "maxrss_kib": ru.ru_maxrss, "stdout": out, "load_before": load0, "load_after": os.getloadavg()}


def bench(exe: str, territory: str, scale: float, weeks: int, threads: int) -> dict:
    m = measure([exe, territory, f"{scale:.6g}", str(weeks), str(threads)])
    r = json.loads(m["stdout"].strip().splitlines()[-1])
    r.update(wall_s=m["wall_s"], cpu_s=m["cpu_s"], others_cores=m["others_cores"], load_before=m["load_before"],
             load_after=m["load_after"], cmd=m["cmd"])
    return r


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def machine() -> dict:
    info = {"hostname": platform.node(), "python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "Socket(s)",
                             "CPU max MHz", "L3 cache"):
                info[k.strip()] = v.strip()
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["mem_total_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        info["git_commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                            text=True).stdout.strip()
        info["git_dirty"] = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                                capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    return info


def status(value: float | None, op: str, target: float) -> str:
    if value is None:
        return "not measured"
    ok = value >= target if op == ">=" else value <= target
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--govsim", default=str(ROOT / "build/release/govsim"))
    ap.add_argument("--govsim-bench", default=str(ROOT / "build/release/benchmarks/govsim_bench"))
    ap.add_argument("--full", action="store_true",
                    help="run the long measurements for real: demo comparison at 100 replicates (~15-30 min) "
                         "and the France-scale run (55M adults, 260 weeks, minutes and ~3-4 GB)")
    ap.add_argument("--repeats", type=int, default=3, help="repeats of (a), median reported")
    ap.add_argument("--demo-runs", type=int, default=10, help="replicates of (c) without --full")
    ap.add_argument("--mesa-python", default=str(ROOT / ".venv-bench/bin/python"),
                    help="Python with mesa>=3 installed (benchmarks/requirements.txt)")
    ap.add_argument("--mesa-replicates", type=int, default=20)
    ap.add_argument("--skip-mesa", action="store_true", help="do not run the Mesa reference; reuse its last result")
    ap.add_argument("--only", default="a,b,c,d,e,m", help="comma-separated subset of a,b,c,d,e,m,i")
    ap.add_argument("--demo-config", default="benchmarks/demo-rural-department.json",
                    help="experiment config of (c) (default: the 8 seed scenarios on the rural department)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/latest.json"))
    args = ap.parse_args(argv)
    for exe in (args.govsim, args.govsim_bench):
        if not (Path(exe).is_file() and os.access(exe, os.X_OK)):
            print(f"error: {exe} not found; build it: cmake -S . -B build/release -G Ninja "
                  f"-DCMAKE_BUILD_TYPE=Release && cmake --build build/release --target govsim govsim_bench",
                  file=sys.stderr)
            return 2
    only = set(args.only.split(","))
    B = args.govsim_bench
    res: dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                 "full": args.full, "targets": TARGETS, "load_at_start": os.getloadavg()}
    log(f"load average at start: {res['load_at_start']}")

    # (a) speed and parallel efficiency.
    if "a" in only:
        runs = {}
        for threads in (1, 2):
            runs[threads] = []
            for k in range(args.repeats):
                log(f"(a) rural-department 1 260 {threads} [{k + 1}/{args.repeats}]")
                runs[threads].append(bench(B, "rural-department", 1, 260, threads))
        rw1 = median_of(runs[1], "resident_weeks_per_s")
        rw2 = median_of(runs[2], "resident_weeks_per_s")
        cpu1 = statistics.median(r["adults"] * r["weeks"] / r["cpu_s"] for r in runs[1])
        res["a_speed"] = {
            "command": f"{B} rural-department 1 260 THREADS",
            "adults": runs[1][0]["adults"],
            "resident_weeks_per_s_1thread": rw1, "resident_weeks_per_s_2threads": rw2,
            "per_core_1thread": rw1, "per_core_2threads": rw2 / 2,
            "resident_weeks_per_cpu_s_1thread": cpu1,
            "speedup_2": rw2 / rw1, "parallel_efficiency_2": rw2 / rw1 / 2,
            "others_cores_median": statistics.median(r["others_cores"] or 0.0 for t in runs for r in runs[t]),
            "runs": {str(k): v for k, v in runs.items()},
        }

    # Total adults of the france territory (probe) to choose scales.
    france_adults = None
    if only & {"b", "d", "e"}:
        log("france probe (territory size)")
        probe = bench(B, "france", FRANCE_PROBE_SCALE, 1, 2)
        france_adults = probe["adults"] / FRANCE_PROBE_SCALE
        res["france_probe"] = probe
        res["france_adults_estimate"] = france_adults

    # (b) bytes per adult.
    if "b" in only:
        pts = []
        for target in (1e6, 1e7):
            scale = min(1.0, target / france_adults)
            log(f"(b) france {scale:.4g} 13 2 (~{target:.0e} adults)")
            pts.append(bench(B, "france", scale, 13, 2))
        # Linear fit RSS = fixed + per_adult * adults through the two points.
        (a1, r1), (a2, r2) = [(p["adults"], p["peak_rss_kib"] * 1024.0) for p in pts]
        per_adult = (r2 - r1) / (a2 - a1)
        res["b_memory"] = {"points": pts, "marginal_bytes_per_adult": per_adult, "fixed_bytes": r1 - per_adult * a1,
                           "soa_bytes_per_adult": pts[0]["soa_bytes_per_adult"]}

    # (c) demo comparison.
    if "c" in only:
        n = 100 if args.full else args.demo_runs
        with tempfile.TemporaryDirectory(prefix="govsim-demo-") as tmp:
            cmd = [args.govsim, "compare", args.demo_config, "--runs", str(n),
                   "--threads", "2", "--quiet", "--out", tmp, "--force"]
            log(f"(c) demo comparison, {n} replicates")
            m = measure(cmd)
        m.pop("stdout")
        res["c_demo"] = {"runs": n, "config": args.demo_config, "measured": m, "extrapolated": not args.full,
                         "wall_s_100": m["wall_s"] * 100.0 / n, "cpu_s_100": m["cpu_s"] * 100.0 / n,
                         "peak_rss_kib": m["maxrss_kib"]}

    # (d) France-scale run.
    if "d" in only:
        if args.full:
            log("(d) france 1 260 2 (full)")
            r = bench(B, "france", 1, 260, 2)
            res["d_france"] = {"extrapolated": False, "run": r, "total_s": r["wall_s"],
                               "peak_gb": r["peak_rss_kib"] * 1024 / 1e9}
        else:
            log("(d) france 0.1 52 2 (extrapolated to scale 1, 260 weeks)")
            r = bench(B, "france", 0.1, 52, 2)
            f_adults, f_weeks = 1.0 / 0.1, 260 / 52
            # Init = a fixed part (reach lists: points x zones, measured by the probe at scale
            # 0.001) + a part linear in adults (population generation).
            probe = res["france_probe"]
            per_adult = max(0.0, (r["init_s"] - probe["init_s"]) / (r["adults"] - probe["adults"]))
            init_full = max(r["init_s"], probe["init_s"] + per_adult * r["adults"] * f_adults)
            total = r["territory_s"] + init_full + r["run_s"] * f_adults * f_weeks
            mem = res.get("b_memory")
            full_adults = r["adults"] * f_adults
            peak = (mem["fixed_bytes"] + mem["marginal_bytes_per_adult"] * full_adults) if mem else \
                r["peak_rss_kib"] * 1024.0 * f_adults
            res["d_france"] = {"extrapolated": True, "run": r, "total_s": total, "peak_gb": peak / 1e9,
                               "init_full_s": init_full, "run_full_s": r["run_s"] * f_adults * f_weeks,
                               "method": "time: territory_s + init (fixed part from the scale-0.001 probe + "
                                         "linear part x 10) + run_s x 10 x 5 (linear in adults and weeks; the "
                                         "need rate grows 5%/year so later years cost a little more); memory: "
                                         "linear fit of (b) at 55M adults"}

    # (e) cost growth.
    if "e" in only:
        pts = []
        for target in (1e5, 1e6, 1e7):
            scale = min(1.0, target / france_adults)
            log(f"(e) france {scale:.4g} 26 2 (~{target:.0e} adults)")
            r = bench(B, "france", scale, 26, 2)
            r["ns_per_resident_week"] = 1e9 * r["run_s"] / (r["adults"] * r["weeks"])
            pts.append(r)
        res["e_growth"] = {"points": pts,
                           "growth_1e5_to_1e7": pts[-1]["ns_per_resident_week"] / pts[0]["ns_per_resident_week"]}

    # (m) Mesa reference.
    if "m" in only:
        mesa_json = ROOT / "benchmarks/results/mesa_comparison.json"
        if not args.skip_mesa and Path(args.mesa_python).is_file():
            log(f"(m) Mesa reference, {args.mesa_replicates} replicates")
            try:
                subprocess.run([args.mesa_python, str(ROOT / "benchmarks/mesa_reference/compare.py"),
                                "--govsim", args.govsim, "--govsim-bench", B,
                                "--replicates", str(args.mesa_replicates), "--out", str(mesa_json)],
                               check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
                fresh = True
            except subprocess.CalledProcessError as e:
                log(f"(m) Mesa comparison failed ({e}); reusing the last result if any")
                fresh = False
        else:
            fresh = False
        if mesa_json.is_file():
            mc = json.loads(mesa_json.read_text())
            mesa_rws = mc["speed"]["mesa_resident_weeks_per_s"]
            res["m_mesa"] = {"fresh": fresh, "date": mc["date"], "settings": mc["settings"],
                             "mesa_resident_weeks_per_s": mesa_rws,
                             "ratio_same_settings": mc["speed"]["ratio"],
                             "metrics_agree": {k: v["welch"]["agree"] for k, v in mc["metrics"].items()}}
            if "a_speed" in res:
                res["m_mesa"]["ratio_vs_a_1thread"] = res["a_speed"]["resident_weeks_per_s_1thread"] / mesa_rws

    # (i) instructions per resident-week (load-insensitive).
    if "i" in only:
        log("(i) callgrind: rural-department 1 52 1")
        with tempfile.TemporaryDirectory(prefix="govsim-cg-") as tmp:
            out_file = Path(tmp) / "cg.out"
            m = measure(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
                         "--toggle-collect=govsim::inclusion::Simulation::step()", B, "rural-department", "1", "52",
                         "1"])
            summary = next(line for line in out_file.read_text().splitlines() if line.startswith("summary:"))
        r = json.loads(m["stdout"].strip().splitlines()[-1])
        ir = int(summary.split()[1])
        res["i_instructions"] = {"command": m["cmd"], "step_instructions": ir, "adults": r["adults"],
                                 "weeks": r["weeks"], "per_resident_week": ir / (r["adults"] * r["weeks"])}

    res["load_at_end"] = os.getloadavg()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2))
    print_table(res)
    log(f"wrote {args.out}")
    return 0


def print_table(res: dict) -> None:
    rows = []
    a, b, c, d, e, m = (res.get(k) for k in ("a_speed", "b_memory", "c_demo", "d_france", "e_growth", "m_mesa"))
    if res.get("i_instructions"):
        rows.append(("(i) instructions per resident-week in step() (callgrind, rural-department 1 x 52, 1 thread)",
                     f"{res['i_instructions']['per_resident_week']:.1f}", "", ""))
    if a:
        rows.append(("(a) resident-weeks/s per core, 1 thread", f"{a['per_core_1thread']:.3g}", "", ""))
        rows.append(("(a) resident-weeks/s per core, 2 threads", f"{a['per_core_2threads']:.3g}", "", ""))
        oc = a.get("others_cores_median")
        busy = f" (other processes kept {oc:.1f} cores busy)" if oc is not None else ""
        rows.append((f"(a) parallel efficiency (speedup/2){busy}", f"{a['parallel_efficiency_2']:.2f}",
                     TARGETS["parallel_efficiency_2"], status(a["parallel_efficiency_2"], ">=", 0.95)))
    if m:
        ratio = m.get("ratio_vs_a_1thread", m["ratio_same_settings"])
        rows.append(("(m) speed vs Mesa reference (govsim 1 thread / Mesa)", f"{ratio:.1f}x",
                     TARGETS["speed_ratio_vs_mesa"], status(ratio, ">=", 150)))
        rows.append(("(m) same, both at the comparison settings", f"{m['ratio_same_settings']:.1f}x", "", ""))
        rows.append(("(m) Mesa agrees on the 5 shares (Welch 95% CI of diff within tolerance)",
                     "yes" if all(m["metrics_agree"].values()) else "no", "", ""))
    if b:
        for p in b["points"]:
            big = p["adults"] > 3e6
            rows.append((f"(b) bytes per adult at {p['adults']:.3g} adults", f"{p['bytes_per_adult']:.1f}",
                         TARGETS["bytes_per_adult_1e7" if big else "bytes_per_adult_1e6"],
                         status(p["bytes_per_adult"], "<=", 36 if big else 40)))
        rows.append(("(b) marginal bytes per adult (fit)", f"{b['marginal_bytes_per_adult']:.1f}", "", ""))
    if c:
        lab = "" if not c["extrapolated"] else f" (EXTRAPOLATED from {c['runs']} replicates)"
        rows.append((f"(c) demo comparison wall time, 100 replicates{lab}", f"{c['wall_s_100']:.0f} s",
                     TARGETS["demo_comparison_s"], status(c["wall_s_100"], "<=", 60)))
    if d:
        lab = " (EXTRAPOLATED from scale 0.1, 52 weeks)" if d["extrapolated"] else ""
        rows.append((f"(d) France-scale run time{lab}", f"{d['total_s']:.0f} s", TARGETS["france_run_s"],
                     status(d["total_s"], "<=", 60)))
        rows.append((f"(d) France-scale peak memory{lab}", f"{d['peak_gb']:.2f} GB", TARGETS["france_peak_gb"],
                     status(d["peak_gb"], "<=", 4)))
    if e:
        for p in e["points"]:
            rows.append((f"(e) ns per resident-week at {p['adults']:.3g} adults", f"{p['ns_per_resident_week']:.1f}",
                         "", ""))
        rows.append(("(e) growth 1e5 -> 1e7 adults", f"{e['growth_1e5_to_1e7']:.2f}x", "", ""))
    mach = res["machine"]
    print(f"## govsim benchmarks, {res['date']}\n")
    print(f"Machine: {mach.get('Model name', '?')}, {mach.get('cpus')} CPUs, {mach.get('mem_total_gib')} GiB; "
          f"load average at start {tuple(round(x, 2) for x in res['load_at_start'])}, "
          f"at end {tuple(round(x, 2) for x in res['load_at_end'])}\n")
    print("| measurement | value | target | status |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    sys.exit(main())
