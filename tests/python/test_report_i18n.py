"""The report in French and English: gettext catalogue complete, every fixed word and number
format in the chosen language, scenario titles from the scenario files, the one-table summary
first; a printable PDF (headless Chromium) and the French report's first screen in Chromium."""

from __future__ import annotations

import html as html_lib
import importlib.util
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import govsim
from govsim.reporting import cli, i18n, page
from govsim.reporting.load import load

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "tests" / "screenshots" / "report-fr-first-screen.png"
WINDOW = (1280, 900)


def visible_text(doc: str) -> str:
    doc = re.sub(r'src="data:image/png;base64,[^"]*"', 'src=""', doc)
    doc = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", doc, flags=re.S)
    return html_lib.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", doc)))


@pytest.fixture(scope="module")
def reports(small_compare, tmp_path_factory):
    out = tmp_path_factory.mktemp("i18n")
    res = small_compare[0]
    fr = govsim.reporting.write_report(res.path, out / "fr.html", lang="fr")
    en = govsim.reporting.write_report(res.path, out / "en.html", lang="en")
    default = govsim.reporting.write_report(res.path, out / "default.html")
    return {"fr": fr.read_text(encoding="utf-8"), "en": en.read_text(encoding="utf-8"),
            "default": default.read_text(encoding="utf-8"), "fr_path": fr, "dir": res.path}


def test_catalogue_has_a_translation_for_every_message():
    spec = importlib.util.spec_from_file_location("cat", ROOT / "scripts" / "update_report_catalog.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from babel.messages.pofile import read_po

    with i18n.po_path("fr").open("rb") as f:
        fr = read_po(f, locale="fr_FR")
    messages = [m for m in mod.template_catalog() if m.id]
    assert len(messages) > 150
    missing = [m.id for m in messages if not (fr.get(m.id) and fr.get(m.id).string and not fr.get(m.id).fuzzy)]
    assert not missing, f"untranslated (run scripts/update_report_catalog.py and translate): {missing[:5]}"


def test_french_is_the_default_and_every_fixed_word_is_french(reports):
    fr, en = reports["fr"], reports["en"]
    stamp = re.compile(r"\d{4}-\d\d-\d\dT[\d:]+Z")
    assert stamp.sub("", reports["default"]) == stamp.sub("", fr)  # French by default (no "language" in the config)
    assert '<html lang="fr">' in fr and '<html lang="en">' in en
    tf, te = visible_text(fr), visible_text(en)
    for word in ["Synthèse", "Principaux constats, en clair", "Comparaison classée des indicateurs principaux",
                 "Trajectoires dans le temps", "Équité\u202f: qui reste de côté", "Principales hypothèses et paramètres",
                 "Commande pour reproduire", "Scénario"]:
        assert word in tf, word
    for english in ["Key findings", "Ranked comparison", "Trajectories over time", "Who is left behind",
                    "Command to reproduce", "Paired differences", "better in", " runs each", "Summary"]:
        assert english not in tf, english
    for word in ["Summary", "Key findings in plain words", "Ranked comparison of headline metrics"]:
        assert word in te, word


def test_numbers_follow_the_language(reports):
    # The report's own numbers (the assumptions section quotes the registry's sources as written).
    cut = 'id="assumptions"'
    tf = visible_text(reports["fr"][:reports["fr"].index(cut)])
    te = visible_text(reports["en"][:reports["en"].index(cut)])
    # Decimal comma, narrow no-break space before % and M€/k€ in French; point and €…M in English.
    assert re.search(r"\d,\d\u202f%", tf) and not re.search(r"\d\.\d%", tf)
    assert re.search(r"\d\u202f(M|k)?€", tf)
    assert re.search(r"\d\.\d%", te) and re.search(r"€\d", te) and "\u202f%" not in te
    # Thousands: "1 234" (narrow no-break space) in French, "1,234" in English, e.g. the territory.
    assert "328\u202f504" in tf or "328 504" in tf
    assert "328,504" in te


def test_titles_come_from_the_scenario_files(reports):
    tf, te = visible_text(reports["fr"]), visible_text(reports["en"])
    assert "Statu quo\u202f: EPN isolés, financeurs multiples" in tf  # French spacing before ":"
    assert "Status quo: isolated EPNs, many funders" in te
    assert "Statu quo : EPN isolés" not in te


def test_summary_table_comes_first(reports):
    for lang in ("fr", "en"):
        doc = reports[lang]
        first = doc.index('id="summary"')
        assert first < doc.index('id="question"') < doc.index('id="findings"'), lang
        table = doc[doc.index('id="summary-table"'):]
        table = table[:table.index("</table>")]
        rows = table.count("<tr")
        assert rows == 1 + 8, f"{lang}: {rows} rows"  # header + the eight seed scenarios
        assert table.count('class="ci"') >= 8 * 3


def test_bad_language_is_refused(reports, tmp_path):
    from govsim.reporting import ReportInputError

    with pytest.raises(ReportInputError, match="--lang"):
        govsim.reporting.write_report(reports["dir"], tmp_path / "x.html", lang="de")
    assert cli.main([str(reports["dir"]), "-o", str(tmp_path / "y.html"), "--lang", "en"]) == 0


chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(chromium is None, reason="no Chromium (apt-get install chromium)")


@pytest.mark.slow  # Chromium/PDF
@needs_chromium
def test_pdf_has_the_pages_and_the_text(reports, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    out = govsim.reporting.write_report(reports["dir"], tmp_path / "r.html", lang="fr", pdf=True)
    pdf = out.with_suffix(".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) >= 5  # summary, findings, scenarios, charts, assumptions, manifest
    for pg in reader.pages:  # A4 (595 x 842 pt), as docs/report.md says, not US Letter (612 x 792)
        w, h = float(pg.mediabox.width), float(pg.mediabox.height)
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, (w, h)
    first = reader.pages[0].extract_text()
    assert "Synthèse" in first and "Scénario" in first, first[:300]
    everything = " ".join(p.extract_text() for p in reader.pages)
    for word in ["Principaux constats", "Traçabilité et reproduction", "Statu quo"]:
        assert word in everything, word


def _chromium(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--window-size={WINDOW[0]},{WINDOW[1]}", *args],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow  # Chromium/PDF
@needs_chromium
def test_french_report_in_chromium_first_screen(reports, tmp_path):
    """No console errors; the summary table starts on the first screen; the screenshot of that
    screen is the committed artifact's size (tests/screenshots/report-fr-first-screen.png)."""
    doc = reports["fr"]
    probe = ('<script>window.addEventListener("load",function(){var t=document.getElementById("summary-table")'
             '.getBoundingClientRect();document.title="LAYOUT "+Math.round(t.top)+" "+Math.round(t.bottom)+" "'
             '+window.innerHeight;});</script>')
    probed = tmp_path / "probe.html"
    probed.write_text(doc.replace("</body>", probe + "</body>"), encoding="utf-8")
    p = _chromium(f"--user-data-dir={tmp_path / 'profile1'}", "--virtual-time-budget=5000", "--dump-dom",
                  probed.as_uri())
    m = re.search(r"<title>LAYOUT (-?\d+) (-?\d+) (\d+)</title>", p.stdout)
    assert m, p.stderr[-500:]
    top, bottom, height = map(int, m.groups())
    assert 0 < top < height - 200, (top, height)  # the table's header and first rows are on screen
    shot = tmp_path / "shot.png"
    p = _chromium(f"--user-data-dir={tmp_path / 'profile2'}", "--enable-logging=stderr", "--v=0",
                  f"--screenshot={shot}", reports["fr_path"].as_uri())
    console = [ln for ln in p.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
    assert shot.is_file()
    w, h = struct.unpack(">II", shot.read_bytes()[16:24])
    assert (w, h) == WINDOW
    assert SCREENSHOT.is_file(), f"commit the screenshot: cp {shot} {SCREENSHOT}"
    cw, ch = struct.unpack(">II", SCREENSHOT.read_bytes()[16:24])
    assert (cw, ch) == WINDOW


def test_every_image_fits_the_column(reports):
    """Every picture of the report (charts and maps) is drawn with the chart style, so none is wider
    than the page's column (a map at 1,500 px used to overflow it and lose its colour bar in print)."""
    for doc in (reports["fr"], reports["en"]):
        imgs = re.findall(r"<img[^>]*>", doc)
        assert imgs
        for tag in imgs:
            assert 'class="chart"' in tag, tag[:120]


@needs_chromium
def test_no_picture_overflows_in_chromium(reports, tmp_path):
    """Laid out by Chromium at a laptop's width, no image extends past the main column."""
    probe = ('<script>window.addEventListener("load",function(){var m=document.querySelector("main")'
             '.getBoundingClientRect().right,w=0;document.querySelectorAll("img").forEach(function(i){'
             'w=Math.max(w,i.getBoundingClientRect().right-m)});document.title="OVERFLOW "+Math.round(w);});'
             '</script>')
    probed = tmp_path / "probe.html"
    probed.write_text(reports["fr"].replace("</body>", probe + "</body>"), encoding="utf-8")
    p = _chromium(f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
                  probed.as_uri())
    m = re.search(r"<title>OVERFLOW (-?\d+)</title>", p.stdout)
    assert m, p.stderr[-500:]
    assert int(m.group(1)) <= 0, f"an image overflows the column by {m.group(1)} px"
