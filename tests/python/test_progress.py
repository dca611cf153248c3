"""Long commands show progress and time left on a terminal, and nothing under --quiet or when
their output is not a terminal (issue 19). `govsim territory build` is checked end to end in a
pseudo-terminal; compare/sweep share the engine's bar (tests/cli), robustness and calibrate
the Python bar, switched by the same rule."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHARENTE = ROOT / "data" / "territories" / "charente"


def govsim_bin() -> str:
    return os.environ.get("GOVSIM_BIN") or str(Path(sys.executable).parent / "govsim")


def run_in_terminal(cmd: list[str]) -> tuple[int, str]:
    """Runs `cmd` with stdout and stderr on a pseudo-terminal; returns (status, everything shown)."""
    master, slave = pty.openpty()
    # A real terminal's size (a fresh pseudo-terminal has 0 columns: tqdm would draw nothing).
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return p.wait(timeout=300), b"".join(chunks).decode("utf-8", errors="replace")


def build_cmd(out: Path, *extra: str) -> list[str]:
    return [govsim_bin(), "territory", "build", "--communes", str(CHARENTE / "communes.csv"), "--places",
            str(CHARENTE / "places.json"), "--name", "charente", "--skip-invalid", "--out", str(out), *extra]


@pytest.mark.skipif(not CHARENTE.is_dir(), reason="no embedded Charente data")
def test_territory_build_shows_progress_on_a_terminal_only(tmp_path: Path):
    status, shown = run_in_terminal(build_cmd(tmp_path / "a.json"))
    assert status == 0, shown
    assert "rows" in shown and "ETA" in shown and "elapsed" in shown, shown
    # --quiet: no bar (and no summary) even on a terminal.
    status, shown = run_in_terminal(build_cmd(tmp_path / "b.json", "--quiet"))
    assert status == 0, shown
    assert "ETA" not in shown
    # Output not a terminal: the summary, no bar.
    p = subprocess.run(build_cmd(tmp_path / "c.json"), capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "ETA" not in p.stderr and "ETA" not in p.stdout
    assert "Wrote" in p.stdout
    # The three runs wrote the same territory.
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "c.json").read_bytes()


def test_robustness_draws_its_bar_only_on_a_terminal(tmp_path: Path):
    """The Python commands (robustness, sensitivity, calibrate) follow the same rule: a tqdm bar
    on a terminal, none under --quiet or when stderr is not a terminal."""
    import json

    doc = json.loads((ROOT / "scenarios/experiments/seed-scenarios-small.json").read_text())
    doc["scenarios"] = [str((ROOT / "scenarios/experiments" / s).resolve()) for s in doc["scenarios"][:2]]
    doc["parameters"] = {"sim.population_scale": 0.005, "sim.horizon_weeks": 8}
    doc["experiment"] = {"runs": 1, "seed": 2}
    doc["uncertainty"] = {"parameters": ["resolution.relatives_weekly", "needs.rate_per_year"], "samples": 4}
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps(doc))
    cmd = [govsim_bin(), "robustness", str(cfg), "--out"]
    status, shown = run_in_terminal(cmd + [str(tmp_path / "tty")])
    assert status == 0, shown
    assert "run/s" in shown or "s/run" in shown, shown  # tqdm's rate: the bar was drawn
    status, shown = run_in_terminal(cmd + [str(tmp_path / "quiet"), "--quiet"])
    assert status == 0, shown
    assert "run/s" not in shown and "s/run" not in shown, shown
    p = subprocess.run(cmd + [str(tmp_path / "pipe")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "run/s" not in p.stderr and "s/run" not in p.stderr, p.stderr
