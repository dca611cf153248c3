"""Real territories and `govsim territory build`, driven as a new user would (issue 15).

The conformance test checks the reader's accept/reject decisions against the standard's own
constraints (LaMednum schema v1.0.2, vendored in data/territories/reference/), computed here
independently with Python's ``re`` on a corpus of valid and invalid rows.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOVSIM = Path(os.environ.get("GOVSIM_BIN") or Path(sys.executable).parent / "govsim")
REF = ROOT / "data" / "territories" / "reference"
SCHEMA = json.loads((REF / "mednum-lieux-mediation-numerique.schema.json").read_text(encoding="utf-8"))
TYPOLOGY = {t["value"] for t in json.loads((REF / "data-inclusion-typologies-structures-v0.json").read_text(encoding="utf-8"))}
FIELDS = [f["name"] for f in SCHEMA["fields"]]

COMMUNES = (
    "code_insee,name,population,lat,lon,epci_siren,epci_name,density\n"
    "41018,Blois,45871,47.58,1.30,200030658,Agglopolys,2\n"
    "41269,Vendôme,15548,47.80,1.06,200072072,Territoires Vendômois,3\n"
)
HEADER = "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,typologie,date_maj,services\n"


def govsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(GOVSIM), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def row(pid: str, insee: str = "41018", lat: str = "47.59", lon: str = "1.33", typ: str = "EPN") -> str:
    return f"{pid},123456789,Lieu {pid},Blois,41000,{insee},1 rue,{lat},{lon},{typ},2023-05-01,Aide aux démarches administratives\n"


def test_real_territories_listed_and_shown():
    r = govsim("territory", "list")
    assert r.returncode == 0 and "charente" in r.stdout and "loir-et-cher" in r.stdout
    r = govsim("territory", "show", "loir-et-cher")
    assert r.returncode == 0, r.stderr
    assert "267 communes" in r.stdout and "85 kept" in r.stdout and "2020" in r.stdout
    r = govsim("territory", "show", "charente", "--json")
    j = json.loads(r.stdout)
    assert len(j["communes"]) == 362 and len(j["places"]) == 192 and len(j["rejected"]) == 2
    assert j["places_dates"] == {"min": "2020-02-01", "max": "2023-09-21", "placeholders": 1}


def test_build_from_vendored_files_matches_the_embedded_territory(tmp_path):
    out = tmp_path / "charente.json"
    d = ROOT / "data" / "territories" / "charente"
    r = govsim("territory", "build", "--communes", str(d / "communes.csv"), "--places", str(d / "places.json"),
               "--name", "charente", "--out", str(out))
    assert r.returncode == 2 and not out.exists(), "all-or-nothing: the two far places stop the build"
    assert "Bus-France-Services-en-Charente_4" in r.stderr and "field 'latitude'" in r.stderr
    r = govsim("territory", "build", "--communes", str(d / "communes.csv"), "--places", str(d / "places.json"),
               "--name", "charente", "--out", str(out), "--skip-invalid")
    assert r.returncode == 0, r.stderr
    for needle in ("362 communes", "Places: 192 kept", "by model type", "services offered", "Defaulted", "Rejected: 2 rows", "car"):
        assert needle in r.stdout, needle
    built = json.loads(out.read_text(encoding="utf-8"))
    shown = json.loads(govsim("territory", "show", "charente", "--json").stdout)
    for key in ("communes", "places", "epcis"):
        assert built[key] == shown[key]
    rejected = list(csv.DictReader((tmp_path / "charente.rejected.csv").open(encoding="utf-8")))
    assert [x["record"] for x in rejected] == [
        "mediation-numerique-france-tiers-lieux-6018f95a69086482678b4757-mediation-numerique",
        "Bus-France-Services-en-Charente_4"]
    assert all(x["file"].endswith("places.json") and int(x["line"]) > 1 and x["reason"] for x in rejected)


def test_bad_rows_as_a_new_user_meets_them(tmp_path):
    (tmp_path / "communes.csv").write_text(COMMUNES, encoding="utf-8")
    (tmp_path / "places.csv").write_text(
        HEADER + row("ok") + row("lost", insee="41999") + row("far", lat="46.30") + row("xyz", typ="XYZ"), encoding="utf-8")
    out = tmp_path / "t.json"
    r = govsim("territory", "build", "--communes", "communes.csv", "--places", "places.csv", "--out", "t.json", cwd=tmp_path)
    assert r.returncode == 2 and not out.exists() and not (tmp_path / "t.rejected.csv").exists()
    for needle in ("places.csv: line 3 (id 'lost'), field 'code_insee'", "line 4 (id 'far'), field 'latitude'",
                   "line 5 (id 'xyz'), field 'typologie'"):
        assert needle in r.stderr, r.stderr
    # A config using these files: validate reads them and fails like compare would.
    cfg = tmp_path / "exp.json"
    cfg.write_text(json.dumps({"name": "x", "territory": {"communes_csv": "communes.csv", "access_points_csv": "places.csv"},
                               "scenarios": [str(ROOT / "scenarios/governance/status-quo.json")]}), encoding="utf-8")
    r = govsim("validate", str(cfg))
    assert r.returncode == 2 and "line 3 (id 'lost')" in r.stderr, r.stdout + r.stderr
    # A malformed line (a missing field) is caught by validate too.
    (tmp_path / "places.csv").write_text(HEADER + row("ok") + "broken,123456789,Lieu\n", encoding="utf-8")
    r = govsim("validate", str(cfg))
    assert r.returncode == 2 and "places.csv: line 3: malformed line: 3 fields where the header has 12" in r.stderr, r.stderr
    # --skip-invalid keeps the valid row and writes the rejected ones next to the output.
    (tmp_path / "places.csv").write_text(HEADER + row("ok") + row("far", lat="46.30"), encoding="utf-8")
    r = govsim("territory", "build", "--communes", "communes.csv", "--places", "places.csv", "--out", "t.json",
               "--skip-invalid", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rej = list(csv.DictReader((tmp_path / "t.rejected.csv").open(encoding="utf-8")))
    assert [(x["line"], x["record"], x["field"]) for x in rej] == [("3", "far", "latitude")]
    cfg.write_text(json.dumps({"name": "x", "territory": {"file": "t.json"},
                               "scenarios": [str(ROOT / "scenarios/governance/status-quo.json")]}), encoding="utf-8")
    r = govsim("validate", str(cfg))
    assert r.returncode == 0 and "1 places" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("name,text,needle", [
    ("tabs.csv", HEADER.replace(",", "\t") + row("a").replace(",", "\t"), "wrong delimiter"),
    ("latin1.csv", None, "expected UTF-8 text"),
    ("missing.csv", "id,nom,code_insee\na,EPN,41018\n", "missing: pivot, commune, code_postal, adresse, date_maj"),
    ("dups.csv", HEADER + row("a") + row("a"), "already used on line 2"),
    ("outside.csv", HEADER + row("a", lat="1.33", lon="47.59"), "coordinates in France"),
    ("unknown.csv", HEADER + row("a", insee="41998"), "a commune of the communes file"),
    ("syntax.json", '[{"id": "a",}]', "at line 1, column 13 (/0/id): expected valid JSON"),
    # issue 29 item 23a: a number overflowing a double was an internal error (exit 1)
    ("overflow.json", '[{"id": "a", "latitude": 1e400}]', "(/0/latitude): expected a number within"),
])
def test_malformed_files_exit_2_with_a_clear_message(tmp_path, name, text, needle):
    (tmp_path / "communes.csv").write_text(COMMUNES, encoding="utf-8")
    if text is None:
        (tmp_path / name).write_bytes((HEADER + row("a").replace("Lieu", "Biblioth\xe8que")).encode("latin-1"))
    else:
        (tmp_path / name).write_text(text, encoding="utf-8")
    r = govsim("territory", "build", "--communes", "communes.csv", "--places", name, "--out", "t.json", cwd=tmp_path)
    assert r.returncode == 2 and needle in r.stderr, r.stderr
    assert not (tmp_path / "t.json").exists()


# ---- standard conformance --------------------------------------------------------------------

def conforms(values: dict[str, str]) -> bool:
    """The standard's constraints (required, pattern, type, maxLength), plus the reader's two
    documented additions: typologie codes from the national typology, and latitude/longitude
    given together."""
    for f in SCHEMA["fields"]:
        v = values.get(f["name"], "")
        c = f.get("constraints", {})
        if not v:
            if c.get("required"):
                return False
            continue
        if f.get("type") == "number":
            try:
                float(v)
            except ValueError:
                return False
        if f.get("type") == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                return False
            try:
                datetime.date.fromisoformat(v)
            except ValueError:
                return False
        if "maxLength" in c and len(v) > c["maxLength"]:
            return False
        if "pattern" in c and not re.fullmatch(c["pattern"], v):
            return False
    if values.get("typologie") and not all(x in TYPOLOGY for x in values["typologie"].split("|")):
        return False
    return bool(values.get("latitude")) == bool(values.get("longitude"))


def corpus() -> list[dict[str, str]]:
    """Variants of the standard's own example row (the schema's `example` values)."""
    base = {f["name"]: str(f["example"]) for f in SCHEMA["fields"] if "example" in f}
    base["typologie"] = "TIERS_LIEUX|ASSO"
    rows = [dict(base)]
    for f in SCHEMA["fields"]:
        name, c = f["name"], f.get("constraints", {})
        rows.append({**base, name: ""})  # absent: invalid iff required
        pattern = c.get("pattern", "")
        alts = re.findall(r"\(([^?][^)]*(?:\\\)[^)]*)*)\)\)\+\$$", pattern)
        if alts:
            values = [a.replace("\\(", "(").replace("\\)", ")") for a in alts[0].split("|")]
            rows.append({**base, name: values[-1]})
            rows.append({**base, name: "|".join(values[:2])})
            rows.append({**base, name: ";".join(values[:2])})       # wrong separator
            rows.append({**base, name: values[0].upper()})           # case matters
            rows.append({**base, name: values[0] + " (sic)"})
        elif pattern:
            rows.append({**base, name: base.get(name, "") + "X"})
            rows.append({**base, name: "0" + base.get(name, "")})
        if c.get("maxLength"):
            rows.append({**base, name: "é" * c["maxLength"]})
            rows.append({**base, name: "é" * (c["maxLength"] + 1)})
    rows += [{**base, "date_maj": d} for d in ("2024-02-29", "2023-02-29", "2024-13-01", "02/04/2024", "2024-4-2")]
    rows += [{**base, "latitude": v} for v in ("43,52609", "4.353e1", "abc")]
    rows += [{**base, "typologie": v} for v in ("EPN", "EPN|BIB|RFS", "XYZ", "EPN,BIB", "epn", "EPN|")]
    rows += [{**base, "code_insee": v} for v in ("51100", "2A004x", "20004", "5145")]
    rows += [{**base, "pivot": v} for v in ("12345678", "123456789", "12345678901234", "123456789012345", "1234 56789")]
    for i, r in enumerate(rows):
        r["id"] = r["id"] and f"row-{i}"
    return rows


def test_reader_decisions_match_the_standard(tmp_path):
    rows = corpus()
    expected = [conforms(r) for r in rows]
    assert 20 < sum(expected) < len(rows) - 20, "the corpus holds both valid and invalid rows"
    # The schema's example pairs Reims's code (51454) with coordinates in Aix-en-Provence; the
    # fixture puts commune 51454 there so that only the standard's rules decide.
    (tmp_path / "communes.csv").write_text(
        "code_insee,name,population,lat,lon,epci_siren,epci_name\n51454,Reims,180000,43.53,5.41,1,EPCI\n"
        "51100,Other,100,43.60,5.50,1,EPCI\n", encoding="utf-8")
    with (tmp_path / "places.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in FIELDS})
    res = govsim("territory", "build", "--communes", "communes.csv", "--places", "places.csv", "--out", "t.json",
                 "--skip-invalid", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    rejected_lines = {int(x["line"]) for x in csv.DictReader((tmp_path / "t.rejected.csv").open(encoding="utf-8"))}
    got = [(i + 2) not in rejected_lines for i in range(len(rows))]
    mismatches = [(i + 2, rows[i], expected[i]) for i in range(len(rows)) if got[i] != expected[i]]
    assert not mismatches, mismatches[:3]
    kept = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["places"]
    assert len(kept) == sum(expected)


def test_standard_example_imports_without_error(tmp_path):
    base = {f["name"]: str(f["example"]) for f in SCHEMA["fields"] if "example" in f}
    base["typologie"] = "TIERS_LIEUX|ASSO"
    (tmp_path / "communes.csv").write_text(
        "code_insee,name,population,lat,lon,epci_siren,epci_name\n51454,Reims,180000,43.53,5.41,1,EPCI\n", encoding="utf-8")
    (tmp_path / "places.json").write_text(json.dumps([base], ensure_ascii=False), encoding="utf-8")
    r = govsim("territory", "build", "--communes", "communes.csv", "--places", "places.json", "--out", "t.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Rejected: 0 rows" in r.stdout


def test_manifest_and_report_say_when_old_places_data_are_used(tmp_path):
    """A (tiny) compare on loir-et-cher: the manifest carries the places date range and the
    caveat, the report repeats them and draws the territory's map."""
    cfg = tmp_path / "exp.json"
    cfg.write_text(json.dumps({
        "name": "tiny-41", "territory": "loir-et-cher",
        "scenarios": [str(ROOT / "scenarios/governance/status-quo.json"),
                      str(ROOT / "scenarios/governance/single-contracting-authority.json")],
        "parameters": {"sim.population_scale": 0.01, "sim.horizon_weeks": 8},
        "experiment": {"runs": 2, "seed": 7}}), encoding="utf-8")
    r = govsim("validate", str(cfg))
    assert r.returncode == 0 and "updated 2020-06-08 to 2022-12-01" in r.stdout and "2020" in r.stdout, r.stdout + r.stderr
    out = tmp_path / "res"
    r = govsim("compare", str(cfg), "--out", str(out), "--quiet", "--threads", "2")
    assert r.returncode == 0, r.stderr
    terr = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["territory"]
    assert terr["name"] == "loir-et-cher" and terr["places_dates"] == {"min": "2020-06-08", "max": "2022-12-01"}
    assert "mostly from 2020" in terr["note"]
    assert len(terr["map"]["communes"]) == 267 and len(terr["map"]["places"]) == 85
    r = govsim("report", str(out), "-o", str(tmp_path / "report.html"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "updated 2020-06-08 to 2022-12-01" in html and "mostly from 2020" in html
    # In French (the default), the same block and caveat.
    r = govsim("report", str(out), "-o", str(tmp_path / "rapport.html"))
    assert r.returncode == 0, r.stderr
    fr = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "mis à jour du 2020-06-08 au 2022-12-01" in fr and "datent surtout de 2020" in fr
    assert 'alt="Map of Loir-et-Cher: 267 communes' in html


def test_per_commune_outputs_add_up_to_the_run(tmp_path):
    """Per-commune outputs (communes.csv, Results.communes()): one row per (scenario, commune) of
    Charente; each run's per-commune needs given up over needs closed add up to its non-recours
    rate; the CSV is the mean over replicates of the stored per-run values."""
    import numpy as np

    import govsim as gs
    cfg = tmp_path / "exp.json"
    cfg.write_text(json.dumps({
        "name": "tiny-16", "territory": "charente",
        "scenarios": [str(ROOT / "scenarios/governance/status-quo.json"),
                      str(ROOT / "scenarios/governance/regional-hubs.json")],
        "parameters": {"sim.population_scale": 0.02, "sim.horizon_weeks": 26},
        "experiment": {"runs": 3, "seed": 11}}), encoding="utf-8")
    out = tmp_path / "res"
    r = govsim("compare", str(cfg), "--out", str(out), "--quiet", "--threads", "2")
    assert r.returncode == 0, r.stderr
    with open(out / "communes.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * 362
    assert {x["scenario"] for x in rows} == {"status-quo", "regional-hubs"}
    angouleme = next(x for x in rows if x["code"] == "16015" and x["scenario"] == "status-quo")
    assert angouleme["name"] == "Angoulême" and angouleme["density"] == "periurban" and angouleme["replicates"] == "3"
    res = gs.open_results(out)
    df = res.communes()
    assert len(df) == len(rows) and list(df.columns) == list(rows[0].keys())
    runs = res.runs()
    fields = ["adults", "needs_closed", "needs_abandoned", "needs_mediated", "coverage_30min"]
    for name in res.scenarios:
        v = res.commune_values(name)  # replicates x communes x fields
        assert v.shape == (3, 362, 5)
        nr = runs[runs.scenario == name].non_recours_rate.to_numpy()
        assert np.allclose(v[:, :, 2].sum(axis=1) / v[:, :, 1].sum(axis=1), nr, rtol=1e-9)
        mine = df[df.scenario == name]
        assert np.allclose(mine[fields].to_numpy(dtype=float), v.mean(axis=0), rtol=1e-12)
        csv_vals = np.array([[float(x[f]) for f in fields] for x in rows if x["scenario"] == name])
        assert np.allclose(csv_vals, v.mean(axis=0), rtol=1e-12)
        pooled = v[:, :, 2].sum(axis=0) / v[:, :, 1].sum(axis=0)
        assert np.allclose(mine.non_recours_rate.to_numpy(dtype=float), pooled, rtol=1e-12, equal_nan=True)
        # Coverage by mode lies between the car-less and the all-car extremes: a share in [0, 1].
        assert ((v[:, :, 4] >= 0) & (v[:, :, 4] <= 1)).all()
    # Adults: every commune's agents / scale, about the territory's 287,711 adults.
    assert abs(df[df.scenario == "status-quo"].adults.sum() - 287711) < 0.01 * 287711

    # The report's outcome map (issue 15): present for this real territory, coloured with the
    # run's per-commune values: non-recours under the baseline and its change under the scenario.
    from govsim.reporting import charts
    from govsim.reporting.load import load
    html_path = tmp_path / "report.html"
    r = govsim("report", str(out), "-o", str(html_path), "--map-scenario", "regional-hubs", "--lang", "en")
    assert r.returncode == 0, r.stderr
    html = html_path.read_text(encoding="utf-8")
    assert 'alt="Map of Charente: 362 communes coloured by non-recours under Status quo: isolated EPNs, many funders and by its change' in html
    chart = charts.outcome_map(load(out), "regional-hubs")
    v = chart.values.set_index("code")
    by = {(x["scenario"], x["code"]): x["non_recours_rate"] for x in rows}
    for code in v.index:
        b, s2 = by[("status-quo", code)], by[("regional-hubs", code)]
        if b == "" or s2 == "":
            assert np.isnan(v.loc[code, "change_pt"])
            continue
        assert v.loc[code, "baseline_non_recours_pct"] == pytest.approx(100 * float(b), rel=1e-12)
        assert v.loc[code, "change_pt"] == pytest.approx(100 * (float(s2) - float(b)), rel=1e-9, abs=1e-12)
    assert np.isfinite(v["change_pt"]).sum() > 300
    r = govsim("report", str(out), "-o", str(html_path), "--map-scenario", "nope")
    assert r.returncode == 2 and "--map-scenario: no scenario 'nope'" in r.stderr
