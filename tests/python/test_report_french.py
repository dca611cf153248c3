"""The French report as its reader gets it (issue 29, "re-read end to end"): descriptions of the
scenarios and of the experiment in French, mechanisms, density classes, parameter values and
traceability fields in words, French spacing, each run named once in the tables, no chart text
in English or longer than a chart can hold, and figures that fit an A4 page; in Chromium, the
PDF's pages, their text and a screenshot of every section (docs/report.md, "French review")."""

from __future__ import annotations

import base64
import html as html_lib
import os
import re
import shutil
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import govsim
from govsim.reporting import charts, formats, i18n, sentences
from govsim.reporting.load import load

from conftest import ROOT

GOV = ROOT / "scenarios" / "governance"
ARTIFACTS = ROOT / "tests" / "artifacts"


def _visible(doc: str) -> str:
    doc = re.sub(r'src="data:image/png;base64,[^"]*"', 'src=""', doc)
    doc = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", doc, flags=re.S)
    return html_lib.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", doc)))


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    """A small comparison shaped like the demo: a real territory (maps, EPCIs, travel times), equal
    budget (runs as configured) and a scenario also run on its own territory; its French report and
    the text of every chart drawn for it."""
    config = {"name": "french-review", "territory": "charente",
              "titles": {"fr": "Relecture en français", "en": "French review"},
              "description": "Three seed scenarios on Charente.",
              "description_fr": "Trois scénarios de la consultation sur la Charente.",
              "scenarios": [str(GOV / f"{s}.json") for s in ("status-quo", "single-contracting-authority",
                                                              "city-master-plan")],
              "baseline": "status-quo",
              "territory_comparisons": [{"territory": "city", "scenarios": [str(GOV / "city-master-plan.json")]}],
              "experiment": {"runs": 2, "seed": 29, "budget": "equal_to_baseline"},
              "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 104}}
    out = tmp_path_factory.mktemp("french")
    res = govsim.compare(config, out=out / "results", progress=False)
    texts: list[str] = []
    real = charts._to_chart

    def capture(fig, alt):
        texts.extend(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text())
        return real(fig, alt)

    charts._to_chart = capture
    try:
        fr = govsim.reporting.write_report(res.path, out / "fr.html", lang="fr")
    finally:
        charts._to_chart = real
    return {"dir": res.path, "fr_path": fr, "fr": fr.read_text(encoding="utf-8"), "chart_texts": texts}


def test_descriptions_follow_the_language(french):
    tf = _visible(french["fr"])
    # Scenario descriptions (description_fr of the scenario files) and the experiment's.
    assert "Référence (implicite dans la consultation)" in tf
    assert "Baseline (implicit in the consultation)" not in tf and "Contribution 2: needs" not in tf
    assert "Trois scénarios de la consultation sur la Charente." in tf
    # The status quo's seed line, French like every other seed quotation.
    assert "(implicit) isolated EPNs" not in tf
    # In English, the English ones.
    data = load(french["dir"])
    with i18n.use("en"):
        assert data.description("status-quo").startswith("Baseline (implicit in the consultation)")
        assert sentences.experiment_description(data.config) == "Three seed scenarios on Charente."


def test_descriptions_by_language_are_read_and_checked(french, tmp_path):
    info = load(french["dir"]).scenario_info["status-quo"]
    assert info["descriptions"]["fr"].startswith("Référence (implicite")
    assert info["description"].startswith("Baseline (implicit")
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "descriptions": {"french": "y"}, "description_en": 3}', encoding="utf-8")
    exe = os.environ.get("GOVSIM_BIN") or str(Path(sys.executable).parent / "govsim")
    if not Path(exe).is_file():
        pytest.skip("govsim executable not found (set GOVSIM_BIN or run `make build`)")
    p = subprocess.run([exe, "validate", str(bad)], capture_output=True, text=True)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "/descriptions/french" in p.stderr and "/description_en" in p.stderr, p.stderr


def test_mechanisms_categories_values_and_fields_in_words(french):
    doc, tf = french["fr"], _visible(french["fr"])
    tags = re.findall(r'<span class="tag">([^<]*)</span>', doc)
    assert "haut débit" in tags and "mutualisation" in tags, tags
    assert not {"broadband", "pooling", "stations", "master_plan", "socio_mediation"} & set(tags), tags
    assert "Densité\u202f: périurbaine" in tf and "Densité\u202f: rurale" in tf
    assert not re.search(r"Densité\u202f: (urban|periurban|rural)\b", tf)
    # Charente has no urban commune: no column of n/a for it.
    assert "Densité\u202f: urbaine" not in tf
    # Parameter values: oui/non and a decimal comma, not true/false and a point.
    params = doc[doc.index('id="assumptions"'):doc.index('id="manifest"')]
    cells = re.findall(r"<td>([^<]*)</td>", params)
    assert "oui" in cells and "non" in cells and not {"true", "false"} & set(cells)
    assert not any(re.fullmatch(r"-?\d+\.\d+", c) for c in cells), [c for c in cells if "." in c][:5]
    # Sources citing the consultation, translated: "contribution 2 (instabilité des EPCI)", no "seed:".
    assert "contribution 2 (instabilité des EPCI)" in params and "seed:" not in params
    # The traceability table names every field and gives no raw JSON or identifier of a mode.
    manifest = doc[doc.index('id="manifest"'):]
    rows = dict(re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", manifest))
    assert not {"budget", "distribution", "ranks"} & set(rows), sorted(rows)
    assert rows["Budget"] == "égal à celui de la référence" and rows["Terminée"] == "oui"
    assert not [v for v in rows.values() if v.startswith("{")], rows
    # The territory by its name, not its identifier.
    assert "Territoire\u202f: charente" not in tf and "Territoire\u202f: Charente (16)" in tf


def test_french_spacing_everywhere_in_the_text():
    assert formats.french_spacing("<p>a : b ; «c» <code>x : y</code></p>") == \
        "<p>a\u202f: b\u202f; «\u202fc\u202f» <code>x : y</code></p>"


def test_the_french_page_has_no_breakable_space_around_its_marks(french):
    doc = re.sub(r"<(style|script|code|pre)\b[^>]*>.*?</\1>", " ", french["fr"], flags=re.S)
    text = html_lib.unescape("".join(p for p in re.split(r"(<[^>]*>)", doc) if not p.startswith("<")))
    bad = re.findall(r".{0,25}(?: [;:!?»]|« ).{0,10}", text)
    assert not bad, bad[:5]
    # Typographic apostrophes in the catalogue's words (quotations are shown as written).
    assert "géographie d'accès" not in text and "géographie d’accès" in text


def test_each_run_is_named_once_in_the_parameter_and_cost_tables(french):
    doc = french["fr"]
    params = doc[doc.index("Paramètres fixés par chaque scénario"):doc.index('id="manifest"')]
    params = params[:params.index("</table>")]
    first_cells = re.findall(r"<tr><td>([^<]*)</td><td><(?:code|i)>([^<]*)<", params)
    assert len(first_cells) == len(set(first_cells)), "a parameter row is repeated"
    titles = {t for t, _p in first_cells}
    assert "Statu quo : EPN isolés, financeurs multiples".replace(" :", "\u202f:") in titles
    ce = doc[doc.index('id="cost-effectiveness-table"'):]
    ce = ce[:ce.index("</table>")]
    rows = re.findall(r"<tr><td>([^<]*)</td>", ce)
    assert len(rows) == len(set(rows)) == 3, rows  # two main scenarios and the one on its own territory
    assert any("sur son propre territoire (Ville)" in r for r in rows), rows


ENGLISH_CHART_WORDS = ["week", "Non-recours by commune", "Change in non-recours", "car minutes", "Spending",
                       "spending", "Cost per", "urban", "periurban", "Home internet", "Sessions per", " rate",
                       "mediation places", "Autonomy", "Density", "Age band"]


def test_chart_texts_are_french_and_fit_the_chart(french):
    texts = french["chart_texts"]
    assert any("semaine" in t for t in texts) and any("Carte" in t or "communes" in t for t in texts)
    english = [t for t in texts if any(w in t for w in ENGLISH_CHART_WORDS)]
    assert not english, english[:5]
    long_lines = [ln for t in texts for ln in t.splitlines() if len(ln) > 70]
    assert not long_lines, long_lines[:5]


def test_figures_fit_an_a4_page(french):
    """No figure is taller than an A4 page's text block (186 x 269 mm) at the column's width:
    the time series come as several figures, each with its legend."""
    section = french["fr"][french["fr"].index('id="timeseries"'):french["fr"].index('id="equity"')]
    assert section.count('<img class="chart"') >= 2
    for src in re.findall(r'<img class="chart" [^>]*src="data:image/png;base64,([^"]*)"', french["fr"]):
        w, h = struct.unpack(">II", base64.b64decode(src[:64])[16:24])
        assert h / w < 269 / 186, (w, h)


chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(chromium is None, reason="no Chromium (apt-get install chromium)")


@pytest.mark.slow  # Chromium/PDF
@needs_chromium
def test_french_pdf_pages_and_words(french, tmp_path):
    """The PDF a rapporteur prints: A4 pages, every section's heading, no English from the scenario
    and experiment files or the tables, no raw identifier of a value."""
    pypdf = pytest.importorskip("pypdf")
    from govsim.reporting.pdf import print_pdf

    pdf = print_pdf(french["fr_path"], tmp_path / "fr.pdf")
    reader = pypdf.PdfReader(str(pdf))
    assert 6 <= len(reader.pages) <= 40, len(reader.pages)
    for pg in reader.pages:
        assert abs(float(pg.mediabox.width) - 595.3) < 2 and abs(float(pg.mediabox.height) - 841.9) < 2
    # NFKC: the PDF's ligatures ("ﬁ", "ﬃ") as letters, its no-break spaces as spaces.
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages)))
    for heading in ["Synthèse", "Principaux constats", "Les scénarios et les contributions", "Trajectoires",
                    "Équité", "Coût et efficience", "Principales hypothèses", "Traçabilité"]:
        assert heading in text, heading
    for english in ["Baseline (implicit", "Contribution 2: needs", "The eight", "Three seed", "equal_to_baseline",
                    " true ", " false ", "periurban", "runs_per_rank", "(implicit)", "seed:"]:
        assert english not in text, english


@pytest.mark.slow  # Chromium
@needs_chromium
def test_every_section_in_chromium(french, tmp_path):
    """Laid out at a laptop's width, every section of the French report is on the page, nothing in it
    is wider than the column; a screenshot of the whole page is cut into one image per section in
    tests/artifacts/report-fr-sections/ (gitignored) for a reader to look at."""
    probe = ('<script>window.addEventListener("load",function(){var m=document.querySelector("main")'
             '.getBoundingClientRect().right,out=[];document.querySelectorAll("section").forEach(function(s){'
             'var r=s.getBoundingClientRect(),w=0;s.querySelectorAll("img,table,pre").forEach(function(e){'
             'w=Math.max(w,e.getBoundingClientRect().right-m)});out.push(s.id+":"+Math.round(r.top+scrollY)+":"'
             '+Math.round(r.height)+":"+Math.round(w))});document.title="SECTIONS "+out.join(" ")+" H "'
             '+document.documentElement.scrollHeight;});</script>')
    probed = tmp_path / "probe.html"
    probed.write_text(french["fr"].replace("</body>", probe + "</body>"), encoding="utf-8")

    def run(*args: str, size: tuple[int, int] = (1280, 900)) -> subprocess.CompletedProcess:
        return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                               f"--window-size={size[0]},{size[1]}", f"--user-data-dir={tmp_path / 'p'}", *args],
                              capture_output=True, text=True, timeout=180)

    p = run("--virtual-time-budget=5000", "--dump-dom", probed.as_uri())
    m = re.search(r"<title>SECTIONS (.*) H (\d+)</title>", p.stdout)
    assert m, p.stderr[-500:]
    sections = [s.split(":") for s in m.group(1).split()]
    ids = [s[0] for s in sections]
    for sid in ["summary", "question", "findings", "scenarios", "ranking", "timeseries", "equity", "costs",
                "assumptions", "manifest"]:
        assert sid in ids, ids
    for sid, _top, height, overflow in sections:
        assert int(height) > 50, sid
        assert int(overflow) <= 0, f"{sid}: something is {overflow} px wider than the column"
    height = int(m.group(2))
    shot = tmp_path / "page.png"
    run(f"--screenshot={shot}", french["fr_path"].as_uri(), size=(1280, height))
    assert shot.is_file()
    from PIL import Image

    img = Image.open(shot)
    assert img.size == (1280, height)
    out = ARTIFACTS / "report-fr-sections"
    out.mkdir(parents=True, exist_ok=True)
    for sid, top, h, _w in sections:
        img.crop((0, int(top), 1280, min(height, int(top) + int(h)))).save(out / f"{sid}.png")
    assert len(list(out.glob("*.png"))) >= 10


def test_every_shipped_scenario_and_experiment_speaks_french():
    """The files the report reads its words from: every shipped scenario and experiment has a French
    title and a French description (a French reader got English ones before)."""
    import json

    files = sorted((ROOT / "scenarios" / "governance").glob("*.json")) + \
        sorted((ROOT / "scenarios" / "experiments").glob("*.json"))
    assert len(files) >= 15
    for f in files:
        d = json.loads(f.read_text(encoding="utf-8"))
        assert d.get("title_fr") or (d.get("titles") or {}).get("fr"), f.name
        assert d.get("description_fr") or (d.get("descriptions") or {}).get("fr"), f.name
