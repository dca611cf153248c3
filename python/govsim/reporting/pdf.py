"""Printable PDF of the report: headless Chromium's print-to-PDF (A4, the page's print CSS)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .load import ReportInputError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The headless browser: $GOVSIM_CHROMIUM, else the first of BROWSERS on the PATH."""
    env = os.environ.get("GOVSIM_CHROMIUM")
    if env:
        return env
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def chromium_args(browser: str, profile: str) -> list[str]:
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}"]


def print_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path:
    """Prints ``html`` to ``pdf``; raises ReportInputError when no Chromium is installed."""
    browser = find_chromium()
    if not browser:
        raise ReportInputError("--pdf: expected a Chromium browser (chromium, google-chrome; or set "
                               "GOVSIM_CHROMIUM), found none; install it (Debian: apt-get install chromium) "
                               "or drop --pdf")
    pdf = Path(pdf)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf.with_name(pdf.name + ".tmp.pdf")
    with tempfile.TemporaryDirectory(prefix="govsim-chromium-") as profile:
        cmd = chromium_args(browser, profile) + ["--no-pdf-header-footer", "--print-to-pdf-no-header",
                                                 f"--print-to-pdf={tmp}", Path(html).resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"{browser} could not print {html} to PDF (exit {proc.returncode}): {proc.stderr[-500:]}")
    tmp.replace(pdf)
    return pdf
