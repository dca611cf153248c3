"""The explorer's page in headless Chromium (Debian's chromium and chromium-driver, Selenium):
it loads, a lever moved with the keyboard is evaluated and the numbers shown equal the API's
for the same levers, the map has a circle per commune coloured by the API's change, a value out
of range is a clear message on the page, the English page is English; a screenshot is saved to
tests/artifacts/explorer-fr.png and checked not blank."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer_server import started

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM, DRIVER = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).is_file() and DRIVER):
        pytest.skip("chromium and chromium-driver are needed (scripts/debian-packages.txt)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", "--lang=fr-FR"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = started(tmp_path_factory.mktemp("explore-browser"))
    yield s
    s.stop()


def _ready_after(driver, request: int, timeout: float = 60) -> int:
    """Waits until the page shows the answer to a request newer than ``request``; returns its id."""
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d):
        body = d.find_element("tag name", "body")
        rid = body.get_attribute("data-request")
        return body.get_attribute("data-state") == "ready" and rid and int(rid) > request and int(rid)

    return WebDriverWait(driver, timeout).until(done)


def _shown(driver) -> dict[str, list[str]]:
    rows = driver.find_elements("css selector", "#outcomes tbody tr")
    return {r.get_attribute("data-metric"): [c.text for c in r.find_elements("css selector", "td")] for r in rows}


def test_move_a_lever_and_the_page_shows_the_api_numbers(browser, server):
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url)
    first = _ready_after(browser, 0)
    slider = browser.find_element("id", "lever-network.france_services.fte")
    before = float(slider.get_attribute("value"))
    for _ in range(5):
        slider.send_keys(Keys.ARROW_RIGHT)  # 5 steps of 0.1 FTE, evaluated once typing settles
    _ready_after(browser, first)
    levers = browser.execute_script("return leverValues();")
    assert levers["network.france_services.fte"] == pytest.approx(before + 0.5)
    status, api = server.request("api/evaluate?lang=fr", {"seed": "status-quo", "levers": levers})
    assert status == 200, api
    shown = _shown(browser)
    assert list(shown) == [r["metric"] for r in api["rows"]]
    for r in api["rows"]:
        p = r["paired"]
        assert shown[r["metric"]] == [r["baseline"]["value"], r["explored"]["value"],
                                      f"{p['diff']} [{p['low']}, {p['high']}]", p["verdict"]], r["metric"]
    assert "network.france_services.fte = " in browser.find_element("id", "changes").text
    circles = browser.find_elements("css selector", "#map svg circle")
    rows = [r for r in api["communes"]["rows"] if r[2] is not None and r[3] is not None]
    assert len(circles) == len(rows) > 300  # Charente's communes
    by_code = {r[0]: r[6] for r in rows}
    for c in circles[:40]:
        want = by_code[c.get_attribute("data-code")]
        got = c.get_attribute("data-change")
        assert (want is None and got == "") or float(got) == pytest.approx(want, rel=1e-12, abs=1e-12)
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "explorer-fr.png"
    browser.save_screenshot(str(shot))
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20) or []
    assert img.size[0] >= 1200 and len(colours) > 200  # text, table, map: not a blank page
    assert max(n for n, _ in colours) < 0.9 * img.size[0] * img.size[1]


def test_a_value_out_of_range_is_a_message_on_the_page(browser, server):
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url)
    _ready_after(browser, 0)
    box = browser.find_element("id", "lever-network.epn.sites")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("200000")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda d: d.find_element("tag name", "body").get_attribute("data-state") == "error")
    msg = browser.find_element("id", "error").text
    assert msg.startswith("/levers/network.epn.sites:") and "from -1 to 100000" in msg
    assert server.proc.poll() is None


def test_the_english_page(browser, server):
    browser.get(server.url + "?lang=en")
    _ready_after(browser, 0)
    assert browser.find_element("tag name", "h1").text.startswith("Explorer")
    assert browser.find_element("css selector", "#outcomes thead th").text == "Outcome"
    _, api = server.request("api/evaluate?lang=en", {"seed": "status-quo", "levers": {}})
    labels = [th.text for th in browser.find_elements("css selector", "#outcomes tbody th")]
    assert labels == [r["label"] for r in api["rows"]] and api["rows"][-1]["explored"]["value"].startswith("€")
