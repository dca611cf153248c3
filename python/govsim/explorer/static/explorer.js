// The explorer's page script (govsim explore): reads the levers, asks the server to evaluate them
// after each change (the newest request wins: an answer to an older one is never shown), draws
// the outcomes table and the commune map (inline SVG), and saves the levers as a scenario file.
"use strict";

const S = JSON.parse(document.getElementById("strings").textContent);
const LANG = document.documentElement.lang || "fr";
const $ = (id) => document.getElementById(id);
let latest = 0; // id of the newest evaluation asked for
let timer = null;

function leverValues() {
  const out = {};
  for (const div of document.querySelectorAll(".lever")) {
    const el = div.querySelector("input, select");
    const type = div.dataset.type;
    if (type === "choice") out[div.dataset.name] = el.value;
    else if (type === "boolean") out[div.dataset.name] = el.value === "true";
    else out[div.dataset.name] = el.value === "" ? null : Number(el.value);
  }
  return out;
}

function showOutput(el) {
  const o = el.parentElement.querySelector("output");
  if (o) o.textContent = el.value;
}

async function loadLevers() {
  const r = await fetch(`api/levers?seed=${encodeURIComponent($("seed").value)}`);
  const doc = await r.json();
  if (!r.ok) return showError(doc.error);
  for (const lv of doc.levers) {
    const el = document.getElementById(`lever-${lv.name}`);
    if (!el) continue;
    if (lv.step !== null && el.type !== "select-one") el.step = String(lv.step);
    el.value = typeof lv.value === "boolean" ? String(lv.value) : lv.value;
    showOutput(el);
  }
  evaluate();
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("status").textContent = S.error;
  document.body.dataset.state = "error";
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(evaluate, 250);
}

async function evaluate() {
  const id = ++latest;
  document.body.dataset.state = "computing";
  $("status").textContent = S.computing;
  const body = JSON.stringify({seed: $("seed").value, levers: leverValues(), request: id});
  let r, doc;
  try {
    r = await fetch(`api/evaluate?lang=${LANG}`, {method: "POST", headers: {"Content-Type": "application/json"}, body});
    doc = await r.json();
  } catch (e) {
    if (id === latest) showError(String(e));
    return;
  }
  if (id !== latest) return; // stale: a newer request was made
  if (r.status === 409 && doc.superseded) return;
  if (!r.ok) return showError(doc.error);
  $("error").hidden = true;
  render(doc);
  $("status").textContent = S.ready;
  document.body.dataset.request = String(id);
  document.body.dataset.state = "ready";
}

function cell(tag, text, cls) {
  const c = document.createElement(tag);
  c.textContent = text;
  if (cls) c.className = cls;
  return c;
}

const PUNCT_SPACE = LANG === "fr" ? "\u202f" : ""; // French: a narrow no-break space before :

function interval(x) { // as the report: "value [low, high]"
  return x ? `${x.value} [${x.low}, ${x.high}]` : "";
}

function render(doc) {
  $("setup").textContent = doc.setup;
  const head = $("outcomes").tHead;
  head.replaceChildren();
  const hr = head.insertRow();
  for (const h of [S.outcome, S.baseline, S.explored, S.difference, S.verdict]) hr.appendChild(cell("th", h));
  const body = $("outcomes").tBodies[0];
  body.replaceChildren();
  for (const row of doc.rows) {
    const tr = body.insertRow();
    tr.dataset.metric = row.metric;
    tr.appendChild(cell("th", row.label));
    tr.appendChild(cell("td", row.baseline.value, "baseline"));
    tr.appendChild(cell("td", row.explored.value, "explored"));
    const p = row.paired;
    tr.appendChild(cell("td", p ? interval({value: p.diff, low: p.low, high: p.high}) : "", "diff " + (p ? p.cls : "")));
    tr.appendChild(cell("td", p ? p.verdict : "", "verdict " + (p ? p.cls : "")));
  }
  const ce = doc.cost_effectiveness;
  $("people").textContent = ce ? `${S.people}${PUNCT_SPACE}: ${ce.shown.note || interval(ce.shown.cells[1])}` : "";
  const ch = Object.entries(doc.changes).map(([k, v]) => `${k} = ${v}`).join(", ");
  $("changes").textContent = ch ? `${S.changes} ${ch}` : S.changes_none;
  drawMap(doc.communes);
}

function colour(v, lim) {
  // diverging blue (lower non-recours) - white - red (higher), as the report's map (RdBu_r)
  const t = Math.max(-1, Math.min(1, v / lim));
  const a = Math.abs(t);
  const [r, g, b] = t < 0 ? [255 - 222 * a, 255 - 153 * a, 255 - 83 * a] : [255 - 77 * a, 255 - 231 * a, 255 - 212 * a];
  return `rgb(${r | 0},${g | 0},${b | 0})`;
}

function drawMap(communes) {
  const box = $("map");
  box.replaceChildren();
  $("map-title").textContent = communes ? S.map_title : "";
  if (!communes) return;
  const rows = communes.rows.filter((r) => r[2] !== null && r[3] !== null);
  const ys = rows.map((r) => r[3]);
  const k = communes.geo ? Math.cos((ys.reduce((a, b) => a + b, 0) / ys.length) * Math.PI / 180) : 1;
  const xs = rows.map((r) => r[2] * k);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const W = 520, pad = 12, scale = (W - 2 * pad) / Math.max(x1 - x0, y1 - y0, 1e-9);
  const H = (y1 - y0) * scale + 2 * pad;
  const amax = Math.max(...rows.map((r) => r[4] || 0), 1);
  const changes = rows.map((r) => r[6]).filter((v) => v !== null).map(Math.abs).sort((a, b) => a - b);
  const lim = Math.max(changes.length ? changes[Math.floor(0.98 * (changes.length - 1))] : 0, 1e-6);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", S.map_title);
  for (const r of rows) {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", (pad + (r[2] * k - x0) * scale).toFixed(1));
    c.setAttribute("cy", (pad + (y1 - r[3]) * scale).toFixed(1));
    c.setAttribute("r", (1.5 + 9 * Math.sqrt((r[4] || 0) / amax)).toFixed(1));
    c.setAttribute("fill", r[6] === null ? "#ddd" : colour(r[6], lim));
    c.setAttribute("stroke", "#888");
    c.setAttribute("stroke-width", "0.4");
    c.dataset.code = r[0];
    c.dataset.change = r[6] === null ? "" : String(r[6]);
    const t = document.createElementNS(ns, "title");
    t.textContent = `${r[1]}: ${r[6] === null ? S.no_closed_need : (r[6] > 0 ? "+" : "") + r[6].toFixed(2)} pt`;
    c.appendChild(t);
    svg.appendChild(c);
  }
  box.appendChild(svg);
  const legend = document.createElement("p");
  legend.className = "legend";
  for (const v of [-lim, -lim / 2, 0, lim / 2, lim]) {
    const sw = cell("span", `${v > 0 ? "+" : ""}${v.toFixed(2)} pt`, "swatch");
    sw.style.background = colour(v, lim);
    legend.appendChild(sw);
  }
  box.appendChild(legend);
}

async function save(event) {
  event.preventDefault();
  const body = JSON.stringify({seed: $("seed").value, levers: leverValues(), name: $("save-name").value,
                               title: $("save-title").value, overwrite: $("save-overwrite").checked});
  const r = await fetch("api/save", {method: "POST", headers: {"Content-Type": "application/json"}, body});
  const doc = await r.json();
  if (!r.ok) return showError(doc.error);
  $("error").hidden = true;
  $("saved-label").textContent = S.saved;
  $("saved-path").textContent = doc.path;
  $("same-label").textContent = S.same_as_page;
  $("same-command").textContent = doc.commands.same_as_page;
  $("full-label").textContent = S.full;
  $("full-command").textContent = doc.commands.full;
  $("saved").hidden = false;
}

for (const el of document.querySelectorAll(".lever input, .lever select")) {
  el.addEventListener("input", () => { showOutput(el); schedule(); });
}
$("seed").addEventListener("change", loadLevers);
$("reset").addEventListener("click", loadLevers);
$("save").addEventListener("submit", save);
loadLevers();
