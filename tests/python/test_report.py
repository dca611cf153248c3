"""Tests of the HTML report (python/govsim/reporting/).

A small results directory is built with the CLI (`govsim compare`, 2 runs, 2% sample); the
report is written from it and checked as text, then opened in headless Chromium (skipped only
if Chromium is not installed). The executable is GOVSIM_BIN, else `govsim` beside this Python
(.venv/bin/govsim after `make build`), else build/release/govsim.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim import reporting
from govsim.reporting import load as report_load
from govsim.reporting import formats

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"

SECTIONS = {
    "question": "The question and the territory",
    "findings": "Key findings in plain words",
    "scenarios": "Scenarios and the seed contributions they encode",
    "ranking": "Ranked comparison of headline metrics",
    "paired": "Paired differences vs the baseline",
    "robustness": "How robust is this ranking?",
    "timeseries": "Trajectories over time",
    "equity": "Equity: who is left behind",
    "costs": "Cost and cost-effectiveness by funder",
    "assumptions": "Key assumptions and parameters",
    "manifest": "Manifest and reproduction",
}


def _govsim_bin() -> Path | None:
    for cand in (os.environ.get("GOVSIM_BIN"), Path(sys.executable).parent / "govsim",
                 REPO / "build" / "release" / "govsim"):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return Path(cand).resolve()
    return None


@pytest.fixture(scope="module")
def govsim_bin() -> Path:
    exe = _govsim_bin()
    if exe is None:
        pytest.skip("govsim executable not found (set GOVSIM_BIN or run `make build`)")
    return exe


@pytest.fixture(scope="module")
def results_dir(govsim_bin, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare") / "results"
    cmd = [str(govsim_bin), "compare", "scenarios/experiments/seed-scenarios-small.json", "--runs", "2",
           "--set", "sim.population_scale=0.02", "--out", str(out), "--quiet"]
    res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"{cmd} failed:\n{res.stdout}\n{res.stderr}"
    return out


@pytest.fixture(scope="module")
def report_path(results_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    path = reporting.write_report(results_dir, out, lang="en")  # (French: test_report_i18n.py)
    assert Path(path) == out
    return out


def test_report_has_every_section(report_path, results_dir):
    assert report_path.is_file() and report_path.stat().st_size > 10_000
    text = report_path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for sid, title in SECTIONS.items():
        assert re.search(rf'<(section|h3) id="{sid}"', text), sid
        assert title in text, title
    # Every scenario with its seed quote; the territory; the reproduce command.
    manifest = json.loads((results_dir / "manifest.json").read_text(encoding="utf-8"))
    for s in manifest["scenarios"]:
        assert f"<code>{s}</code>" in text
    assert text.count("<blockquote") >= len(manifest["scenarios"]) - 1
    assert "Rural department (Loir-et-Cher-like)" in text  # the territory, by its name
    assert "govsim compare scenarios/experiments/seed-scenarios-small.json" in text
    assert "--runs 2" in text and "--set sim.population_scale=0.02" in text
    assert str(manifest["seed"]) in text
    # Parameter sources from the registry, assumptions flagged.
    assert "Source</th>" in text and 'class="flag">assumption' in text
    # The plain-language findings: one bullet per non-baseline scenario.
    findings = re.search(r'<section id="findings">(.*?)</section>', text, re.S).group(1)
    assert findings.count("<li>") == len(manifest["scenarios"]) - 1
    assert re.search(r"points \(|within the noise of 2 runs; we cannot say which is better", findings)


def test_report_is_self_contained(report_path):
    text = report_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text, re.I)
    assert "<script" not in text.lower()
    assert not re.search(r"<link[^>]+stylesheet", text, re.I)
    imgs = re.findall(r'<img[^>]+src="([^"]+)"', text)
    assert len(imgs) >= 4  # time series, two equity charts, costs: all inline
    for src in imgs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_plain_sentences_from_paired(results_dir, tmp_path):
    """Sentences a non-statistician can quote, and the caveat when the CI includes 0."""
    data = report_load.load(results_dir)
    p = data.paired
    scen = "single-contracting-authority"

    def set_row(metric, **vals):
        mask = (p["scenario"] == scen) & (p["metric"] == metric)
        assert mask.sum() == 1
        for k, v in vals.items():
            p.loc[mask, k] = v

    # The verdict column is what the engine computed from the CI and the minimal important
    # difference (0.1 point for shares); set it consistently with the edited intervals.
    set_row("mediation_share", mean_diff=0.002, ci_low=0.0015, ci_high=0.0025, rel_diff=0.12,
            rel_ci_low=0.09, rel_ci_high=0.15, share_better=1.0, mid=0.001, verdict="clearly_better")
    set_row("non_recours_rate", mean_diff=-0.012, ci_low=-0.016, ci_high=-0.008, share_better=1.0, mid=0.001,
            verdict="clearly_better")
    set_row("autonomy_rate", mean_diff=0.001, ci_low=-0.002, ci_high=0.004, share_better=0.5, mid=0.001,
            verdict="no_detectable_difference")
    data.refresh()
    html = reporting.render_html(data, lang="en")
    # Differences of shares in points, never mixed with relative changes in one sentence.
    assert "raises the share of needs resolved through mediation by 0.20 points (0.15\u20130.25)" in html
    assert "lowers non-recours by 1.2 points (0.8\u20131.6)" in html
    bullet = re.search(r"<li><b>One contracting authority.*?</li>", html, re.S).group(0)
    assert re.search(r"On [^<]*\bautonomy\b[^<]*, no difference with the status quo is detectable in 2 paired "
                     r"runs; we cannot say which is better\.", bullet)
    # Paired cells coloured from the verdict (CI, direction from the manifest, and the MID).
    assert re.search(r'<span class="better" title="clearly better"><b>\u22121\.20 pt</b></span>', html)


def test_text_is_escaped(results_dir, tmp_path):
    """Every value goes through the template's autoescaping: markup in a title stays text."""
    data = report_load.load(results_dir)
    scen = data.scenarios[1]
    data.scenario_info[scen] = dict(data.scenario_info[scen], title='<script>alert("x")</script> & co', titles={})
    html = reporting.render_html(data, lang="en")
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in html


def test_formatting_helpers(results_dir):
    cat = report_load.load(results_dir).catalog
    assert formats.fmt_diff(cat, "non_recours_rate", -0.0123) == "\u22121.23 pt"
    assert formats.fmt_diff(cat, "non_recours_rate", -1e-9) == "\u00b10.00 pt"
    assert formats.fmt_value(cat, "autonomy_rate", 0.5612) == "56.1%"
    assert formats.fmt_value(cat, "non_recours_rate@age:75+", 0.25) == "25.0%"
    assert formats.fmt_diff(cat, "mean_wait_weeks", 0.5) == "+0.50 wk"
    assert formats.fmt_eur(6_605_019) == "\u20ac6.61M"
    assert formats.fmt_eur(-30_000, signed=True) == "\u2212\u20ac30k"
    assert formats.fmt_value(cat, "total_cost_eur", float("nan")) == "n/a"


def test_catalog_from_manifest(results_dir):
    """Headline list, directions, units and subgroup dimensions come from the results' manifest."""
    data = report_load.load(results_dir)
    cat = data.catalog
    assert "non_recours_rate" in cat.headline and "alone_share" not in cat.headline
    assert not cat.higher_is_better("non_recours_rate") and cat.higher_is_better("autonomy_rate")
    assert cat.unit("total_cost_eur") == "EUR" and cat.unit("mean_wait_weeks") == "weeks"
    dims = dict(cat.dimensions("non_recours_rate"))
    assert dims["age"] == ["15-29", "30-44", "45-59", "60-74", "75+"]
    assert dims["density"] == ["urban", "periurban", "rural"]
    assert set(dims["difficulty"]) == {"yes", "no"}
    assert "state" in cat.categories("total_cost_eur", "funder")


def test_main_missing_dir_exits_2(tmp_path, capsys):
    missing = tmp_path / "no-such-results"
    assert reporting.main([str(missing), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "not found" in err
    assert not (tmp_path / "r.html").exists()


def _set_manifest(store: Path, change) -> None:
    con = sqlite3.connect(store)
    with con:
        m = json.loads(con.execute("SELECT value FROM meta WHERE key = 'manifest'").fetchone()[0])
        change(m)
        con.execute("UPDATE meta SET value = ? WHERE key = 'manifest'", (json.dumps(m),))
    con.close()


def _catalog_entries(names):
    """A catalog in the manifest's format, for the stored names (units and directions plausible)."""
    out = []
    for n in names:
        if "@" in n:
            continue
        subs = sorted({x.split("@", 1)[1].split(":")[0] for x in names if x.startswith(n + "@")})
        out.append({"name": n, "unit": "EUR" if n.endswith("_eur") else "share", "doc": f"DOC of {n}.",
                    "direction": "higher" if n in ("autonomy_rate", "mediation_share") else "lower",
                    "headline": False, "subgroups": subs})
    return out


def test_report_and_results_read_the_manifest_catalog(results_dir, tmp_path):
    """Headline list, docs, directions and subgroup dimensions come from manifest["metrics"]."""
    import govsim

    d = _copy(results_dir, tmp_path / "res")
    res = govsim.open_results(d)

    def change(m):
        m["metrics"] = _catalog_entries(res.metric_names)
        m["series"] = _catalog_entries(res.series_names)
        for e in m["metrics"]:
            e["headline"] = e["name"] in ("autonomy_rate", "non_recours_rate")
            if e["name"] == "non_recours_rate":
                e["subgroups"] = ["age"]
            if e["name"] == "autonomy_rate":
                e["doc"] = "Share of adults <b>autonomous</b> online."

    _set_manifest(d / "results.sqlite", change)
    res = govsim.open_results(d)
    assert res.catalog.headline == ["autonomy_rate", "non_recours_rate"]
    df = res.metrics().set_index("name")
    assert list(df.index) == res.metric_names
    assert df.loc["autonomy_rate", "headline"] and not df.loc["illectronisme_rate", "headline"]
    assert df.loc["non_recours_rate@age:75+", "doc"] == "DOC of non_recours_rate."
    assert res.table().count("\n") > 0
    html = reporting.write_report(d, tmp_path / "r.html", lang="en").read_text(encoding="utf-8")
    ranking = re.search(r'<section id="ranking">(.*?)</section>', html, re.S).group(1)
    heads = re.findall(r"<th>([^<]+)<br>", ranking)
    assert heads == ["Non-recours", "Autonomy"]  # the ranking metric first, then declaration order
    assert "<li><b>Autonomy</b>: share of adults &lt;b&gt;autonomous&lt;/b&gt; online.</li>" in ranking
    equity = re.search(r'<section id="equity">(.*?)</section>', html, re.S).group(1)
    assert "Age band: 75+" in equity and "Density: rural" not in equity


def test_bad_manifest_catalog_exits_2(results_dir, tmp_path, capsys):
    d = _copy(results_dir, tmp_path / "res")
    _set_manifest(d / "results.sqlite", lambda m: m.update(metrics=[{"name": "x", "direction": "up"}], series=[]))
    assert reporting.main([str(d), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert str(d / "results.sqlite") in err and "/metrics/0" in err and '"higher"|"lower"' in err
    assert not (tmp_path / "r.html").exists()


def test_main_no_store_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "manifest.json").write_text("{}")
    (empty / "summary.csv").write_text("not,a\nresults,file\n")
    assert reporting.main([str(empty), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert str(empty / "results.sqlite") in err and "no results store" in err
    assert not (tmp_path / "r.html").exists()


def _copy(results_dir: Path, dest: Path) -> Path:
    shutil.copytree(results_dir, dest)
    return dest


@pytest.mark.parametrize("damage", ["random-bytes", "truncated", "empty-file", "bad-blob", "no-runs",
                                    "incomplete", "no-layout"])
def test_damaged_store_exits_2(results_dir, tmp_path, capsys, damage):
    """The report reads the store (not the CSV exports): a damaged one is an error naming it."""
    d = _copy(results_dir, tmp_path / "res")
    store = d / "results.sqlite"
    if damage == "random-bytes":
        store.write_bytes(os.urandom(store.stat().st_size))
    elif damage == "truncated":
        store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])
    elif damage == "empty-file":
        store.write_bytes(b"")
    else:
        con = sqlite3.connect(store)
        with con:
            if damage == "bad-blob":
                con.execute("UPDATE runs SET metrics = zeroblob(12) WHERE rowid = (SELECT MIN(rowid) FROM runs)")
            elif damage == "no-runs":
                con.execute("DELETE FROM runs")
            elif damage == "incomplete":
                m = json.loads(con.execute("SELECT value FROM meta WHERE key = 'manifest'").fetchone()[0])
                m["complete"] = False
                con.execute("UPDATE meta SET value = ? WHERE key = 'manifest'", (json.dumps(m),))
            elif damage == "no-layout":
                con.execute("DELETE FROM meta WHERE key = 'layout'")
        con.close()
    out = tmp_path / "r.html"
    assert reporting.main([str(d), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govsim report: error: ") and str(store) in err, err
    assert "Traceback" not in err
    if damage in ("no-runs", "incomplete"):
        assert "--resume" in err
    assert not out.exists() and not (tmp_path / "r.html.tmp").exists()


def test_cli_corrupt_store_exits_2(results_dir, govsim_bin, tmp_path):
    """`govsim report` on a store overwritten with random bytes: exit 2, the file named."""
    d = _copy(results_dir, tmp_path / "res")
    (d / "results.sqlite").write_bytes(os.urandom(64 * 1024))
    res = subprocess.run([str(govsim_bin), "report", str(d), "-o", str(tmp_path / "r.html")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 2, res.stdout + res.stderr
    assert str(d / "results.sqlite") in res.stderr and "Traceback" not in res.stderr
    assert "report written" not in res.stdout and not (tmp_path / "r.html").exists()


def test_cli_script_no_traceback(tmp_path):
    missing = tmp_path / "nothing-here"
    res = subprocess.run([sys.executable, "-m", "govsim.reporting", str(missing), "-o", str(tmp_path / "r.html")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert str(missing) in res.stderr
    assert "Traceback" not in res.stderr


def test_main_writes_report(results_dir, tmp_path, capsys):
    out = tmp_path / "sub" / "report.html"
    assert reporting.main([str(results_dir), "-o", str(out)]) == 0
    assert out.is_file()
    assert str(out) in capsys.readouterr().out


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


@pytest.mark.slow
def test_report_in_headless_chromium(report_path):
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium is not installed (Debian package `chromium`)")
    url = report_path.resolve().as_uri()
    with tempfile.TemporaryDirectory() as profile:
        base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions"]
        dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=180)
        assert dom.returncode == 0, dom.stderr[-2000:]
        for sid, title in SECTIONS.items():
            assert f'id="{sid}"' in dom.stdout, sid
            assert title in dom.stdout, title
        assert dom.stdout.count("<img") >= 4

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "report-first-screen.png"
        if shot.exists():
            shot.unlink()
        snap = subprocess.run(base + [f"--screenshot={shot}", "--window-size=1280,1600", url],
                              capture_output=True, text=True, timeout=180)
        assert snap.returncode == 0, snap.stderr[-2000:]
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size > 20_000  # not a blank page

    # Console messages from the page (Chromium logs them as "INFO:CONSOLE(...)] "msg", source: URL").
    # The report has no script, so any console line from it is an error; Chromium's own dbus/gpu
    # warnings do not mention the page.
    for line in (dom.stderr + snap.stderr).splitlines():
        assert not ("CONSOLE" in line and "file://" in line), line
        assert "Uncaught" not in line, line
        assert not (url in line and re.search(r"error|Failed to load|net::ERR", line, re.I)), line


def test_robustness_section_without_and_with_results(results_dir, govsim_bin, tmp_path):
    # Without robustness results the section says what the intervals mean and how to compute it.
    text = reporting.render_html(report_load.load(results_dir), lang="en")
    sec = re.search(r'<section id="robustness">(.*?)</section>', text, re.S).group(1)
    assert "Monte Carlo noise only" in sec and "govsim robustness CONFIG" in sec
    # With them (a tiny robustness run in RESULTS_DIR/robustness, found by default).
    res = _copy(results_dir, tmp_path / "r")
    cfg = tmp_path / "c.json"
    doc = json.loads((REPO / "scenarios/experiments/seed-scenarios-small.json").read_text())
    doc["scenarios"] = [str((REPO / "scenarios/experiments" / s).resolve()) for s in doc["scenarios"][:3]]
    doc["parameters"] = {"sim.population_scale": 0.01, "sim.horizon_weeks": 26}
    doc["experiment"] = {"runs": 1, "seed": 2}
    doc["uncertainty"] = {"parameters": ["resolution.relatives_weekly", "needs.rate_per_year"], "samples": 12}
    cfg.write_text(json.dumps(doc))
    r = subprocess.run([str(govsim_bin), "robustness", str(cfg), "--out", str(res / "robustness"), "-q"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    out = reporting.write_report(res, tmp_path / "report.html", lang="en")
    sec = re.search(r'<section id="robustness">(.*?)</section>', out.read_text(encoding="utf-8"), re.S).group(1)
    assert "12 plausible worlds" in sec
    assert re.search(r"beats Status quo[^<]* in \d+% of 12 plausible worlds \(95% CI \d+%–\d+%\)", sec)
    assert "Rank distribution and regret" in sec and "#3</th>" in sec
    assert "Where each scenario fails" in sec and "fails to beat the baseline" in sec
    assert "No sensitivity analysis beside these results" in sec
    # The summary table carries robustness: P(beat the baseline) with its interval.
    summary = re.search(r'<section id="summary">(.*?)</section>', out.read_text(encoding="utf-8"), re.S).group(1)
    assert "Robustness" in summary and re.search(r"\d+% \(\d+%–\d+%\)", summary)
    assert "was not assessed" not in summary
    # Its first screen: each scenario across the worlds, the worlds' origin (the prior here: no
    # shipped worlds for this territory) and, without sensitivity results, what its own worlds
    # say it hangs on (rank screening, issue 28): the parameter named when one is significant,
    # else a PRIM box of its failures, else that none stands out (or that its difference is the
    # same in every world: nothing to correlate).
    across = re.search(r'<ul class="across">(.*?)</ul>', summary, re.S).group(1)
    rob = govsim.uncertainty.open_robustness(res / "robustness")
    assert rob.extra["worlds"] == "prior" and "drawn from the whole uncertainty space" in summary
    assert across.count("<li>") == len(rob.compared)
    prob = rob.probability[rob.probability["metric"] == "non_recours_rate"].set_index("scenario")
    shares = re.findall(r"ranges from .+? to .+? \(5th to 95th percentile\) and it beats .+? in (\d+)% of them", across)
    assert sorted(int(x) for x in shares) == sorted(round(100 * prob.loc[s_, "p_better"]) for s_ in rob.compared)
    assert across.count("Across 12 worlds") == len(rob.compared)
    screens = {s_: rob.hangs_on(s_) for s_ in rob.compared}
    named = [h.iloc[0]["parameter"] for h in screens.values() if h["named"].any()]
    assert across.count("is more favourable when") == len(named)
    assert all(p_ + " is " in across for p_ in named)
    assert (across.count("is more favourable when") + across.count("No assumption stands out")
            + across.count("mostly within particular ranges") + across.count("does not vary across these worlds")
            ) == len(rob.compared)
    # With a Morris screening beside the run, each scenario names its most influential assumption.
    r = subprocess.run([str(govsim_bin), "sensitivity", str(cfg), "--method", "morris", "--samples", "2", "--out",
                        str(res / "robustness" / "sensitivity"), "-q"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    morris = pd.read_csv(res / "robustness" / "sensitivity" / "sensitivity_morris.csv")
    morris = morris[(morris["metric"] == "non_recours_rate") & (morris["kind"] == "difference")]
    text_sens = reporting.write_report(res, tmp_path / "sens.html", lang="en").read_text(encoding="utf-8")
    across = re.search(r'<ul class="across">(.*?)</ul>', text_sens, re.S).group(1)
    for s_, g in morris.groupby("scenario"):
        top = g.sort_values("mu_star", ascending=False)["parameter"].iloc[0]
        assert re.search(r"hangs mostly on " + re.escape(top), across), (s_, top)
    # And the whole section in French (the default language).
    fr = reporting.write_report(res, tmp_path / "fr.html").read_text(encoding="utf-8")
    sec_fr = re.search(r'<section id="robustness">(.*?)</section>', fr, re.S).group(1)
    assert "Ce classement est-il robuste\u202f?" in sec_fr and "des 12 mondes plausibles" in sec_fr
    assert "Distribution des rangs et regret" in sec_fr and "beats" not in sec_fr
    # A missing --robustness directory is bad input.
    with pytest.raises(reporting.ReportInputError, match="no robustness results"):
        reporting.write_report(res, tmp_path / "x.html", tmp_path / "nowhere")


def test_series_band_is_nanquantile():
    # The weekly band of the series charts, computed at once where no value is absent, gives
    # np.nanquantile's values exactly (absent weeks, absent replicates, one replicate).
    from govsim.reporting.charts import _band

    rng = np.random.default_rng(1)
    for k in range(100):
        a = rng.normal(size=(int(rng.integers(1, 12)), 60))
        a[rng.uniform(size=a.shape) < rng.uniform(0, 0.3)] = np.nan
        a[:, :int(rng.integers(0, 20))] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for q in (0.025, 0.975):
                assert np.array_equal(_band(a, q), np.nanquantile(a, q, axis=0), equal_nan=True), k
